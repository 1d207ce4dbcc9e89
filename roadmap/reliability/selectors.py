"""Reads of the reliability log and the moments of truth, and who may do what with them."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import MANAGERS, roles_allow

from ..models import Milestone
from .models import IssueEvent, IssueOccurrences, IssueStatus, MomentOfTruth, ReliabilityIssue


def can_manage(roles: Iterable[str]) -> bool:
    """The CCO and admins file, edit and remove issues and choose the moments of truth."""
    return roles_allow(roles, MANAGERS)


def can_update_issue(roles: Iterable[str], user, issue: ReliabilityIssue) -> bool:
    """The CCO and admins, and the leader of the area that owns the issue, keep it up to date."""
    if can_manage(roles):
        return True
    return (
        user is not None
        and issue.area is not None
        and issue.area.leader_id is not None
        and issue.area.leader_id == user.pk
    )


@dataclass(frozen=True)
class IssueFilters:
    """What the log is narrowed to; None is everything."""

    touchpoint: int | None = None
    area: int | None = None
    status: str | None = None


def issues(organization: Organization, filters: IssueFilters | None = None) -> QuerySet[ReliabilityIssue]:
    """The log, open issues first and the latest reported first within a status, with each issue's months of
    occurrences in order (`issue.occurrences.all()`)."""
    found = (
        ReliabilityIssue.objects.for_organization(organization)
        .select_related("touchpoint__stage", "area__leader", "reported_by")
        .prefetch_related(
            Prefetch("occurrences", queryset=IssueOccurrences.objects.for_organization(organization).order_by("month"))
        )
    )
    if filters is not None:
        if filters.touchpoint:
            found = found.filter(touchpoint_id=filters.touchpoint)
        if filters.area:
            found = found.filter(area_id=filters.area)
        if filters.status:
            found = found.filter(status=filters.status)
    return found


def open_first(rows: Iterable[ReliabilityIssue]) -> list[ReliabilityIssue]:
    """Unresolved issues before resolved ones, the most recurring first, then the newest."""
    return sorted(rows, key=lambda issue: (issue.is_resolved, -issue.recurrences, -issue.reported_at.timestamp()))


def latest_frequency(issue: ReliabilityIssue) -> IssueOccurrences | None:
    """The last month counted: how often the issue happens now."""
    months = list(issue.occurrences.all())
    return months[-1] if months else None


def history(issue: ReliabilityIssue) -> QuerySet[IssueEvent]:
    """Every entry of the issue's history, oldest first, with who made it."""
    return IssueEvent.objects.for_organization(issue.organization).filter(issue=issue).select_related("by")


def status_counts(organization: Organization) -> dict[str, int]:
    """How many issues stand at each status, every status named."""
    counts = dict.fromkeys(IssueStatus.values, 0)
    for status in ReliabilityIssue.objects.for_organization(organization).values_list("status", flat=True):
        counts[status] += 1
    return counts


def moments(organization: Organization) -> QuerySet[MomentOfTruth]:
    """The moments of truth in the map's order, each with the milestones that point at its touchpoint
    (`moment.touchpoint.linked_milestones`), by due date."""
    milestones = Milestone.objects.for_organization(organization).select_related("owner").order_by("due_date", "pk")
    return (
        MomentOfTruth.objects.for_organization(organization)
        .select_related("touchpoint__stage", "touchpoint__area", "chosen_by")
        .prefetch_related(Prefetch("touchpoint__milestones", queryset=milestones, to_attr="linked_milestones"))
    )


def milestones_to_link(organization: Organization, moment: MomentOfTruth) -> QuerySet[Milestone]:
    """The milestones that could be linked to a moment: every one not already pointing at its touchpoint."""
    return (
        Milestone.objects.for_organization(organization)
        .exclude(touchpoint=moment.touchpoint)
        .select_related("competency")
        .order_by("competency__number", "due_date", "pk")
    )
