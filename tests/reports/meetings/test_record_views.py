"""The meeting's record on the page and in the API: stories, attendance, closing, the minutes and corrections,
with the same refusals as the services, through the one error family."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from metrics.months import parse_month_label
from reports.meetings import services
from reports.meetings.models import Attendance
from tests.reports.conftest import load_history
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db


def url(name, meeting, **kwargs):
    return reverse(name, kwargs={"org_slug": meeting.organization.slug, "meeting_id": meeting.pk, **kwargs})


@pytest.fixture
def lee(member_of):
    return member_of(Role.LEADERSHIP, email="lee@example.com", full_name="Lee Leader")


@pytest.fixture
def meeting(organization, cco_user, lee):
    load_history(organization)
    set_series(organization, invited=[lee, cco_user])
    return services.schedule_meeting(
        organization=organization, report_month=parse_month_label("2024-04"), scheduled_by=cco_user
    )


def test_the_cco_runs_the_record_on_the_page_and_a_closed_meeting_refuses(
    client, meeting, cco_user, lee, mailoutbox, django_capture_on_commit_callbacks
):
    """The CCO picks Bob as a story with a note (shown with his chart), records attendance and closes the meeting,
    which emails the minutes; then a note is refused with the reason and not saved, a correction is added, and the
    minutes download as a PDF for a leader, who may not record attendance (403)."""
    client.force_login(cco_user)
    client.post(url("reports:meeting_story_pick", meeting), {"customer": "bob", "note": "Cheaper offer"})
    page = client.get(url("reports:meeting", meeting)).content.decode()
    assert "Cheaper offer" in page
    assert 'id="story-' in page
    client.post(url("reports:meeting_attendance", meeting), {"present": [lee.pk]})
    assert dict(Attendance.objects.values_list("user__email", "present")) == {lee.email: True, cco_user.email: False}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reports:meeting_close", meeting))
    assert sorted(message.to[0] for message in mailoutbox) == sorted([lee.email, cco_user.email])

    story = meeting.stories.get()
    refused = client.post(url("reports:meeting_story_note", meeting, story_id=story.pk), {"note": "Later"}, follow=True)
    assert "This meeting is closed" in refused.content.decode()
    story.refresh_from_db()
    assert story.note == "Cheaper offer"
    client.post(url("reports:meeting_correct", meeting), {"text": "Bob left in March."})
    assert "Bob left in March." in client.get(url("reports:meeting", meeting)).content.decode()

    client.force_login(lee)
    minutes = client.get(url("reports:meeting_minutes", meeting))
    assert minutes["Content-Type"] == "application/pdf"
    assert b"".join(minutes.streaming_content if minutes.streaming else [minutes.content]).startswith(b"%PDF")
    assert client.post(url("reports:meeting_attendance", meeting), {"present": [lee.pk]}).status_code == 403


def test_the_api_refuses_edits_to_a_closed_meeting(
    api_client, meeting, cco_user, lee, django_capture_on_commit_callbacks
):
    """Through the API: the story, attendance and closing, then a 400 with the reason for a note, and the minutes'
    address in the meeting once it is closed."""
    api_client.force_authenticate(cco_user)
    story = api_client.post(url("api-meeting-stories", meeting), {"customer": "ann"}, format="json")
    assert story.status_code == 201
    assert story.json()["movement"] == "decreased"
    assert story.json()["history"][-1] == {"month": "2024-04", "value": "90.00"}
    attendance = api_client.put(url("api-meeting-attendance", meeting), {"present": [lee.pk]}, format="json").json()
    assert {line["person"]["email"]: line["present"] for line in attendance} == {lee.email: True, cco_user.email: False}
    with django_capture_on_commit_callbacks(execute=True):
        closed = api_client.post(url("api-meeting-close", meeting)).json()
    assert closed["minutes_url"].endswith("/minutes.pdf")

    note = api_client.patch(
        url("api-meeting-story", meeting, story_id=story.json()["id"]), {"note": "x"}, format="json"
    )
    assert note.status_code == 400
    assert "This meeting is closed" in note.json()["detail"][0]
    correction = api_client.post(
        url("api-meeting-corrections", meeting), {"text": "Ann moved to yearly billing."}, format="json"
    )
    assert correction.status_code == 201
    assert correction.json()["written_by"]["email"] == cco_user.email
