"""The demo's customer room: the monthly meeting (the second Tuesday, 09:00 in Paris) inviting the CCO, the
executive and the leadership member; the three latest meetings already held, each with candidates proposed and
ranked, the decision, two customer stories, attendance and its minutes; and the next meeting scheduled.

Run by reports.demo, which gives the actions each held meeting agrees (they become the demo's customer-room
actions). Nothing is emailed: the sample people have no inboxes."""

from collections.abc import Callable
from datetime import date, time

from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics import selectors as metrics

from . import decision, record, services
from .models import MeetingSeries

HELD = 3
# Not chosen at each meeting: the room keeps them for another month.
NOT_CHOSEN = "Send a survey to every customer who reduced their spend"
STORY_NOTES = {
    "lost": "Bought from us for years, then stopped without a word: nobody called.",
    "decreased": "Still with us, at half the value: their orders now go to two suppliers.",
    "reactivated": "Came back after a year away: what brought them back?",
}


def seed_meetings(
    *, organization, people, agreed_in: Callable[[int, date], list[tuple[str, object, date]]]
) -> list[int]:
    """The series, the last three meetings held, and the next one scheduled; `agreed_in(report month, meeting
    day)` gives what each held meeting agrees, as (title, owner, due date). Returns the held meetings' report
    months; nothing (and []) when the organization already has a series."""
    if MeetingSeries.objects.for_organization(organization).exists():
        return []
    cco, leaders = people[Role.CCO], [people[Role.CCO], people[Role.EXECUTIVE], people[Role.LEADERSHIP]]
    series = services.set_meeting_series(
        organization=organization,
        changed_by=cco,
        week_of_month=2,
        weekday=1,
        start_time=time(9),
        time_zone="Europe/Paris",
        duration_minutes=90,
        invited=leaders,
    )
    now = timezone.now()
    last = services.next_report_month(series, organization, now=now) - 1
    held_months = list(range(last - HELD + 1, last + 1))
    for index, month in enumerate(held_months):
        meeting = services.schedule_meeting(
            organization=organization, report_month=month, scheduled_by=cco, notify=False
        )
        _hold(
            meeting,
            people,
            leaders,
            agreed_in(month, meeting.local_starts_at.date()),
            absent=leaders[1 + index % 2] if index else None,
        )
    services.schedule_next_meeting(organization=organization, scheduled_by=cco, notify=False)
    return held_months


def _hold(meeting, people, leaders, agreed, *, absent) -> None:
    cco = people[Role.CCO]
    proposers = [people[Role.EXECUTIVE], people[Role.LEADERSHIP]]
    candidates = [
        decision.propose_candidate(meeting=meeting, proposed_by=proposers[i % 2], roles={Role.EXECUTIVE}, title=title)
        for i, (title, _, _) in enumerate(agreed)
    ]
    candidates.append(
        decision.propose_candidate(
            meeting=meeting, proposed_by=people[Role.LEADERSHIP], roles={Role.LEADERSHIP}, title=NOT_CHOSEN
        )
    )
    ids = [candidate.pk for candidate in candidates]
    for leader, order in zip(proposers, (ids, list(reversed(ids))), strict=True):
        decision.rank_candidates(meeting=meeting, user=leader, roles={Role.EXECUTIVE}, candidate_ids=order)
    for movement, note in STORY_NOTES.items():
        customer = next(iter(metrics.customers_behind(meeting.organization, meeting.report_month, movement)[:1]), None)
        if customer is not None:
            record.pick_story(meeting=meeting, picked_by=cco, customer=customer.customer, note=note)
    decision.start_meeting(meeting=meeting, started_by=cco)
    decision.record_decision(
        meeting=meeting,
        decided_by=cco,
        agreed=[
            {"candidate": candidate, "owner": owner, "due_date": due}
            for candidate, (_, owner, due) in zip(candidates, agreed, strict=False)
        ],
    )
    record.record_attendance(
        meeting=meeting, recorded_by=cco, present=[leader for leader in leaders if leader != absent]
    )
    record.close_meeting(meeting=meeting, closed_by=cco, notify=False)
