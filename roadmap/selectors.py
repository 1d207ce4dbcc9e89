"""Reads of the roadmap: roll-ups per competency, filtered milestone lists, the timeline and history."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, F, Field, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from cco_portal.charts.geometry import AxisLabel, date_scale, track_month_labels
from cco_portal.organizations import gathered_evidence
from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import MANAGERS, roles_allow

from .models import Competency, MaturityAssessment, Milestone, OperationalArea, Stage, Status


def can_change_every_field(roles: Iterable[str]) -> bool:
    """The CCO and admins change everything about a milestone, and may override a dependency."""
    return roles_allow(roles, MANAGERS)


def can_change_milestone(milestone: Milestone, user, roles: Iterable[str]) -> bool:
    """The CCO and admins; and the milestone's owner, who changes only its progress (see OWNER_FIELDS)."""
    return can_change_every_field(roles) or (user.pk is not None and milestone.owner_id == user.pk)


@dataclass
class CompetencyRollup:
    competency: Competency
    total: int
    done: int
    in_progress: int
    blocked: int
    overdue: int
    due_soon: int
    stage: int | None

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def competency_rollup(organization: Organization, *, today: date | None = None) -> list[CompetencyRollup]:
    """Per competency: milestones done of total, in progress, blocked, overdue, due in 30 days, and the
    current maturity stage, in one query."""
    today = today or timezone.localdate()
    mine = Q(milestones__organization=organization)
    open_ = mine & ~Q(milestones__status=Status.DONE)
    latest_stage = (
        MaturityAssessment.objects.filter(organization=organization, competency=OuterRef("pk"))
        .order_by("-assessed_at", "-pk")
        .values("stage")[:1]
    )
    competencies = Competency.objects.annotate(
        total=Count("milestones", filter=mine),
        done=Count("milestones", filter=mine & Q(milestones__status=Status.DONE)),
        in_progress=Count("milestones", filter=mine & Q(milestones__status=Status.IN_PROGRESS)),
        blocked=Count("milestones", filter=mine & Q(milestones__status=Status.BLOCKED)),
        overdue=Count("milestones", filter=open_ & Q(milestones__due_date__lt=today)),
        due_soon=Count(
            "milestones",
            filter=open_ & Q(milestones__due_date__gte=today, milestones__due_date__lte=today + timedelta(days=30)),
        ),
        stage=Subquery(latest_stage),
    ).order_by("number")
    return [
        CompetencyRollup(
            competency=c,
            total=c.total,
            done=c.done,
            in_progress=c.in_progress,
            blocked=c.blocked,
            overdue=c.overdue,
            due_soon=c.due_soon,
            stage=c.stage,
        )
        for c in competencies
    ]


@dataclass(frozen=True)
class MilestoneFilter:
    competency: int | None = None  # competency number
    owner: int | None = None  # user id
    area: int | None = None
    status: str | None = None
    overdue: bool = False
    due_from: date | None = None
    due_to: date | None = None


def milestones(organization: Organization, filters: MilestoneFilter = MilestoneFilter()) -> QuerySet[Milestone]:
    """The organization's milestones matching `filters`, with everything a list or board shows preloaded,
    so that the number of queries does not grow with the number of milestones."""
    queryset = (
        Milestone.objects.for_organization(organization)
        .select_related("competency", "owner")
        .prefetch_related(
            Prefetch("areas", queryset=OperationalArea.objects.order_by("name")),
            Prefetch("dependencies", queryset=Milestone.objects.only("id", "title", "status")),
        )
    )
    if filters.competency:
        queryset = queryset.filter(competency__number=filters.competency)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.area:
        queryset = queryset.filter(areas__id=filters.area)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue:
        queryset = queryset.overdue()
    if filters.due_from:
        queryset = queryset.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        queryset = queryset.filter(due_date__lte=filters.due_to)
    return queryset.order_by("competency__number", "due_date", "pk")


def my_milestones(organization: Organization, user) -> QuerySet[Milestone]:
    """What `user` owns here, open ones first by due date."""
    done_last = Case(When(status=Status.DONE, then=Value(1)), default=Value(0))
    return milestones(organization, MilestoneFilter(owner=user.pk)).order_by(
        done_last, F("due_date").asc(nulls_last=True)
    )


def maturity_history(organization: Organization) -> dict[int, list[MaturityAssessment]]:
    """Every dated stage change per competency number, newest first."""
    history: dict[int, list[MaturityAssessment]] = {}
    assessments = (
        MaturityAssessment.objects.for_organization(organization)
        .select_related("competency", "assessed_by")
        .order_by("-assessed_at", "-pk")
    )
    for assessment in assessments:
        history.setdefault(assessment.competency.number, []).append(assessment)
    return history


@dataclass
class Change:
    when: object
    who: str
    what: str  # created, changed or deleted
    fields: list[tuple[str, str, str]]  # (field label, before, after)


def milestone_history(milestone: Milestone) -> list[Change]:
    """Who changed what and when, newest first, from the milestone's recorded history."""
    records = list(milestone.history.select_related("history_user").order_by("history_date", "history_id"))
    changes = []
    previous = None
    for record in records:
        who = record.history_user.display_name if record.history_user else "The portal"
        if previous is None:
            changes.append(Change(record.history_date, who, "created", []))
        else:
            delta = record.diff_against(previous)
            fields = [
                (
                    str(_recorded_field(c.field).verbose_name),
                    _show(c.field, c.old, milestone.organization),
                    _show(c.field, c.new, milestone.organization),
                )
                for c in delta.changes
            ]
            if fields:
                changes.append(Change(record.history_date, who, "changed", fields))
        previous = record
    return list(reversed(changes))


def _recorded_field(field_name: str) -> Field:
    """The milestone's field of that name: the history records the milestone's own fields and its many-to-many
    ones, never the reverse relations that get_field can also name."""
    field = Milestone._meta.get_field(field_name)
    if not isinstance(field, Field):
        raise LookupError(f"The milestone's history records no field {field_name!r}.")
    return field


def _show(field_name: str, value: object, organization: Organization) -> str:
    """A recorded value as a person reads it: choice labels, related objects by name, lists by count. A related
    row of an organization's own (a touchpoint, a stage) is looked up within the milestone's organization."""
    field = _recorded_field(field_name)
    related_model = field.related_model if isinstance(field.related_model, type) else None
    if value in (None, ""):
        return "—"
    if isinstance(value, list):
        one = related_model._meta.verbose_name if related_model else field.verbose_name
        return f"{len(value)} {field.verbose_name if len(value) != 1 else one}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if related_model is not None:
        manager = related_model._default_manager
        rows = manager.for_organization(organization) if hasattr(manager, "for_organization") else manager.all()
        related = rows.filter(pk=value).first()
        return str(related) if related else "(removed)"
    return str(value)


@dataclass
class TimelineBar:
    milestone: Milestone
    left: float  # percent of the timeline width
    width: float


@dataclass
class Timeline:
    start: date
    end: date
    today: float | None  # percent position of today's line, when within the range
    months: list[tuple[date, float]]  # month starts and their positions
    month_labels: list[AxisLabel]  # the names written under them
    rows: list[tuple[Competency, list[TimelineBar]]]
    earlier: int = 0  # milestones that ended before `start`, left out of this view of it
    shows_the_past: bool = False

    @property
    def quarter_starts(self) -> list[float]:
        """The positions of the months that begin a quarter, drawn stronger than the other months."""
        return [left for month, left in self.months if month.month % 3 == 1]


# The timeline opens a month before today, so that today and the work ahead are what a reader sees first, and
# reaches at most as far ahead as the roadmap's five-year horizon (a due date of 9999 once broke it).
OPENS_BEFORE_TODAY = timedelta(days=31)
HORIZON = timedelta(days=5 * 366)


def timeline(
    organization: Organization, filters: MilestoneFilter = MilestoneFilter(), *, show_the_past: bool = False
) -> Timeline:
    """Milestones placed on a shared time axis, grouped by competency; undated ones are left out. It starts a
    month before today, with how many milestones ended before that (`show_the_past` starts at the first)."""
    today = timezone.localdate()
    dated = [(m, m.due_date) for m in milestones(organization, filters) if m.due_date]
    first_start = min([m.start_date or due for m, due in dated] + [today])
    opens = (today - OPENS_BEFORE_TODAY).replace(day=1)
    start = first_start.replace(day=1) if show_the_past else max(first_start, opens).replace(day=1)
    latest = min(max([due for _, due in dated] + [today]), today + HORIZON)
    end = latest + timedelta(days=14)
    position = date_scale(start, end)
    months, month = [], start
    while month <= end:
        months.append((month, position(month)))
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    by_competency: dict[int, tuple[Competency, list[TimelineBar]]] = {}
    earlier = 0
    for m, due in dated:
        if due < start:
            earlier += 1
            continue
        first, last = m.start_date or due, min(due, end)
        bar = TimelineBar(m, position(first), max(position(last + timedelta(days=1)) - position(first), 0.8))
        by_competency.setdefault(m.competency.number, (m.competency, []))[1].append(bar)
    return Timeline(
        start=start,
        end=end,
        today=position(today),
        months=months,
        month_labels=track_month_labels(months),
        rows=[by_competency[n] for n in sorted(by_competency)],
        earlier=earlier,
        shows_the_past=show_the_past,
    )


def undated_milestone_count(organization: Organization, filters: MilestoneFilter = MilestoneFilter()) -> int:
    """How many milestones matching `filters` have no due date, and so no place on the timeline."""
    return milestones(organization, filters).filter(due_date__isnull=True).count()


def operational_areas(organization: Organization) -> QuerySet[OperationalArea]:
    """The organization's operational areas by name, each with the number of milestones that involve it."""
    return (
        OperationalArea.objects.for_organization(organization)
        .annotate(milestone_count=Count("milestones"))
        .order_by("name")
    )


def done_dates(organization: Organization, milestone_ids) -> dict[int, date]:
    """The day each of the given milestones that is done now became done, the last time it did, by id, from
    its recorded history. Meant for a few milestones at a time (the customer-room actions that became one)."""
    records = (
        Milestone.history.filter(organization=organization, id__in=list(milestone_ids))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "status", "history_date")
    )
    since: dict[int, date] = {}
    for milestone_id, status, when in records:
        if status != Status.DONE:
            since.pop(milestone_id, None)
        elif milestone_id not in since:
            since[milestone_id] = timezone.localdate(when)
    return since


@dataclass(frozen=True)
class MaturityEvidence:
    """What the portal's record shows of a competency, stage by stage, and the stage it suggests: the highest
    stage whose evidence, and every lower stage's, is all in place (stage 1 when the next is not). None when the
    record holds nothing on it."""

    items: list[gathered_evidence.Evidence]
    suggested_stage: int | None

    @property
    def missing_for_next(self) -> list[gathered_evidence.Evidence]:
        """What is not yet in place for the stage after the suggested one."""
        if self.suggested_stage is None:
            return []
        return [item for item in self.items if item.stage == self.suggested_stage + 1 and not item.met]


def maturity_evidence(organization: Organization, competency: Competency) -> MaturityEvidence:
    """The evidence the other parts of the portal hold on `competency` (gathered_evidence), lowest stage first."""
    topic = gathered_evidence.competency_topic(competency.number)
    items = sorted(
        (item for item in gathered_evidence.evidence_for(organization, topic) if item.stage is not None),
        key=lambda item: item.stage or 0,
    )
    if not items:
        return MaturityEvidence(items=[], suggested_stage=None)
    suggested: int = Stage.NOT_STARTED
    for stage in Stage.values[1:]:
        at_stage = [item for item in items if item.stage == stage]
        # A stage the record says nothing of is not suggested: the evidence stops there.
        if not at_stage or not all(item.met for item in at_stage):
            break
        suggested = stage
    return MaturityEvidence(items=items, suggested_stage=suggested)
