"""Accountability from the record: of the customer-room actions due by a day, how many were done by their due
date, and who holds the ones overdue; of the meetings due by then, how many were held on schedule, and how often
each invited leader attended. Read live on the actions and meetings pages, so that a later look shows what became
of them; a monthly report stores them in its snapshot when it is computed (reports/figures.py), and reads them from
there (reports.selectors.report_accountability)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.percentages import whole_percent
from cco_portal.organizations.models import Organization
from metrics.months import month_index
from roadmap import selectors as roadmap

from .meetings.models import Attendance, Meeting, meeting_month_of
from .models import ActionStatus, CustomerRoomAction


@dataclass(frozen=True)
class OverdueOwner:
    name: str
    overdue: int


@dataclass(frozen=True)
class LeaderAttendance:
    name: str
    present: int
    invited: int  # to the meetings held, whose attendance was recorded


@dataclass(frozen=True)
class Accountability:
    """As of `as_of`: the actions due by then (dropped ones aside), those done by their due date, and the
    overdue ones per owner, most first."""

    as_of: date
    due: int
    on_time: int
    overdue_by_owner: list[OverdueOwner]
    # The meetings whose time had come by `as_of` (cancelled ones too), those held (closed with their minutes) in
    # the month they were meant for, and each invited leader's attendance at the meetings held.
    meetings_due: int = 0
    meetings_on_schedule: int = 0
    attendance_by_leader: tuple[LeaderAttendance, ...] = ()
    # True for a report computed before reports stored these figures: they were read now, not when it was computed.
    read_live: bool = False

    @property
    def on_time_percent(self) -> int | None:
        return whole_percent(self.on_time / self.due) if self.due else None

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "due": self.due,
            "on_time": self.on_time,
            "on_time_percent": self.on_time_percent,
            "overdue_by_owner": [{"owner": owner.name, "overdue": owner.overdue} for owner in self.overdue_by_owner],
            "meetings_due": self.meetings_due,
            "meetings_on_schedule": self.meetings_on_schedule,
            "attendance_by_leader": [
                {"leader": leader.name, "present": leader.present, "invited": leader.invited}
                for leader in self.attendance_by_leader
            ],
        }

    @classmethod
    def from_dict(cls, stored: dict) -> "Accountability":
        """The record as_dict stored in a report's snapshot."""
        return cls(
            as_of=date.fromisoformat(stored["as_of"]),
            due=stored["due"],
            on_time=stored["on_time"],
            overdue_by_owner=[OverdueOwner(row["owner"], row["overdue"]) for row in stored["overdue_by_owner"]],
            meetings_due=stored["meetings_due"],
            meetings_on_schedule=stored["meetings_on_schedule"],
            attendance_by_leader=tuple(
                LeaderAttendance(row["leader"], row["present"], row["invited"])
                for row in stored["attendance_by_leader"]
            ),
        )


def done_on(action: CustomerRoomAction, milestone_done: dict[int, date]) -> date | None:
    """The day an action was done: its own closing day, or, while it follows its milestone, the day the
    milestone was done; None while it is not done."""
    if action.follows_milestone and action.milestone_id is not None:
        return milestone_done.get(action.milestone_id)
    if action.status == ActionStatus.DONE and action.closed_at:
        return timezone.localdate(action.closed_at)
    return None


def accountability(
    organization: Organization, *, as_of: date | None = None, month: int | None = None
) -> Accountability:
    """The record as of `as_of` (default today), of the actions agreed up to `month` (default every month)."""
    as_of = as_of or timezone.localdate()
    actions = (
        CustomerRoomAction.objects.for_organization(organization)
        .exclude(status=ActionStatus.DROPPED)
        .filter(due_date__lt=as_of)
        .select_related("owner", "milestone")
    )
    if month is not None:
        actions = actions.filter(month__lte=month)
    actions = list(actions)
    milestone_done = roadmap.done_dates(organization, {a.milestone_id for a in actions if a.follows_milestone})
    on_time, overdue = 0, Counter[str]()
    for action in actions:
        done = done_on(action, milestone_done)
        if done is not None and done <= action.due_date:
            on_time += 1
        if done is None or done > as_of:
            overdue[action.owner.display_name if action.owner else _("No owner")] += 1
    meetings_due, on_schedule, attendance = meeting_record(organization, as_of=as_of, month=month)
    return Accountability(
        as_of=as_of,
        due=len(actions),
        on_time=on_time,
        overdue_by_owner=[
            OverdueOwner(name, count) for name, count in sorted(overdue.items(), key=lambda i: (-i[1], i[0]))
        ],
        meetings_due=meetings_due,
        meetings_on_schedule=on_schedule,
        attendance_by_leader=attendance,
    )


def meeting_record(
    organization: Organization, *, as_of: date, month: int | None = None
) -> tuple[int, int, tuple[LeaderAttendance, ...]]:
    """Of the meetings on the reports up to `month` whose day had come by `as_of`: how many, how many were held
    on schedule (closed, and held in the month after their report's, as the series meant; one held early counts
    as due once closed), and each leader's attendance at the meetings held, by name."""

    def closed_by_then(meeting: Meeting) -> bool:
        return meeting.is_closed and timezone.localdate(meeting.closed_at) <= as_of

    def held_on(meeting: Meeting) -> date:
        # The day the room met: the CCO may open it before its time, when everyone is there.
        return (meeting.started_at or meeting.starts_at).astimezone(ZoneInfo(meeting.time_zone)).date()

    meetings = [
        meeting
        for meeting in Meeting.objects.for_organization(organization).filter(
            report_month__lte=month if month is not None else month_index(as_of)
        )
        if meeting.local_starts_at.date() <= as_of or closed_by_then(meeting)
    ]
    held = [meeting for meeting in meetings if closed_by_then(meeting)]
    on_schedule = sum(1 for meeting in held if month_index(held_on(meeting)) == meeting_month_of(meeting.report_month))
    present, invited = Counter[str](), Counter[str]()
    for row in (
        Attendance.objects.for_organization(organization)
        .filter(meeting__in=[meeting.pk for meeting in held])
        .select_related("user")
    ):
        name = row.user.display_name
        invited[name] += 1
        present[name] += row.present
    return (
        len(meetings),
        on_schedule,
        tuple(LeaderAttendance(name, present[name], invited[name]) for name in sorted(invited)),
    )
