"""The meeting's calendar invitation: an .ics that parses back, one UID for the meeting's whole life, a sequence
that rises with each change, and a cancellation that calendar programs recognise."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from cco_portal.organizations.roles import Role
from metrics.months import month_index
from reports.meetings import services
from reports.meetings.calendar import meeting_calendar
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db


def parse(content: bytes):
    invitation = Calendar.from_ical(content)
    events = invitation.walk("VEVENT")
    assert len(events) == 1
    return invitation, events[0]


@pytest.fixture
def leaders(member_of):
    return [member_of(Role.LEADERSHIP, email="lee@example.com"), member_of(Role.EXECUTIVE, email="eve@example.com")]


@pytest.fixture
def meeting(organization, cco_user, leaders):
    set_series(organization, changed_by=cco_user, invited=[cco_user, *leaders])
    return services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)


def test_the_invitation_parses_back_with_the_meeting_time_in_its_time_zone(meeting, leaders):
    """Given a meeting on the second Tuesday at 09:00 in Paris, when its invitation is made for a leader, then
    it parses back as one REQUEST event starting and ending when the meeting does, in Europe/Paris, naming
    that leader alone as attendee, with a VTIMEZONE for calendar programs that need one."""
    invitation, event = parse(meeting_calendar(meeting, url="https://portal.example/m/1/", attendee=leaders[0]))

    assert str(invitation["method"]) == "REQUEST"
    assert str(event["status"]) == "CONFIRMED"
    start = event.decoded("dtstart")
    assert start == meeting.starts_at
    assert (start.hour, start.minute, start.weekday()) == (9, 0, 1)
    assert str(start.tzinfo) == "Europe/Paris"
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert str(event["uid"]) == meeting.calendar_uid
    assert int(event["sequence"]) == 0
    assert [str(a) for a in [event["attendee"]]] == ["mailto:lee@example.com"]
    assert [zone["tzid"] for zone in invitation.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(event["url"]) == "https://portal.example/m/1/"


def test_an_update_keeps_the_uid_and_raises_the_sequence(meeting, cco_user, leaders):
    """Given a scheduled meeting, when the CCO moves it an hour later, then its new invitation has the same UID,
    a higher SEQUENCE and the new start."""
    _, before = parse(meeting_calendar(meeting, url="u"))
    moved = services.reschedule_meeting(
        meeting=meeting,
        changed_by=cco_user,
        starts_at=meeting.starts_at + timedelta(hours=1),
        duration_minutes=60,
    )
    _, after = parse(meeting_calendar(moved, url="u"))

    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") == before.decoded("dtstart") + timedelta(hours=1)
    assert after.decoded("dtend") - after.decoded("dtstart") == timedelta(minutes=60)


def test_a_cancellation_is_method_cancel_with_the_same_uid(meeting, cco_user):
    """Given a scheduled meeting, when the CCO cancels it, then its invitation is METHOD:CANCEL with
    STATUS:CANCELLED, the same UID and a higher SEQUENCE."""
    _, before = parse(meeting_calendar(meeting, url="u"))
    cancelled = services.cancel_meeting(meeting=meeting, cancelled_by=cco_user)
    invitation, after = parse(meeting_calendar(cancelled, url="u"))

    assert str(invitation["method"]) == "CANCEL"
    assert str(after["status"]) == "CANCELLED"
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])


def test_each_meeting_has_its_own_uid(organization, cco_user, leaders):
    """Given two months' meetings of one series, then their invitations have different UIDs."""
    set_series(organization, changed_by=cco_user, invited=leaders)
    this_month = month_index(timezone.localdate())
    first = services.schedule_meeting(organization=organization, report_month=this_month - 2, scheduled_by=cco_user)
    second = services.schedule_meeting(organization=organization, report_month=this_month - 1, scheduled_by=cco_user)

    assert first.calendar_uid != second.calendar_uid
    assert parse(meeting_calendar(first, url="u"))[1].decoded("dtstart").month != (
        parse(meeting_calendar(second, url="u"))[1].decoded("dtstart").month
    )


def test_the_start_is_the_series_wall_clock_time_across_daylight_saving(organization, cco_user, leaders):
    """Given a series at 09:00 in New York, the meetings of January and July both start at 09:00 local time,
    which are different hours in UTC (standard and daylight time)."""
    series = set_series(organization, changed_by=cco_user, invited=leaders, time_zone="America/New_York")
    january, july = series.starts_in(2025 * 12), series.starts_in(2025 * 12 + 6)

    assert (january.hour, july.hour) == (9, 9)
    assert january.astimezone(ZoneInfo("UTC")).hour == 14
    assert july.astimezone(ZoneInfo("UTC")).hour == 13
    assert january == datetime(2025, 1, 14, 9, tzinfo=ZoneInfo("America/New_York"))
