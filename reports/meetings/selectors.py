"""Reads of the customer-room meetings: the organization's series, its meetings (the next one first, then the
past ones), who a meeting invites, its candidate actions and their rankings, and its agenda."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role

from .. import selectors as report_selectors
from ..models import CustomerRoomAction, Report
from ..presentation import bridge_lines
from .models import (
    Attendance,
    Candidate,
    CandidateStatus,
    CustomerStory,
    Meeting,
    MeetingQuerySet,
    MeetingSeries,
    MinutesCorrection,
    Ranking,
)

# Who a meeting may invite: the leaders of PRODUCT.md, who propose, rank and decide in the customer room.
LEADER_ROLES = (Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP, Role.ADMIN)


def series_of(organization: Organization) -> MeetingSeries | None:
    """The organization's meeting series, or None until the CCO or an admin sets one."""
    return MeetingSeries.objects.for_organization(organization).prefetch_related("invited").first()


def leaders(organization: Organization) -> QuerySet:
    """The active members a meeting may invite, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__organization=organization, memberships__role__in=LEADER_ROLES)
        .distinct()
        .order_by("full_name", "email")
    )


def meetings(organization: Organization) -> MeetingQuerySet:
    """Every meeting of the organization, latest first."""
    return Meeting.objects.for_organization(organization).prefetch_related("invited")


@dataclass(frozen=True)
class MeetingList:
    """The meetings page: the next meeting (the first scheduled one not yet over or closed), the later ones, and
    the past, closed and cancelled ones, latest first."""

    next_meeting: Meeting | None
    later: list[Meeting]
    past: list[Meeting]


def meeting_list(organization: Organization, *, now: datetime | None = None) -> MeetingList:
    now = now or timezone.now()
    upcoming, past = [], []
    for meeting in meetings(organization).order_by("starts_at", "pk"):
        if meeting.is_cancelled or meeting.is_closed or meeting.ends_at <= now:
            past.append(meeting)
        else:
            upcoming.append(meeting)
    past.reverse()
    return MeetingList(next_meeting=upcoming[0] if upcoming else None, later=upcoming[1:], past=past)


def next_open_meeting(organization: Organization, *, now: datetime | None = None) -> Meeting | None:
    """The meeting the meetings page calls the next one: the first scheduled one not yet over or closed (the one
    under way, if the room is meeting now). Stories picked from the lists behind the figures go to it."""
    return meeting_list(organization, now=now).next_meeting


def meeting_url(meeting: Meeting) -> str:
    """The absolute address of a meeting's page, for invitations that workers send (no request at hand)."""
    path = reverse("reports:meeting", kwargs={"org_slug": meeting.organization.slug, "meeting_id": meeting.pk})
    return settings.SITE_URL.rstrip("/") + path


# Who proposes and ranks candidate actions (admins may do everything).
PROPOSERS = frozenset({Role.LEADERSHIP, Role.EXECUTIVE, Role.CCO})


def candidates(meeting: Meeting) -> list[Candidate]:
    """The meeting's candidate actions, in the order they were proposed."""
    return list(
        Candidate.objects.for_organization(meeting.organization_id)
        .filter(meeting=meeting)
        .select_related("proposed_by", "carried_from__meeting", "action__owner")
    )


def own_ranking(meeting: Meeting, user) -> list[Candidate]:
    """`user`'s own ranking of the meeting's candidates, best first."""
    rankings = Ranking.objects.for_organization(meeting.organization_id).filter(meeting=meeting, user=user)
    return [ranking.candidate for ranking in rankings.select_related("candidate").order_by("position")]


@dataclass(frozen=True)
class RankedCandidate:
    candidate: Candidate
    points: int
    rankers: int


def combined_ranking(meeting: Meeting) -> list[RankedCandidate]:
    """Every leader's ranking combined by a Borda count: with n candidates, a leader's first choice earns n
    points, their second n - 1, and so on; a candidate a leader left out earns nothing from them. Most points
    first; a tie goes to the candidate proposed first."""
    proposed = candidates(meeting)
    n = len(proposed)
    points = {candidate.pk: 0 for candidate in proposed}
    rankers = dict.fromkeys(points, 0)
    for candidate_id, position in (
        Ranking.objects.for_organization(meeting.organization_id)
        .filter(meeting=meeting)
        .values_list("candidate_id", "position")
    ):
        points[candidate_id] += max(n - position + 1, 0)
        rankers[candidate_id] += 1
    order = {candidate.pk: index for index, candidate in enumerate(proposed)}
    ranked = sorted(proposed, key=lambda c: (-points[c.pk], order[c.pk]))
    return [RankedCandidate(candidate, points[candidate.pk], rankers[candidate.pk]) for candidate in ranked]


def may_see_combined_ranking(meeting: Meeting) -> bool:
    """The combined ranking is for everyone once the meeting has started; before, each sees only their own."""
    return meeting.has_started


def not_chosen_before(meeting: Meeting) -> list[Candidate]:
    """Candidates that the organization's latest decided meeting before this one did not choose, and that are not
    proposed again at this one yet: what may come back this month."""
    earlier = (
        Meeting.objects.for_organization(meeting.organization_id)
        .filter(report_month__lt=meeting.report_month, decided_at__isnull=False)
        .order_by("-report_month")
        .first()
    )
    if earlier is None:
        return []
    carried = Candidate.objects.for_organization(meeting.organization_id).filter(
        meeting=meeting, carried_from__isnull=False
    )
    return list(
        Candidate.objects.for_organization(meeting.organization_id)
        .filter(meeting=earlier, status=CandidateStatus.NOT_CHOSEN)
        .exclude(pk__in=carried.values("carried_from_id"))
        .select_related("proposed_by", "meeting")
    )


@dataclass(frozen=True)
class Agenda:
    """The meeting's agenda, read from the month's stored report (never computed here) and the live actions:
    last month's agreed actions with their status, the bridge, who left and why."""

    report: Report | None
    previous_actions: list[CustomerRoomAction]
    bridge_lines: list
    lost_by_reason: list[dict]


def agenda(meeting: Meeting) -> Agenda:
    organization = meeting.organization
    report = report_selectors.latest_report(organization, meeting.report_month)
    figures: dict = (report.figures if report else None) or {}
    return Agenda(
        report=report,
        previous_actions=list(report_selectors.actions(organization, month=meeting.report_month - 1)),
        bridge_lines=bridge_lines(figures.get("bridge"), figures.get("year_ago")) if figures.get("bridge") else [],
        lost_by_reason=figures.get("lost_by_reason") or [],
    )


def stories(meeting: Meeting) -> list[CustomerStory]:
    """The customers the CCO picked as the meeting's stories, in the order picked."""
    return list(
        CustomerStory.objects.for_organization(meeting.organization_id)
        .filter(meeting=meeting)
        .select_related("picked_by")
    )


@dataclass(frozen=True)
class AttendanceLine:
    person: object
    present: bool | None  # None until the CCO records it


def attendance(meeting: Meeting) -> list[AttendanceLine]:
    """Each invited leader, by name, and whether they attended (None while it is not recorded)."""
    recorded = dict(
        Attendance.objects.for_organization(meeting.organization_id)
        .filter(meeting=meeting)
        .values_list("user_id", "present")
    )
    return [
        AttendanceLine(person, recorded.get(person.pk)) for person in meeting.invited.order_by("full_name", "email")
    ]


def corrections(meeting: Meeting) -> list[MinutesCorrection]:
    """The corrections written after the meeting was closed, oldest first."""
    return list(
        MinutesCorrection.objects.for_organization(meeting.organization_id)
        .filter(meeting=meeting)
        .select_related("written_by")
    )


def story_movement_url(meeting: Meeting, movement: str) -> str:
    """The drill-down of the meeting's report month behind one movement, where the CCO finds its customers."""
    path = reverse("metrics:customers", kwargs={"org_slug": meeting.organization.slug})
    return f"{path}?month={meeting.report_month_label}&figure={movement}"
