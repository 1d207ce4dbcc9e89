"""Pages about a person's own access: password change and reset (which end API tokens too), API tokens, and
signing out everywhere; and the organization admins' view of their members' API tokens."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationMixin
from cco_portal.sso import views as sso_views

from . import selectors, services
from .forms import PasswordResetForm, SignInForm


class SignInView(auth_views.LoginView):
    """Django's, with the password refused for organizations that require their company account."""

    authentication_form = SignInForm


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, refusing addresses whose organization requires its company account, which has no password here."""

    form_class = PasswordResetForm


class SignOutView(auth_views.LogoutView):
    """Django's, and the sign-in page then says the person is signed out. Who signed in through their company's
    provider is signed out there too, when the provider offers it (its end-session endpoint)."""

    def post(self, request, *args, **kwargs):
        # Read before the session ends: it holds what the provider's own sign-out needs.
        provider_sign_out = sso_views.provider_sign_out_url(request)
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are signed out."))
        if provider_sign_out:
            return sso_views.leave_for_provider_sign_out(request, provider_sign_out)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, and the person's API tokens end with the old password, as their other sessions do."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.end_api_tokens(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, and whoever held the old password loses the API tokens it gave them."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.end_api_tokens(user=form.user)
        return response


class ApiTokensView(LoginRequiredMixin, TemplateView):
    """A person's own API tokens: a new one (shown once), revoking one, and signing out everywhere."""

    template_name = "accounts/api_tokens.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tokens=selectors.live_api_tokens(user=self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        if "new" in request.POST:
            token, secret = services.issue_api_token(user=request.user, request=request)
            return self.render_to_response(self.get_context_data(new_secret=secret, new_token=token))
        if token_key := request.POST.get("revoke"):
            token = get_object_or_404(selectors.live_api_tokens(user=request.user), token_key=token_key)
            services.revoke_api_token(token=token, acting_user=request.user, request=request)
            messages.success(request, _("The token %(key)s… no longer works.") % {"key": token.token_key})
        return redirect("api_tokens")


class SignOutEverywhereView(LoginRequiredMixin, TemplateView):
    """Asks first; then every session and API token of the person ends, this one included."""

    template_name = "accounts/sign_out_everywhere.html"

    def post(self, request, *args, **kwargs):
        services.sign_out_everywhere(user=request.user, request=request)
        logout(request)
        messages.success(request, _("You are signed out everywhere: every session and API token has ended."))
        return redirect(reverse("login"))


class MemberApiTokensView(OrganizationMixin, TemplateView):
    """The organization's admins review their members' API tokens and revoke any of them."""

    required_roles = ADMINS
    write_roles = ADMINS
    template_name = "accounts/member_api_tokens.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tokens=selectors.members_api_tokens(organization=self.organization), **kwargs)

    def post(self, request, *args, **kwargs):
        tokens = selectors.members_api_tokens(organization=self.organization)
        token = get_object_or_404(tokens, token_key=request.POST.get("revoke", ""))
        services.revoke_api_token(token=token, acting_user=request.user, request=request)
        messages.success(
            request,
            _("The token %(key)s… of %(person)s no longer works.")
            % {"person": token.user.email, "key": token.token_key},
        )
        return redirect("member_api_tokens", org_slug=self.organization.slug)
