"""The reliability log and the moments of truth, under /o/<slug>/roadmap/reliability/. Everyone reads; the CCO
and admins file issues and choose moments; the leader of an issue's area keeps it current (the service says who
may, per issue). A refused form comes back on its page with what to fix."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from ..journey import selectors as journey_selectors
from ..views import RoadmapMixin
from . import selectors, services
from .forms import (
    IssueFilterForm,
    IssueForm,
    LinkMilestoneForm,
    MomentExperienceForm,
    MomentForm,
    OccurrencesForm,
    RecurrenceForm,
    StatusForm,
)
from .models import IssueStatus, MomentOfTruth, ReliabilityIssue


class ReliabilityMixin(RoadmapMixin):
    section = "reliability"


class ReliabilityLogView(ReliabilityMixin, TemplateView):
    """The log, filtered by touchpoint, area and status; the CCO and admins file an issue here."""

    template_name = "roadmap/reliability/log.html"
    required_roles = ANY_MEMBER
    write_roles = MANAGERS

    def get_context_data(self, **kwargs):
        filter_form = IssueFilterForm(self.request.GET or None, organization=self.organization)
        filters = selectors.IssueFilters()
        if filter_form.is_bound and filter_form.is_valid():
            data = filter_form.cleaned_data
            filters = selectors.IssueFilters(
                touchpoint=data["touchpoint"].pk if data["touchpoint"] else None,
                area=data["area"].pk if data["area"] else None,
                status=data["status"] or None,
            )
        may_manage = selectors.can_manage(self.roles)
        if may_manage:
            kwargs.setdefault("form", IssueForm(organization=self.organization))
        issues = selectors.open_first(selectors.issues(self.organization, filters))
        return super().get_context_data(
            issues=[(issue, selectors.latest_frequency(issue)) for issue in issues],
            filter_form=filter_form,
            is_filtered=filters != selectors.IssueFilters(),
            counts=[
                (IssueStatus(status).label, status, count)
                for status, count in selectors.status_counts(self.organization).items()
            ],
            may_manage=may_manage,
            has_touchpoints=journey_selectors.touchpoints(self.organization).exists(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = IssueForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                issue = services.report_issue(
                    organization=self.organization, reported_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(title)s” is in the log, open.") % {"title": issue.title})
                return redirect(self.roadmap_url("reliability_issue", issue_id=issue.pk))
        return self.render_to_response(self.get_context_data(form=form))


class IssueView(ReliabilityMixin, TemplateView):
    """One issue: its facts, its frequency month by month, its whole history, and the forms that keep it
    current for those who may. POST saves its details."""

    template_name = "roadmap/reliability/issue.html"
    required_roles = ANY_MEMBER
    # Who may write is decided per issue by the service: the CCO, admins and the leader of its area.
    write_roles = ANY_MEMBER

    @cached_property
    def issue(self) -> ReliabilityIssue:
        return get_object_or_404(selectors.issues(self.organization), pk=self.kwargs["issue_id"])

    @cached_property
    def may_update(self) -> bool:
        return selectors.can_update_issue(self.roles, self.request.user, self.issue)

    def issue_form(self, data=None) -> IssueForm:
        issue = self.issue
        initial = {
            "title": issue.title,
            "touchpoint": issue.touchpoint_id,
            "area": issue.area_id,
            "customers_touched": issue.customers_touched,
            "customer_share": issue.customer_share,
            "root_cause": issue.root_cause,
        }
        return IssueForm(
            data,
            organization=self.organization,
            initial=initial,
            leader_only=not selectors.can_manage(self.roles),
        )

    def get_context_data(self, **kwargs):
        issue = self.issue
        if self.may_update:
            kwargs.setdefault("issue_form", self.issue_form())
            if issue.is_resolved:
                kwargs.setdefault("recurrence_form", RecurrenceForm())
            else:
                kwargs.setdefault("status_form", StatusForm(initial={"status": issue.status}))
            kwargs.setdefault("occurrences_form", OccurrencesForm())
        occurrences = list(issue.occurrences.all())
        return super().get_context_data(
            issue=issue,
            occurrences=occurrences,
            peak=max((o.count for o in occurrences), default=0),
            latest=selectors.latest_frequency(issue),
            history=selectors.history(issue),
            may_update=self.may_update,
            **kwargs,
        )

    def refused(self, slot: str, form, error: ValidationError | None = None):
        if error is not None:
            add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(**{slot: form, "form": form}))

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(self.roadmap_url("reliability_issue", issue_id=self.issue.pk))

    def post(self, request, *args, **kwargs):
        form = self.issue_form(request.POST)
        if not form.is_valid():
            return self.refused("issue_form", form)
        try:
            services.update_issue(issue=self.issue, changed_by=request.user, roles=self.roles, **form.cleaned_data)
        except ValidationError as error:
            return self.refused("issue_form", form, error)
        return self.done(_("The issue is saved."))


class IssueStatusView(IssueView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        if not form.is_valid():
            return self.refused("status_form", form)
        try:
            issue = services.change_status(
                issue=self.issue, changed_by=request.user, roles=self.roles, **form.cleaned_data
            )
        except ValidationError as error:
            return self.refused("status_form", form, error)
        return self.done(_("The issue is now %(status)s.") % {"status": IssueStatus(issue.status).label.lower()})


class IssueOccurrencesView(IssueView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = OccurrencesForm(request.POST)
        if not form.is_valid():
            return self.refused("occurrences_form", form)
        try:
            counted = services.record_occurrences(
                issue=self.issue, recorded_by=request.user, roles=self.roles, **form.cleaned_data
            )
        except ValidationError as error:
            return self.refused("occurrences_form", form, error)
        message = _("%(count)s occurrences counted in %(month)s.") % {
            "count": counted.count,
            "month": f"{counted.month:%Y-%m}",
        }
        if counted.issue.recurrences > self.issue.recurrences:
            message += " " + _("The issue was resolved: it is reopened as a recurrence.")
        return self.done(message)


class IssueRecurrenceView(IssueView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RecurrenceForm(request.POST)
        if not form.is_valid():
            return self.refused("recurrence_form", form)
        try:
            services.record_recurrence(
                issue=self.issue, recorded_by=request.user, roles=self.roles, **form.cleaned_data
            )
        except ValidationError as error:
            return self.refused("recurrence_form", form, error)
        return self.done(_("The issue recurred: it is open again, with its history."))


class MomentsView(ReliabilityMixin, TemplateView):
    """The moments of truth, each with its intended experience and the milestones that improve it; the CCO and
    admins choose them and link milestones here."""

    template_name = "roadmap/reliability/moments.html"
    required_roles = ANY_MEMBER
    write_roles = MANAGERS

    def get_context_data(self, failed=None, **kwargs):
        may_manage = selectors.can_manage(self.roles)
        moments = list(selectors.moments(self.organization))
        if may_manage:
            kwargs.setdefault("choose_form", MomentForm(organization=self.organization))
            for moment in moments:
                moment.experience_form = MomentExperienceForm(
                    prefix=f"moment-{moment.pk}", initial={"intended_experience": moment.intended_experience}
                )
                moment.link_form = LinkMilestoneForm(prefix=f"link-{moment.pk}", organization=self.organization)
                moment.link_form.fields["milestone"].queryset = selectors.milestones_to_link(self.organization, moment)
                if failed is not None and failed.prefix in (f"moment-{moment.pk}", f"link-{moment.pk}"):
                    setattr(moment, "experience_form" if failed.prefix.startswith("moment") else "link_form", failed)
                    moment.open = True
        return super().get_context_data(
            moments=moments,
            may_manage=may_manage,
            has_touchpoints=journey_selectors.touchpoints(self.organization).exists(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = MomentForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                moment = services.choose_moment(
                    organization=self.organization, chosen_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is a moment of truth.") % {"name": moment.touchpoint.name})
                return redirect(self.roadmap_url("reliability_moments"))
        return self.render_to_response(self.get_context_data(form=form, choose_form=form))


class MomentMixin(MomentsView):
    required_roles = MANAGERS
    http_method_names = ["post"]

    @cached_property
    def moment(self) -> MomentOfTruth:
        moments = MomentOfTruth.objects.for_organization(self.organization).select_related("touchpoint")
        return get_object_or_404(moments, pk=self.kwargs["moment_id"])

    def refused(self, form, error: ValidationError | None = None):
        if error is not None:
            add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(failed=form, form=form))


class MomentView(MomentMixin):
    """Change a moment's intended experience (action=save), or remove it (action=remove)."""

    def post(self, request, *args, **kwargs):
        moment = self.moment
        if request.POST.get("action") == "remove":
            services.remove_moment(moment=moment, removed_by=request.user)
            messages.success(
                request, _("“%(name)s” is no longer a moment of truth.") % {"name": moment.touchpoint.name}
            )
            return redirect(self.roadmap_url("reliability_moments"))
        form = MomentExperienceForm(request.POST, prefix=f"moment-{moment.pk}")
        if not form.is_valid():
            return self.refused(form)
        try:
            services.update_moment(moment=moment, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(request, _("“%(name)s” saved.") % {"name": moment.touchpoint.name})
        return redirect(self.roadmap_url("reliability_moments"))


class MomentLinkView(MomentMixin):
    """Link an existing milestone to a moment: it then points at the moment's touchpoint."""

    def post(self, request, *args, **kwargs):
        moment = self.moment
        form = LinkMilestoneForm(request.POST, prefix=f"link-{moment.pk}", organization=self.organization)
        if not form.is_valid():
            return self.refused(form)
        try:
            milestone = services.link_milestone(
                moment=moment, milestone=form.cleaned_data["milestone"], changed_by=request.user
            )
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(
            request,
            _("“%(title)s” now improves “%(name)s”.") % {"title": milestone.title, "name": moment.touchpoint.name},
        )
        return redirect(self.roadmap_url("reliability_moments"))
