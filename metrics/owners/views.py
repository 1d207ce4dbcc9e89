"""The figures' owners, under /o/<slug>/metrics/owners/: who owns each named segment and each figure of the
bridge. Every member reads it; the CCO and admins give and take back ownership, one row at a time."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS

from .. import selectors as metric_selectors
from ..models import Movement
from ..views import MetricsMixin
from . import selectors, services


class OwnersView(MetricsMixin, TemplateView):
    section = "owners"
    template_name = "metrics/owners.html"
    required_roles = ANY_MEMBER
    write_roles = MANAGERS

    def get_context_data(self, **kwargs):
        owners = selectors.figure_owners(self.organization)
        segments = [segment for segment in metric_selectors.segments(self.organization) if segment]
        return super().get_context_data(
            segment_rows=[(segment, owners.segments.get(segment)) for segment in segments],
            figure_rows=[
                (figure, Movement(figure).label, owners.figures.get(figure)) for figure in selectors.OWNED_FIGURES
            ],
            executives=selectors.possible_owners(self.organization),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        owner = forms.ChoiceField(
            required=False,
            choices=[(str(user.pk), "") for user in selectors.possible_owners(self.organization)],
            error_messages={"invalid_choice": _("Only an executive of the organization can own figures.")},
        )
        try:
            chosen = owner.clean(request.POST.get("owner", ""))
            services.set_figure_owner(
                organization=self.organization,
                owner_id=int(chosen) if chosen else None,
                segment=request.POST.get("segment", ""),
                figure=request.POST.get("figure", ""),
                changed_by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The owner is saved."))
        return redirect(self.metrics_url("owners"))
