"""The meetings API: the series, scheduling, moving, cancelling and the .ics, with the same rules as the pages.
Who may: tests/test_access_matrix.py; other organizations: tests/test_cross_organization.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from cco_portal.organizations.roles import Role
from reports.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def api(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


SERIES = {"week_of_month": 5, "weekday": 3, "start_time": "16:00", "time_zone": "Asia/Tokyo", "duration_minutes": 120}


def test_the_cco_runs_a_meeting_through_the_api(
    api_client, organization, cco_user, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    """The CCO sets the series (the last Thursday at 16:00 in Tokyo), schedules the next meeting, moves it and
    cancels it; the answers carry one UID, a rising sequence and the .ics address, and a leader's .ics of the
    cancelled meeting is a CANCEL."""
    leader = member_of(Role.LEADERSHIP, email="lee@example.com")
    api_client.force_authenticate(cco_user)

    series = api_client.put(api("api-meeting-series", organization), {**SERIES, "invited": [leader.pk]}, format="json")
    assert series.status_code == 200, series.content
    assert series.json()["invited"] == [{"id": leader.pk, "name": leader.display_name, "email": "lee@example.com"}]

    with django_capture_on_commit_callbacks(execute=True):
        scheduled = api_client.post(api("api-meeting-list", organization), {}, format="json")
    assert scheduled.status_code == 201, scheduled.content
    body = scheduled.json()
    assert (body["status"], body["calendar_sequence"], body["duration_minutes"]) == ("scheduled", 0, 120)
    assert len(mailoutbox) == 1
    meeting = Meeting.objects.get(pk=body["id"])
    assert (meeting.local_starts_at.weekday(), meeting.local_starts_at.hour) == (3, 16)
    assert meeting.local_starts_at.day > 21  # the last Thursday
    moved = api_client.patch(
        body["url"],
        {"starts_at": (meeting.starts_at + timedelta(hours=2)).isoformat(), "duration_minutes": 60},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert (moved.json()["calendar_uid"], moved.json()["calendar_sequence"]) == (body["calendar_uid"], 1)

    cancelled = api_client.post(api("api-meeting-cancel", organization, meeting_id=meeting.pk), format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["calendar_sequence"] == 2

    api_client.force_authenticate(leader)
    ics = api_client.get(body["calendar_url"])
    assert ics["Content-Type"].startswith("text/calendar")
    invitation = Calendar.from_ical(ics.content)
    assert str(invitation["method"]) == "CANCEL"
    assert str(invitation.walk("VEVENT")[0]["uid"]) == body["calendar_uid"]
    listed = api_client.get(api("api-meeting-list", organization)).json()
    assert [item["id"] for item in listed["results"]] == [meeting.pk]


def test_the_series_is_404_until_set(api_client, organization, leadership_user):
    api_client.force_authenticate(leadership_user)
    assert api_client.get(api("api-meeting-series", organization)).status_code == 404


def test_a_series_with_both_rules_is_refused(api_client, organization, cco_user):
    """A day of the month with a weekday is refused by the service, naming the field."""
    api_client.force_authenticate(cco_user)
    both = api_client.put(
        api("api-meeting-series", organization), {**SERIES, "day_of_month": 3, "invited": [cco_user.pk]}, format="json"
    )
    assert both.status_code == 400
    assert "day_of_month" in both.json()


def test_scheduling_without_a_series_is_refused(api_client, organization, cco_user):
    api_client.force_authenticate(cco_user)
    response = api_client.post(api("api-meeting-list", organization), {}, format="json")
    assert response.status_code == 400
    assert "Set when the customer room meets first." in str(response.json())
