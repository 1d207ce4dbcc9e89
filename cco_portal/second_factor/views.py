"""Pages of the second factor: setting up an authenticator, giving a code to finish signing in, and an admin
resetting a member's second factor."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from cco_portal.organizations import selectors as organization_selectors
from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationMixin
from cco_portal.service_errors import add_service_errors

from . import selectors, services
from .forms import CodeForm, SetupCodeForm
from .qr import qr_code_svg, readable_secret


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@method_decorator(never_cache, name="dispatch")
class SetupView(LoginRequiredMixin, FormView):
    """The QR code and the secret of a new authenticator; its first code confirms it, and the recovery codes
    are shown once. Someone who has one sees how many recovery codes are left."""

    form_class = SetupCodeForm
    template_name = "second_factor/setup.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = {"next": _next_url(self.request), "required": services.must_set_up(user)}
        if selectors.has_second_factor(user):
            context["recovery_codes_left"] = selectors.recovery_codes_left(user)
        else:
            device = services.start_authenticator_setup(user=user)
            context.update(qr_code=qr_code_svg(device.config_url), secret=readable_secret(device))
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        try:
            device, codes = services.confirm_authenticator(
                user=self.request.user, code=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        otp_login(self.request, device)
        return self.response_class(
            request=self.request,
            template="second_factor/recovery_codes.html",
            context={"codes": codes, "next": _next_url(self.request)},
        )


@method_decorator(never_cache, name="dispatch")
class VerifyView(LoginRequiredMixin, FormView):
    """After the password (or single sign-on): the authenticator's code, or a recovery code, before anything
    else. Wrong codes count towards the sign-in lockout, which then signs the session out."""

    form_class = CodeForm
    template_name = "second_factor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (user.is_verified() or not selectors.has_second_factor(user)):
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        request = self.request
        try:
            device = services.verify_second_factor(user=request.user, code=form.cleaned_data["code"], request=request)
        except ValidationError as error:
            if getattr(request, "axes_locked_out", False):
                # django-axes answers with its lockout page; the password is needed again after the pause.
                logout(request)
            add_service_errors(form, error)
            return self.form_invalid(form)
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = selectors.recovery_codes_left(request.user)
            messages.warning(
                request,
                _(
                    "You used a recovery code; %(left)s are left. If you lost your phone, ask another admin to "
                    "reset your second factor."
                )
                % {"left": left},
            )
        return redirect(_next_url(request))


class MemberSecondFactorResetView(OrganizationMixin, View):
    """An admin resets a member's second factor (POST only), from the member's page."""

    required_roles = ADMINS
    write_roles = ADMINS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        member = organization_selectors.get_member(self.organization, self.kwargs["user_id"])
        if member is None:
            raise Http404("No such member.")
        try:
            services.reset_second_factor(
                organization=self.organization, user=member.user, acting_user=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The second factor of %(person)s is reset: they set up a new one at their next sign-in.")
                % {"person": member.user.display_name},
            )
        return redirect("organizations:member_roles", org_slug=self.organization.slug, user_id=member.user.pk)
