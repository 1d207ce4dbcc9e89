"""The meeting pages: the list with the next meeting first, a meeting's page with its .ics, and the CCO's forms
for the series, scheduling, moving and cancelling. Who may do what: tests/test_access_matrix.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from metrics.months import month_index
from reports.meetings import services
from reports.meetings.models import Meeting, MeetingStatus
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db


def url(name, organization, **kwargs):
    return reverse(f"reports:{name}", kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def leaders(member_of):
    return [member_of(Role.LEADERSHIP, email="lee@example.com"), member_of(Role.EXECUTIVE, email="eve@example.com")]


def test_the_cco_sets_the_series_and_schedules_the_next_meeting(
    client, organization, cco_user, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    """Given no series, when the CCO sets "the first Monday at 10:00 in London, 60 minutes, inviting two
    leaders" and then schedules the next meeting, then the meeting page shows it and each leader is emailed."""
    client.force_login(cco_user)
    response = client.post(
        url("meeting_series", organization),
        {
            "rule": "weekday",
            "week_of_month": "1",
            "weekday": "0",
            "start_time": "10:00",
            "time_zone": "Europe/London",
            "duration_minutes": "60",
            "invited": [leader.pk for leader in leaders],
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("meeting_schedule_next", organization))
    meeting = Meeting.objects.get(organization=organization)
    assert response["Location"] == url("meeting", organization, meeting_id=meeting.pk)
    assert (meeting.local_starts_at.weekday(), meeting.local_starts_at.hour, meeting.duration_minutes) == (0, 10, 60)
    assert meeting.local_starts_at.day <= 7
    assert len(mailoutbox) == 2

    page = client.get(url("meetings", organization))
    assert page.context["meetings"].next_meeting == meeting
    assert "the first Monday of every month" in page.content.decode()


def test_a_series_form_with_no_day_says_what_is_missing(client, organization, cco_user, leaders):
    client.force_login(cco_user)
    response = client.post(
        url("meeting_series", organization),
        {
            "rule": "day",
            "start_time": "10:00",
            "time_zone": "UTC",
            "duration_minutes": "60",
            "invited": [leaders[0].pk],
        },
    )
    assert response.status_code == 200
    assert "day_of_month" in response.context["form"].errors


def test_the_list_shows_the_next_meeting_first_and_the_past_ones_latest_first(client, organization, cco_user, leaders):
    """Given two past meetings and the next one, the page names the next as next and the past latest first;
    a leadership member reads it."""
    set_series(organization, invited=leaders)
    this_month = month_index(timezone.localdate())
    older = services.schedule_meeting(organization=organization, report_month=this_month - 4, scheduled_by=cco_user)
    newer = services.schedule_meeting(organization=organization, report_month=this_month - 3, scheduled_by=cco_user)
    upcoming = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    client.force_login(leaders[0])

    meetings = client.get(url("meetings", organization)).context["meetings"]

    assert meetings.next_meeting == upcoming
    assert meetings.past == [newer, older]


def test_the_meeting_page_offers_the_invitation_to_every_member(client, organization, cco_user, leaders):
    """A leader downloads the meeting's .ics from its page: it parses, names them as attendee, and the download
    is audited; the page shows no change or cancel buttons to them."""
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    client.force_login(leaders[1])

    page = client.get(url("meeting", organization, meeting_id=meeting.pk)).content.decode()
    assert url("meeting_ics", organization, meeting_id=meeting.pk) in page
    assert url("meeting_cancel", organization, meeting_id=meeting.pk) not in page
    response = client.get(url("meeting_ics", organization, meeting_id=meeting.pk))

    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.calendar_uid
    assert str(event["attendee"]) == "mailto:eve@example.com"
    assert AuditEvent.objects.filter(action=Action.EXPORT_DOWNLOADED, actor=leaders[1]).exists()


def test_the_cco_moves_then_cancels_a_meeting(client, organization, cco_user, leaders):
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    client.force_login(cco_user)
    later = meeting.local_starts_at + timedelta(days=1)

    response = client.post(
        url("meeting_edit", organization, meeting_id=meeting.pk),
        {
            "day": later.date().isoformat(),
            "start_time": "15:30",
            "duration_minutes": "45",
            "invited": [leaders[0].pk],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.local_starts_at.date(), meeting.local_starts_at.hour, meeting.local_starts_at.minute) == (
        later.date(),
        15,
        30,
    )
    assert list(meeting.invited.all()) == [leaders[0]]
    assert meeting.calendar_sequence == 1

    client.post(url("meeting_cancel", organization, meeting_id=meeting.pk))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.calendar_sequence) == (MeetingStatus.CANCELLED, 2)
    page = client.get(url("meeting", organization, meeting_id=meeting.pk)).content.decode()
    assert "Download the cancellation" in page


def test_moving_a_meeting_into_the_past_is_refused_on_the_form(client, organization, cco_user, leaders):
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    client.force_login(cco_user)
    response = client.post(
        url("meeting_edit", organization, meeting_id=meeting.pk),
        {"day": "2020-01-01", "start_time": "10:00", "duration_minutes": "45", "invited": [leaders[0].pk]},
    )
    assert response.status_code == 200
    assert "Choose a time still to come." in response.context["form"].non_field_errors()
    meeting.refresh_from_db()
    assert meeting.calendar_sequence == 0
