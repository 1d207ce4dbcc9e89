"""Pages of the roadmap: the roll-up, a board per competency, the timeline, the milestone lists, a milestone
with its history, and the operational areas.

Every page is scoped to the URL's organization by OrganizationMixin, reads through selectors.py and
writes through services.py, whose refusals (a dependency loop, done before what it depends on) the
forms show. cco and admin manage; the owner of a milestone updates its progress; everyone else reads.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.audit.services import audited_download
from cco_portal.csv_export import csv_response
from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationMixin
from cco_portal.service_errors import add_service_errors

from . import exports, selectors, services
from .forms import (
    AreaForm,
    MaturityStageForm,
    MilestoneFilterForm,
    MilestoneForm,
    OwnerUpdateForm,
)
from .horizon import selectors as horizon_selectors
from .journey import services as journey_services
from .models import Competency, Milestone, OperationalArea, Stage, Status

PAGE_SIZE = 100
# The tool of a competency that has one, linked from its board: competency 2's journey map.
COMPETENCY_TOOLS = {2: ("roadmap:journey", gettext_lazy("Open the journey map"))}
# The board's columns, in the order work moves through them.
BOARD_COLUMNS = [Status.PLANNED, Status.IN_PROGRESS, Status.BLOCKED, Status.DONE]


class RoadmapMixin(OrganizationMixin):
    section = "overview"  # the roadmap tab the page belongs to

    def get_context_data(self, **kwargs):
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)

    def roadmap_url(self, name: str, **kwargs) -> str:
        return reverse(f"roadmap:{name}", kwargs={"org_slug": self.organization.slug, **kwargs})


class ManagersWriteMixin:
    """Everyone reads the page; only cco and admin send its form."""

    def get_required_roles(self):
        return MANAGERS if self.request.method == "POST" else ANY_MEMBER


class OverviewView(RoadmapMixin, TemplateView):
    template_name = "roadmap/overview.html"

    def get_context_data(self, **kwargs):
        rollups = selectors.competency_rollup(self.organization)
        totals = {key: sum(getattr(r, key) for r in rollups) for key in ("total", "done", "overdue", "due_soon")}
        return super().get_context_data(
            rollups=rollups,
            totals=totals,
            stages=Stage.values,
            horizon=horizon_selectors.horizon(self.organization),
            **kwargs,
        )


class StarterView(RoadmapMixin, View):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        created = services.apply_starter_roadmap(organization=self.organization, created_by=request.user)
        if created:
            messages.success(
                request,
                ngettext(
                    "%(count)d starter milestone added across the five competencies. It is a first draft: give it an "
                    "owner, the areas involved and dates that fit your plan.",
                    "%(count)d starter milestones added across the five competencies. They are a first draft: give "
                    "each an owner, the areas involved and dates that fit your plan.",
                    len(created),
                )
                % {"count": len(created)},
            )
        else:
            messages.info(request, gettext("Every starter milestone is already on the roadmap."))
        return redirect(self.roadmap_url("overview"))


class BoardView(ManagersWriteMixin, RoadmapMixin, FormView):
    """One competency: its milestones in a column per status, and its maturity stage with the history."""

    template_name = "roadmap/board.html"
    form_class = MaturityStageForm

    @cached_property
    def competency(self) -> Competency:
        return get_object_or_404(Competency, number=self.kwargs["number"])

    @cached_property
    def history(self):
        return selectors.maturity_history(self.organization).get(self.competency.number, [])

    def get_initial(self):
        return {"stage": self.history[0].stage} if self.history else {}

    def get_context_data(self, **kwargs):
        rollups = selectors.competency_rollup(self.organization)
        filters = selectors.MilestoneFilter(competency=self.competency.number)
        milestones = list(selectors.milestones(self.organization, filters))
        columns = [(status, [m for m in milestones if m.status == status]) for status in BOARD_COLUMNS]
        return super().get_context_data(
            competency=self.competency,
            rollups=rollups,
            rollup=next(r for r in rollups if r.competency.pk == self.competency.pk),
            columns=columns,
            history=self.history,
            evidence=selectors.maturity_evidence(self.organization, self.competency),
            stages=Stage.values,
            tool=self.tool(),
            **kwargs,
        )

    def tool(self) -> dict | None:
        if self.competency.number not in COMPETENCY_TOOLS:
            return None
        url_name, label = COMPETENCY_TOOLS[self.competency.number]
        return {"url": reverse(url_name, kwargs={"org_slug": self.organization.slug}), "label": label}

    def form_valid(self, form):
        try:
            services.set_maturity_stage(
                organization=self.organization,
                competency=self.competency,
                stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
                assessed_by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(competency)s: stage %(stage)s recorded.")
            % {"competency": self.competency.short_title, "stage": form.cleaned_data["stage"]},
        )
        return redirect(self.roadmap_url("board", number=self.competency.number))


class FilteredMixin(RoadmapMixin):
    @cached_property
    def filter_form(self) -> MilestoneFilterForm:
        return MilestoneFilterForm(self.request.GET or None, organization=self.organization)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("filter_form", self.filter_form)
        return super().get_context_data(**kwargs)


# The timeline's zooms, by the value of ?zoom=: the first year's milestones on a month axis marked in quarters, or
# the five years of the path side by side (the first year's milestones summed up, then the yearly goals).
QUARTERS, YEARS = "quarters", "years"
ZOOMS = (QUARTERS, YEARS)


class TimelineView(FilteredMixin, TemplateView):
    section = "timeline"
    template_name = "roadmap/timeline.html"
    # Room per month on the time axis; wider timelines scroll inside their frame.
    MONTH_WIDTH = 72

    @cached_property
    def filter_form(self) -> MilestoneFilterForm:
        # The zoom is not a filter: a timeline only zoomed opens with its filters folded away.
        data = self.request.GET.copy()
        data.pop("zoom", None)
        return MilestoneFilterForm(data or None, organization=self.organization)

    @property
    def zoom(self) -> str:
        zoom = self.request.GET.get("zoom")
        return zoom if zoom in ZOOMS else QUARTERS

    def get_context_data(self, **kwargs):
        kwargs.update(zoom=self.zoom, zooms={"quarters": QUARTERS, "years": YEARS})
        if self.zoom == YEARS:
            path = horizon_selectors.horizon(self.organization)
            return super().get_context_data(
                horizon=path,
                path_years=horizon_selectors.path_years(path),
                may_set_goals=horizon_selectors.can_set_goals(self.roles),
                **kwargs,
            )
        filters = self.filter_form.filters()
        timeline = selectors.timeline(self.organization, filters, show_the_past=self.request.GET.get("past") == "1")
        return super().get_context_data(
            timeline=timeline,
            track_width=max(len(timeline.months) * self.MONTH_WIDTH, 480),
            undated=selectors.undated_milestone_count(self.organization, filters),
            today=timezone.localdate(),
            **kwargs,
        )


class MilestoneListView(FilteredMixin, TemplateView):
    section = "milestones"
    template_name = "roadmap/milestones.html"

    def get_context_data(self, **kwargs):
        milestones = selectors.milestones(self.organization, self.filter_form.filters())
        page = Paginator(milestones, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, milestones=page.object_list, **kwargs)


class MilestoneCsvView(FilteredMixin, View):
    def get(self, request, *args, **kwargs):
        milestones = selectors.milestones(self.organization, self.filter_form.filters())
        response = csv_response(
            exports.milestones_filename(self.organization), exports.HEADER, exports.milestone_rows(milestones)
        )
        return audited_download(request, self.organization, response, "roadmap milestones")


class MyMilestonesView(RoadmapMixin, TemplateView):
    section = "mine"
    template_name = "roadmap/mine.html"

    def get_context_data(self, **kwargs):
        milestones = list(selectors.my_milestones(self.organization, self.request.user))
        return super().get_context_data(
            open_milestones=[m for m in milestones if not m.is_done],
            done_milestones=[m for m in milestones if m.is_done],
            **kwargs,
        )


class MilestoneCreateView(RoadmapMixin, FormView):
    section = "milestones"
    required_roles = MANAGERS
    write_roles = MANAGERS
    template_name = "roadmap/milestone_form.html"
    form_class = MilestoneForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_initial(self):
        # A moment of truth's "Create a milestone" names the touchpoint it improves; the form's choices are the
        # organization's own, so another's id is simply not chosen.
        return {
            "competency": self.request.GET.get("competency") or 1,
            "status": Status.PLANNED,
            "touchpoint": self.request.GET.get("touchpoint"),
        }

    def form_valid(self, form):
        try:
            milestone = services.create_milestone(
                organization=self.organization, created_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("“%(title)s” added to %(competency)s.")
            % {"title": milestone.title, "competency": milestone.competency.short_title},
        )
        return redirect(self.roadmap_url("milestone", milestone_id=milestone.pk))


class MilestoneMixin(RoadmapMixin):
    section = "milestones"

    @cached_property
    def milestone(self) -> Milestone:
        milestones = Milestone.objects.for_organization(self.organization).select_related(
            "competency", "owner", "journey_stage", "touchpoint__stage"
        )
        return get_object_or_404(milestones, pk=self.kwargs["milestone_id"])


class MilestoneView(MilestoneMixin, TemplateView):
    """A milestone with its dependencies and history; the form fits the reader: all of it for cco and
    admin, the progress for its owner, none for anyone else."""

    # Any member may post; the service lets the owner change the progress and cco and admin everything.
    write_roles = ANY_MEMBER

    template_name = "roadmap/milestone.html"

    @cached_property
    def is_owner(self) -> bool:
        return self.milestone.owner_id == self.request.user.pk

    def get_form(self, data=None):
        if selectors.can_change_every_field(self.roles):
            form_class, kwargs = MilestoneForm, {"organization": self.organization, "milestone": self.milestone}
        elif selectors.can_change_milestone(self.milestone, self.request.user, self.roles):
            form_class, kwargs = OwnerUpdateForm, {}
        else:
            return None
        return form_class(data, initial=form_class.initial_for(self.milestone), **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(
            milestone=self.milestone,
            is_owner=self.is_owner,
            dependencies=self.milestone.dependencies.select_related("owner").order_by("due_date", "pk"),
            dependents=self.milestone.dependents.select_related("owner").order_by("due_date", "pk"),
            history=selectors.milestone_history(self.milestone),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form is None:
            raise PermissionDenied(gettext("Only the CCO, admins and the milestone's owner change it."))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        changes = dict(form.cleaned_data)
        relations = {key: changes.pop(key) for key in ("areas", "dependencies") if key in changes}
        try:
            services.update_milestone(
                milestone=self.milestone,
                changed_by=request.user,
                may_edit_all=selectors.can_change_every_field(self.roles),
                **relations,
                **changes,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, gettext("“%(title)s” saved.") % {"title": changes.get("title", self.milestone.title)})
        return redirect(self.roadmap_url("milestone", milestone_id=self.milestone.pk))


class MilestoneDeleteView(MilestoneMixin, TemplateView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    template_name = "roadmap/milestone_delete.html"

    def get_context_data(self, **kwargs):
        dependents = self.milestone.dependents.order_by("title")
        return super().get_context_data(milestone=self.milestone, dependents=dependents, **kwargs)

    def post(self, request, *args, **kwargs):
        milestone = self.milestone
        services.delete_milestone(milestone=milestone, deleted_by=request.user)
        messages.success(request, gettext("“%(title)s” deleted.") % {"title": milestone.title})
        return redirect(self.roadmap_url("board", number=milestone.competency.number))


class AreasView(RoadmapMixin, TemplateView):
    """The organization's own list of operational areas: add, rename, name a leader, remove."""

    section = "areas"

    required_roles = MANAGERS

    write_roles = MANAGERS
    template_name = "roadmap/areas.html"

    def get_context_data(self, **kwargs):
        areas = list(selectors.operational_areas(self.organization).select_related("leader"))
        failed = kwargs.pop("rename_form", None)
        for area in areas:
            area.rename_form = failed if failed and failed.prefix == f"area-{area.pk}" else self.rename_form(area)
        kwargs.setdefault("form", AreaForm(prefix="new", organization=self.organization))
        return super().get_context_data(areas=areas, **kwargs)

    def rename_form(self, area: OperationalArea, data=None) -> AreaForm:
        return AreaForm(
            data,
            prefix=f"area-{area.pk}",
            initial={"name": area.name, "leader": area.leader_id},
            organization=self.organization,
        )

    def get_area(self) -> OperationalArea:
        areas = OperationalArea.objects.for_organization(self.organization)
        return get_object_or_404(areas, pk=self.request.POST.get("area"))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "remove":
            area = self.get_area()
            count = area.milestones.count()
            services.remove_operational_area(area=area, changed_by=request.user)
            removed = gettext("%(area)s removed.") % {"area": area.name}
            if count:
                no_longer = ngettext(
                    "%(count)d milestone no longer names it.", "%(count)d milestones no longer name it.", count
                )
                removed += " " + no_longer % {"count": count}
            messages.success(request, removed)
            return redirect(self.roadmap_url("areas"))
        if action == "rename":
            area = self.get_area()
            form, context_key = self.rename_form(area, request.POST), "rename_form"
        else:
            area = None
            form = AreaForm(request.POST, prefix="new", organization=self.organization)
            context_key = "form"
        if form.is_valid():
            try:
                with transaction.atomic():
                    if area is None:
                        area = services.add_operational_area(
                            organization=self.organization, name=form.cleaned_data["name"]
                        )
                        message = f"{area.name} added."
                    else:
                        old_name = area.name
                        area = services.rename_operational_area(
                            area=area, name=form.cleaned_data["name"], changed_by=request.user
                        )
                        message = (
                            gettext("%(area)s saved.") % {"area": area.name}
                            if old_name == area.name
                            else f"{old_name} renamed to {area.name}."
                        )
                    journey_services.set_area_leader(
                        area=area, leader=form.cleaned_data["leader"], changed_by=request.user
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(self.roadmap_url("areas"))
        return self.render_to_response(self.get_context_data(**{context_key: form}))
