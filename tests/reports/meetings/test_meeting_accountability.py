"""Accountability from the meetings' record: the meetings held on schedule and each leader's attendance, beside
the actions' figures, in the report's API, its page and PDF context, and the CEO-commitment review's evidence."""

from datetime import date

import pytest

from cco_portal.organizations.gathered_evidence import ACCOUNTABILITY_FORUMS
from cco_portal.organizations.roles import Role
from metrics.months import parse_month_label
from reports.accountability import accountability
from reports.evidence import evidence_for
from reports.meetings import record, services
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def lee(member_of):
    return member_of(Role.LEADERSHIP, full_name="Lee Leader")


@pytest.fixture
def eve(member_of):
    return member_of(Role.EXECUTIVE, full_name="Eve Executive")


def held(organization, cco_user, report_month, present, django_capture_on_commit_callbacks):
    meeting = services.schedule_meeting(
        organization=organization, report_month=parse_month_label(report_month), scheduled_by=cco_user
    )
    record.record_attendance(meeting=meeting, recorded_by=cco_user, present=present)
    with django_capture_on_commit_callbacks(execute=True):
        record.close_meeting(meeting=meeting, closed_by=cco_user)
    return meeting


def test_meetings_held_on_schedule_and_attendance_per_leader(
    organization, cco_user, lee, eve, django_capture_on_commit_callbacks
):
    """Given meetings on the reports of January, February and March 2024 (the second Tuesday of the month after),
    January's and March's held and closed (today) with Lee at both and Eve at one, February's never closed: then
    three meetings were due, two held on schedule, Lee attended 2 of 2, Eve 1 of 2. As of 1 May 2024 none was
    closed yet; the report of January counts only its own meeting; the review's evidence says the same."""
    set_series(organization, invited=[lee, eve])
    held(organization, cco_user, "2024-01", [lee, eve], django_capture_on_commit_callbacks)
    services.schedule_meeting(
        organization=organization, report_month=parse_month_label("2024-02"), scheduled_by=cco_user
    )
    held(organization, cco_user, "2024-03", [lee], django_capture_on_commit_callbacks)

    record_ = accountability(organization, as_of=date(2024, 5, 1))
    # The closing days are today: the meetings count as held when the record is read from today.
    today = accountability(organization)

    assert (record_.meetings_due, today.meetings_due) == (3, 3)
    assert (record_.meetings_on_schedule, today.meetings_on_schedule) == (0, 2)
    assert [(a.name, a.present, a.invited) for a in today.attendance_by_leader] == [
        ("Eve Executive", 1, 2),
        ("Lee Leader", 2, 2),
    ]
    assert accountability(organization, month=parse_month_label("2024-01")).meetings_due == 1
    assert today.as_dict()["attendance_by_leader"][1] == {"leader": "Lee Leader", "present": 2, "invited": 2}

    (evidence,) = evidence_for(organization, ACCOUNTABILITY_FORUMS)
    assert "Of the 3 customer-room meetings due, 2 were held on schedule." in evidence.lines
    assert "Attendance, by leader: Eve Executive (1 of 2), Lee Leader (2 of 2)." in evidence.lines


def test_no_meeting_yet_says_so(organization):
    (evidence,) = evidence_for(organization, ACCOUNTABILITY_FORUMS)
    assert evidence.lines[0] == "No customer-room meeting was due yet."
    assert accountability(organization).attendance_by_leader == ()
