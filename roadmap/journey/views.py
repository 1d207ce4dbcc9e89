"""The journey map pages, under /o/<slug>/roadmap/journey/: the map as it stands with its version, every earlier
version as it was, and the CCO's and admins' forms to shape the map. Writes go through journey.services; a
refused form comes back on the map with what to fix."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from ..views import RoadmapMixin
from . import selectors, services
from .forms import DecisionForm, PriorityForm, StageForm, StanceForm, TouchpointForm
from .models import JourneyStage, Priority, PriorityStatus, Touchpoint


class JourneyMixin(RoadmapMixin):
    section = "journey"

    def journey_url(self) -> str:
        return self.roadmap_url("journey")


class JourneyMapView(JourneyMixin, TemplateView):
    """The map as it stands; for the CCO and admins, the forms that change it."""

    template_name = "roadmap/journey/map.html"
    required_roles = ANY_MEMBER

    def stage_form(self, stage: dict, data=None) -> StageForm:
        return StageForm(data, prefix=f"stage-{stage['id']}", initial=stage)

    def touchpoint_form(self, touchpoint: dict, stage: dict, data=None) -> TouchpointForm:
        initial = {**touchpoint, "stage": stage["id"], "area": (touchpoint["area"] or {}).get("id")}
        return TouchpointForm(data, prefix=f"touchpoint-{touchpoint['id']}", initial=initial, **self.form_kwargs)

    @cached_property
    def form_kwargs(self) -> dict:
        return {"organization": self.organization}

    def get_context_data(self, failed=None, **kwargs):
        """`failed` is a bound form that was refused: it takes the place of the form with its prefix."""
        journey = selectors.map_snapshot(self.organization)
        self.attach_milestones(journey)
        may_shape = selectors.can_shape_map(self.roles)
        forms = {}
        if may_shape:
            forms["new-stage"] = StageForm(prefix="new-stage")
            forms["new-touchpoint"] = TouchpointForm(prefix="new-touchpoint", **self.form_kwargs)
            for stage in journey["stages"]:
                stage["form"] = forms.setdefault(f"stage-{stage['id']}", self.stage_form(stage))
                for touchpoint in stage["touchpoints"]:
                    touchpoint["form"] = forms.setdefault(
                        f"touchpoint-{touchpoint['id']}", self.touchpoint_form(touchpoint, stage)
                    )
            if failed is not None:
                forms[failed.prefix] = failed
                for stage in journey["stages"]:
                    if failed.prefix == f"stage-{stage['id']}":
                        stage["form"], stage["open"] = failed, True
                    for touchpoint in stage["touchpoints"]:
                        if failed.prefix == f"touchpoint-{touchpoint['id']}":
                            touchpoint["form"], touchpoint["open"] = failed, True
        return super().get_context_data(
            journey=journey,
            version=selectors.current_version(self.organization),
            may_shape=may_shape,
            stage_form=forms.get("new-stage"),
            touchpoint_form=forms.get("new-touchpoint"),
            form=failed,
            example_stages=[str(name) for name in services.EXAMPLE_STAGES],
            in_discussion=selectors.priorities(self.organization).filter(status=PriorityStatus.DISCUSSION).count(),
            **kwargs,
        )

    def attach_milestones(self, journey: dict) -> None:
        """Each stage and touchpoint of the live map lists the milestones that point at it."""
        found = selectors.milestones_on_map(self.organization)
        groups = [("stages", journey["stages"])]
        groups += [("touchpoints", stage["touchpoints"]) for stage in journey["stages"]]
        for kind, rows in groups:
            for row in rows:
                row["milestones"] = [
                    {"title": m.title, "url": self.roadmap_url("milestone", milestone_id=m.pk)}
                    for m in found[kind].get(row["id"], [])
                ]

    def refused(self, form, error: ValidationError | None = None):
        if error is not None:
            add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(failed=form))


class JourneyStartView(JourneyMixin, TemplateView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.start_with_example_stages(organization=self.organization, changed_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The map starts with six example stages: rename, move or remove them."))
        return redirect(self.journey_url())


class StageAddView(JourneyMapView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = StageForm(request.POST, prefix="new-stage")
        if not form.is_valid():
            return self.refused(form)
        try:
            stage = services.add_stage(organization=self.organization, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(request, _("Stage “%(name)s” added.") % {"name": stage.name})
        return redirect(self.journey_url())


class StageView(JourneyMapView):
    """Rename or move one stage (action=save), or remove it (action=remove)."""

    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    @cached_property
    def stage(self) -> JourneyStage:
        return get_object_or_404(JourneyStage.objects.for_organization(self.organization), pk=self.kwargs["stage_id"])

    def post(self, request, *args, **kwargs):
        stage = self.stage
        if request.POST.get("action") == "remove":
            services.remove_stage(stage=stage, changed_by=request.user)
            messages.success(request, _("Stage “%(name)s” removed.") % {"name": stage.name})
            return redirect(self.journey_url())
        form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
        if not form.is_valid():
            return self.refused(form)
        try:
            services.update_stage(stage=stage, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(request, _("Stage “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
        return redirect(self.journey_url())


class TouchpointAddView(JourneyMapView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TouchpointForm(request.POST, prefix="new-touchpoint", **self.form_kwargs)
        if not form.is_valid():
            return self.refused(form)
        try:
            touchpoint = services.add_touchpoint(
                organization=self.organization, changed_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(
            request,
            _("Touchpoint “%(name)s” added to “%(stage)s”.")
            % {"name": touchpoint.name, "stage": touchpoint.stage.name},
        )
        return redirect(self.journey_url())


class TouchpointView(JourneyMapView):
    """Rename, re-own or move one touchpoint (action=save), or remove it (action=remove)."""

    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    @cached_property
    def touchpoint(self) -> Touchpoint:
        touchpoints = Touchpoint.objects.for_organization(self.organization).select_related("stage")
        return get_object_or_404(touchpoints, pk=self.kwargs["touchpoint_id"])

    def post(self, request, *args, **kwargs):
        touchpoint = self.touchpoint
        if request.POST.get("action") == "remove":
            services.remove_touchpoint(touchpoint=touchpoint, changed_by=request.user)
            messages.success(request, _("Touchpoint “%(name)s” removed.") % {"name": touchpoint.name})
            return redirect(self.journey_url())
        form = TouchpointForm(request.POST, prefix=f"touchpoint-{touchpoint.pk}", **self.form_kwargs)
        if not form.is_valid():
            return self.refused(form)
        try:
            services.update_touchpoint(touchpoint=touchpoint, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(request, _("Touchpoint “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
        return redirect(self.journey_url())


class VersionListView(JourneyMixin, TemplateView):
    template_name = "roadmap/journey/versions.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(versions=selectors.versions(self.organization), **kwargs)


class VersionView(JourneyMixin, TemplateView):
    """An earlier version of the map, as it was."""

    template_name = "roadmap/journey/version.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(selectors.versions(self.organization), number=self.kwargs["map_version"])
        current = selectors.current_version(self.organization)
        return super().get_context_data(
            version=version,
            journey=version.snapshot,
            is_current=current is not None and current.pk == version.pk,
            **kwargs,
        )


class PriorityListView(JourneyMixin, TemplateView):
    """The priorities in discussion, chosen and set aside; leaders propose one here."""

    template_name = "roadmap/journey/priorities.html"
    required_roles = ANY_MEMBER
    write_roles = selectors.LEADERS

    def get_context_data(self, **kwargs):
        everything = list(selectors.priorities(self.organization))
        may_propose = selectors.can_take_part(self.roles)
        if may_propose:
            kwargs.setdefault("form", PriorityForm(organization=self.organization))
        return super().get_context_data(
            groups=[
                (status.label, [p for p in everything if p.status == status], status)
                for status in (PriorityStatus.DISCUSSION, PriorityStatus.CHOSEN, PriorityStatus.SET_ASIDE)
            ],
            may_propose=may_propose,
            has_touchpoints=selectors.touchpoints(self.organization).exists(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = PriorityForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                priority = services.propose_priority(
                    organization=self.organization, proposed_by=request.user, roles=self.roles, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Proposed: each leader now commits or dissents."))
                return redirect(self.roadmap_url("journey_priority", priority_id=priority.pk))
        return self.render_to_response(self.get_context_data(form=form))


class PriorityView(JourneyMixin, TemplateView):
    """One priority going around the table: every leader with their stance, your own stance, the decision."""

    template_name = "roadmap/journey/priority.html"

    @cached_property
    def priority(self) -> Priority:
        return get_object_or_404(selectors.priorities(self.organization), pk=self.kwargs["priority_id"])

    def get_context_data(self, **kwargs):
        priority = self.priority
        own = selectors.stance_of(priority, self.request.user)
        may_state = selectors.can_take_part(self.roles) and priority.is_open
        may_decide = selectors.can_decide_priority(self.roles) and priority.is_open
        if may_state:
            initial = {"stance": own.stance, "comment": own.comment} if own else None
            kwargs.setdefault("stance_form", StanceForm(initial=initial))
        if may_decide:
            kwargs.setdefault("decision_form", DecisionForm())
        return super().get_context_data(
            priority=priority,
            table=selectors.around_the_table(self.organization, priority),
            own_stance=own,
            may_state=may_state,
            may_decide=may_decide,
            **kwargs,
        )


class PriorityStanceView(PriorityView):
    """A leader's own stance; the priority again, with what to fix, when it is refused."""

    required_roles = selectors.LEADERS
    write_roles = selectors.LEADERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = StanceForm(request.POST)
        if form.is_valid():
            try:
                services.set_stance(
                    organization=self.organization,
                    priority=self.priority,
                    user=request.user,
                    roles=self.roles,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your stance is recorded."))
                return redirect(self.roadmap_url("journey_priority", priority_id=self.priority.pk))
        return self.render_to_response(self.get_context_data(stance_form=form))


class PriorityDecisionView(PriorityView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decide_priority(
                    organization=self.organization,
                    priority=self.priority,
                    decided_by=request.user,
                    chosen=form.cleaned_data["outcome"] == "chosen",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The decision is recorded in a new version of the map."))
                return redirect(self.roadmap_url("journey_priority", priority_id=self.priority.pk))
        return self.render_to_response(self.get_context_data(decision_form=form))
