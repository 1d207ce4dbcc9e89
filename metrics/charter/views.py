"""The customer-asset charter page, under /o/<slug>/metrics/charter/: the version in force, the version open for
signatures with who agreed, objected or has yet to sign, and every earlier version. The CCO and admins propose
and record a version as agreed; leadership and executives sign. Writes go through charter.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from ..views import MetricsMixin
from . import selectors, services
from .forms import CharterForm, SignatureForm
from .selectors import SIGNERS


class CharterMixin(MetricsMixin):
    section = "charter"

    def charter_url(self) -> str:
        return self.metrics_url("charter")

    def version(self) -> int:
        """The version the address names: 404 when the organization has none of that number."""
        return get_object_or_404(selectors.charters(self.organization), version=self.kwargs["version"]).version


class CharterView(CharterMixin, TemplateView):
    template_name = "metrics/charter/page.html"
    required_roles = ANY_MEMBER

    def get_context_data(self, **kwargs):
        versions = list(selectors.charters(self.organization))
        latest = versions[0] if versions else None
        open_version = latest if latest and not latest.is_agreed else None
        own = selectors.signature_of(open_version, self.request.user) if open_version else None
        may_sign = selectors.can_sign_charter(self.roles) and open_version is not None
        kwargs.setdefault(
            "signature_form",
            SignatureForm(initial={"decision": own.decision, "comment": own.comment} if own else None),
        )
        return super().get_context_data(
            versions=[(version, selectors.sign_off(self.organization, version)) for version in versions],
            in_force=next((version for version in versions if version.is_agreed), None),
            open_version=open_version,
            own_signature=own,
            may_sign=may_sign,
            may_manage=selectors.can_manage_charter(self.roles),
            **kwargs,
        )


class CharterProposeView(CharterMixin, FormView):
    """A new version: the newest one's text to start from, or the portal's definitions for a first one."""

    template_name = "metrics/charter/propose.html"
    form_class = CharterForm
    required_roles = MANAGERS
    write_roles = MANAGERS

    def get_initial(self):
        latest = selectors.latest_charter(self.organization)
        if latest is None:
            return dict(services.FIRST_VERSION)
        return {name: getattr(latest, name) for name in services.TEXT_FIELDS}

    def form_valid(self, form):
        try:
            charter = services.propose_charter(
                organization=self.organization, proposed_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Version %(version)s of the charter is open for the leaders to sign.") % {"version": charter.version},
        )
        return redirect(self.charter_url())


class CharterSignView(CharterView):
    """A leader's own decision on the open version; the page again, with what to fix, when it is refused."""

    required_roles = SIGNERS
    write_roles = SIGNERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SignatureForm(request.POST)
        if form.is_valid():
            try:
                services.sign_charter(
                    organization=self.organization,
                    version=self.version(),
                    user=request.user,
                    roles=self.roles,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your decision on the charter is recorded."))
                return redirect(self.charter_url())
        return self.render_to_response(self.get_context_data(signature_form=form))


class CharterAgreeView(CharterMixin, TemplateView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            charter = services.record_charter_agreed(
                organization=self.organization, version=self.version(), recorded_by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Version %(version)s of the charter is in force.") % {"version": charter.version}
            )
        return redirect(self.charter_url())
