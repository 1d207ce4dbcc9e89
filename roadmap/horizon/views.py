"""The five-year horizon page, under /o/<slug>/roadmap/horizon/: where the organization stands on the path, each
competency's first year in milestones and its goals for years two to five; the CCO and admins set the goals."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from ..views import RoadmapMixin
from . import selectors, services
from .forms import YearlyGoalForm


class HorizonView(RoadmapMixin, TemplateView):
    section = "horizon"
    template_name = "roadmap/horizon/horizon.html"
    required_roles = ANY_MEMBER
    write_roles = MANAGERS

    def get_context_data(self, form=None, **kwargs):
        may_set = selectors.can_set_goals(self.roles)
        return super().get_context_data(
            horizon=selectors.horizon(self.organization),
            form=(form or YearlyGoalForm()) if may_set else None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = YearlyGoalForm(request.POST)
        if form.is_valid():
            try:
                services.set_yearly_goal(organization=self.organization, set_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The goal is set."))
                return redirect(self.roadmap_url("horizon"))
        return self.render_to_response(self.get_context_data(form=form))
