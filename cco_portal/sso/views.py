"""The single sign-on pages: the work email that finds the organization's provider, the provider's callback, the
page for a newcomer without a role, and the admins' provider settings."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationMixin
from cco_portal.service_errors import add_service_errors

from . import oidc, selectors, services
from .forms import CompanyEmailForm, IdentityProviderForm
from .models import IdentityProvider

# What the session keeps of a single sign-on: the organization, and the ID token that the provider's sign-out
# asks for.
ORGANIZATION_SESSION_KEY = "sso_organization"
ID_TOKEN_SESSION_KEY = "sso_id_token"


def callback_url(request) -> str:
    return request.build_absolute_uri(reverse("sso:callback"))


def _leave_for(request, url: str, template: str):
    """Send the browser to another site. The page's Content-Security-Policy limits where a form may lead, even
    through a redirect, so the page answering a form moves on by itself (and offers the link)."""
    return render(request, template, {"url": url})


class CompanySignInView(FormView):
    """ "Sign in with your company's account": the work email finds the organization whose provider signs it in."""

    template_name = "sso/sign_in.html"
    form_class = CompanyEmailForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        provider = selectors.provider_for_email(email)
        if provider is None:
            services.record_sign_in_refused(request=self.request, reason="domain", email=email)
            form.add_error(
                "email",
                _(
                    "No organization signs in with %(domain)s here. Sign in with your email and password instead, "
                    "or ask your organization's admin whether your company account can be used."
                )
                % {"domain": selectors.domain_of(email)},
            )
            return self.form_invalid(form)
        try:
            response = oidc.authorization_redirect(self.request, provider, callback_url(self.request), login_hint=email)
        except oidc.SignInRefused as refused:
            return _refuse(self.request, refused, email=email, organization=provider.organization)
        return _leave_for(self.request, response["Location"], "sso/leaving.html")


def _refuse(request, refused: oidc.SignInRefused, email: str = "", organization: Organization | None = None):
    services.record_sign_in_refused(request=request, reason=refused.reason, email=email, organization=organization)
    return render(request, "sso/refused.html", {"reason": str(refused), "code": refused.reason}, status=403)


class CallbackView(View):
    """Where the provider sends the browser back: the state, the code and the ID token checked, then signed in."""

    def get(self, request, *args, **kwargs):
        organization_id = request.session.pop(oidc.PENDING_SESSION_KEY, None)
        provider = (
            IdentityProvider.objects.filter(organization_id=organization_id).select_related("organization").first()
            if organization_id
            else None
        )
        if provider is None:
            refused = oidc.SignInRefused("state", _("This sign-in link was already used or was not started here."))
            return _refuse(request, refused)
        try:
            identity = oidc.complete_authorization(request, provider)
        except oidc.SignInRefused as refused:
            return _refuse(request, refused, organization=provider.organization)
        try:
            user, is_member = services.account_for_identity(provider=provider, identity=identity)
        except oidc.SignInRefused as refused:
            return _refuse(request, refused, email=identity.email, organization=provider.organization)
        # The audit receiver names how the person signed in; Django's login also starts whatever the portal asks
        # of every new session (a second factor among them).
        request.signed_in_via = services.SIGN_IN_VIA
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[ORGANIZATION_SESSION_KEY] = provider.organization_id
        request.session[ID_TOKEN_SESSION_KEY] = identity.id_token
        if is_member:
            return redirect(provider.organization)
        return redirect("sso:no_role")


class NoRoleView(LoginRequiredMixin, TemplateView):
    """A first sign-in that the organization gives no role by itself: who to ask for one."""

    template_name = "sso/no_role.html"

    def get(self, request, *args, **kwargs):
        organization = Organization.objects.filter(pk=request.session.get(ORGANIZATION_SESSION_KEY)).first()
        if organization is None:
            return redirect("home")
        if Membership.objects.for_organization(organization).filter(user=request.user).exists():
            return redirect(organization)
        return self.render_to_response(
            self.get_context_data(organization=organization, admins=selectors.admins_of(organization))
        )


def provider_sign_out_url(request) -> str:
    """Where the provider ends its own session after the portal's, when the person signed in through one that
    offers it; "" otherwise. Read before the portal's session ends, which holds the ID token."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    organization_id = request.session.get(ORGANIZATION_SESSION_KEY)
    if not id_token or not organization_id:
        return ""
    provider = IdentityProvider.objects.filter(organization_id=organization_id).first()
    if provider is None:
        return ""
    return oidc.logout_url(provider, id_token, request.build_absolute_uri(reverse("login")))


def leave_for_provider_sign_out(request, url: str):
    return _leave_for(request, url, "sso/signing_out.html")


class IdentityProviderSettingsView(OrganizationMixin, FormView):
    """The organization's admins configure its OpenID Connect provider."""

    required_roles = ADMINS
    write_roles = ADMINS
    template_name = "sso/settings.html"
    form_class = IdentityProviderForm

    def provider(self) -> IdentityProvider | None:
        return selectors.provider_of(self.organization)

    def get_initial(self):
        provider = self.provider()
        if provider is None:
            return {}
        return {
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "domains": "\n".join(domain.domain for domain in provider.domains.all()),
            "default_role": provider.default_role,
            "is_required": provider.is_required,
        }

    def get_form_kwargs(self):
        provider = self.provider()
        return {**super().get_form_kwargs(), "has_client_secret": bool(provider and provider.has_client_secret)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            provider=self.provider(),
            redirect_uri=callback_url(self.request),
            post_logout_redirect_uri=self.request.build_absolute_uri(reverse("login")),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            services.remove_identity_provider(organization=self.organization, acting_user=request.user)
            messages.success(request, _("Single sign-on is off: members sign in with their passwords."))
            return redirect("sign_on_settings", org_slug=self.organization.slug)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.save_identity_provider(
                organization=self.organization, acting_user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Single sign-on saved."))
        return redirect("sign_on_settings", org_slug=self.organization.slug)
