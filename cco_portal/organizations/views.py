from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from cco_portal.emails import undelivered_recently

from . import selectors, services
from .forms import AcceptInvitationForm, InvitationForm, MemberRolesForm, OrganizationSettingsForm
from .models import Invitation
from .roles import ADMINS, ROLE_DESCRIPTIONS, Role
from .scoping import OrganizationMixin
from .waiting import waiting_for


def healthz(request):
    """For load balancers and compose health checks: the process answers and the database does too."""
    # Raw SQL because no model is involved: a persistent connection may be open while the database no longer
    # answers, so only a query, the smallest one, proves it does.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class HomeView(LoginRequiredMixin, TemplateView):
    """Straight to the only organization; otherwise a list to choose from, or what to do without one."""

    template_name = "organizations/choose.html"

    def get(self, request, *args, **kwargs):
        organizations = selectors.list_user_organizations(request.user)
        if len(organizations) == 1:
            return redirect(organizations[0])
        return self.render_to_response(self.get_context_data(organizations=organizations))


class OrganizationHomeView(OrganizationMixin, TemplateView):
    template_name = "organizations/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            role_descriptions=[(Role(role).label, ROLE_DESCRIPTIONS[role]) for role in Role if role in self.roles],
            member_count=len(selectors.list_members(self.organization)) if self.has_role(Role.ADMIN) else None,
            undelivered=list(undelivered_recently(self.organization)[:20]) if self.is_manager else [],
            waiting=waiting_for(self.organization, self.request.user),
            **kwargs,
        )


class MemberListView(OrganizationMixin, TemplateView):
    required_roles = ADMINS
    template_name = "organizations/members.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=selectors.list_members(self.organization),
            invitations=Invitation.objects.for_organization(self.organization).pending().select_related("invited_by"),
            form=InvitationForm(),
            **kwargs,
        )


class InviteMemberView(OrganizationMixin, FormView):
    required_roles = ADMINS
    form_class = InvitationForm
    template_name = "organizations/invite.html"

    def form_valid(self, form):
        try:
            invitation = services.invite_member(
                organization=self.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s as %(role)s.")
            % {"email": invitation.email, "role": invitation.get_role_display()},
        )
        return redirect("organizations:members", org_slug=self.organization.slug)


class MemberMixin(OrganizationMixin):
    required_roles = ADMINS

    def get_member(self):
        member = selectors.get_member(self.organization, self.kwargs["user_id"])
        if member is None:
            raise Http404(_("No such member."))
        return member

    def members_url(self) -> str:
        return reverse("organizations:members", kwargs={"org_slug": self.organization.slug})


class MemberRolesView(MemberMixin, FormView):
    form_class = MemberRolesForm
    template_name = "organizations/member_roles.html"

    def get_initial(self):
        return {"roles": self.get_member().roles}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.get_member(), **kwargs)

    def form_valid(self, form):
        member = self.get_member()
        try:
            services.set_member_roles(
                organization=self.organization,
                user=member.user,
                roles=form.cleaned_data["roles"],
                acting_user=self.request.user,
            )
        except ValidationError as error:
            form.add_error("roles", error)
            return self.form_invalid(form)
        messages.success(self.request, _("Roles of %(name)s updated.") % {"name": member.user.display_name})
        return redirect(self.members_url())


class MemberRemoveView(MemberMixin, TemplateView):
    template_name = "organizations/member_remove.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.get_member(), **kwargs)

    def post(self, request, *args, **kwargs):
        member = self.get_member()
        try:
            services.remove_member(organization=self.organization, user=member.user, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.members_url())
        messages.success(
            request,
            _("%(name)s no longer has access to %(organization)s.")
            % {"name": member.user.display_name, "organization": self.organization.name},
        )
        return redirect(self.members_url())


class InvitationActionView(OrganizationMixin, View):
    """POST-only actions on a pending invitation of this organization."""

    required_roles = ADMINS
    http_method_names = ["post"]

    def get_invitation(self) -> Invitation:
        return get_object_or_404(
            Invitation.objects.for_organization(self.organization), pk=self.kwargs["invitation_id"]
        )


class InvitationRevokeView(InvitationActionView):
    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        try:
            services.revoke_invitation(invitation=invitation, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
        return redirect("organizations:members", org_slug=self.organization.slug)


class InvitationResendView(InvitationActionView):
    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        try:
            services.invite_member(
                organization=self.organization, email=invitation.email, role=invitation.role, invited_by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            days = settings.INVITATION_VALID_DAYS
            messages.success(
                request,
                ngettext(
                    "The invitation to %(email)s was sent again, valid for %(days)d day.",
                    "The invitation to %(email)s was sent again, valid for %(days)d days.",
                    days,
                )
                % {"email": invitation.email, "days": days},
            )
        return redirect("organizations:members", org_slug=self.organization.slug)


class OrganizationSettingsView(OrganizationMixin, UpdateView):
    required_roles = ADMINS
    form_class = OrganizationSettingsForm
    template_name = "organizations/settings.html"

    def get_object(self, queryset=None):
        return self.organization

    def form_valid(self, form):
        services.change_organization_settings(
            organization=self.organization, acting_user=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, _("Settings saved."))
        return redirect("organizations:settings", org_slug=self.organization.slug)


class AcceptInvitationView(FormView):
    """The invitation link: a new person sets a name and password; a signed-in invitee just joins."""

    template_name = "organizations/accept_invitation.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = services.get_invitation_for_token(kwargs["token"])
        except services.InvitationError as error:
            return self.response_class(
                request=request,
                template=["organizations/invitation_unusable.html"],
                context={"reason": str(error)},
                status=410,
            )
        self.account_exists = services.User.objects.filter(email__iexact=self.invitation.email).exists()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "email": self.invitation.email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, account_exists=self.account_exists, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return self.join(user=request.user)
        if self.account_exists:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return self.join(full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"])

    def join(self, **account):
        try:
            user = services.accept_invitation(invitation=self.invitation, **account)
        except services.InvitationError as error:
            messages.error(self.request, str(error))
            return redirect(self.request.path)
        if not self.request.user.is_authenticated:
            login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request, _("Welcome to %(organization)s.") % {"organization": self.invitation.organization.name}
        )
        return redirect(self.invitation.organization)
