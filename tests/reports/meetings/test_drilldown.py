"""Customer stories picked from the lists behind the figures: on the lists of lost, reactivated and decreased
customers the CCO and admins tell a customer's story at the next open meeting with one button, and only when
that meeting discusses the list's month; with no open meeting, the list says to schedule one first. The API takes
the same customer keys as its drill-down gives them, with the same checks."""

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from metrics.months import parse_month_label
from reports.meetings import decision, record, services
from reports.meetings.models import CustomerStory
from tests.metrics.activity import HISTORY
from tests.reports.conftest import load_history
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db

BUTTON = "Tell this story at the next customer room"
ODD_KEY = "Zoë / 7 & Co"


@pytest.fixture
def lee(member_of):
    return member_of(Role.LEADERSHIP, email="lee@example.com", full_name="Lee Leader")


@pytest.fixture
def meeting(organization, cco_user, lee, clock):
    """On 2 May 2024, the meeting on April's report is scheduled (14 May): April lost Bob, Dee and a customer
    whose key has spaces, a slash and an ampersand, and Ann bought less."""
    clock.current = datetime(2024, 5, 2, 12, tzinfo=UTC)
    load_history(organization, [*HISTORY, (ODD_KEY, "2024-03", "10", "North")])
    set_series(organization, invited=[lee, cco_user])
    return services.schedule_meeting(
        organization=organization, report_month=parse_month_label("2024-04"), scheduled_by=cco_user, notify=False
    )


def customers_url(organization, month="2024-04", figure="lost") -> str:
    path = reverse("metrics:customers", kwargs={"org_slug": organization.slug})
    return f"{path}?{urlencode({'month': month, 'figure': figure})}"


def pick_url(organization) -> str:
    return reverse("reports:meeting_story_from_list", kwargs={"org_slug": organization.slug})


def tell(client, organization, customer, *, month="2024-04", figure="lost"):
    back = customers_url(organization, month, figure)
    return client.post(
        pick_url(organization),
        {"customer": customer, "month": month, "figure": figure, "next": back},
        follow=True,
    )


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.CCO, True), (Role.ADMIN, True), (Role.EXECUTIVE, False), (Role.LEADERSHIP, False)],
)
def test_the_button_is_for_the_cco_and_admins_on_the_story_figures(
    client, organization, meeting, member_of, role, shown
):
    """Given the meeting on April's report, the list of April's lost customers shows the CCO and admins one button a
    customer (three), and the other roles none; the lists of new or active customers have none for anyone."""
    client.force_login(member_of(role))

    lost = client.get(customers_url(organization)).content.decode()
    new = client.get(customers_url(organization, figure="new")).content.decode()

    assert lost.count(BUTTON) == (3 if shown else 0)
    assert ("Tell a customer's story at the next customer room, on 14 May 2024" in lost) is shown
    assert BUTTON not in new


def test_the_button_adds_the_story_with_its_13_months_and_returns_to_the_list(client, organization, meeting, cco_user):
    """The CCO tells Bob's story from the list of April's lost customers: the meeting has Bob's story (lost, his
    13 months of value up to April), the list comes back saying so, and Bob's row no longer offers the button."""
    client.force_login(cco_user)

    answer = tell(client, organization, "bob")

    story = CustomerStory.objects.get(meeting=meeting)
    assert (story.customer, story.movement, story.picked_by) == ("bob", "lost", cco_user)
    assert len(story.history) == 13
    assert story.history[-3:] == [["2024-02", 0], ["2024-03", 700000], ["2024-04", 0]]
    assert answer.redirect_chain[-1][0] == customers_url(organization)
    page = answer.content.decode()
    assert "bob&#x27;s story will be told at the customer room of 14 May 2024" in page
    assert page.count(BUTTON) == 2
    assert "A story at the next customer room" in page
    again = tell(client, organization, "bob")
    assert "bob is already a story of this meeting." in again.content.decode()
    assert CustomerStory.objects.filter(meeting=meeting).count() == 1


def test_a_list_of_another_month_points_to_the_meetings_month(client, organization, meeting, cco_user):
    """The list of March's lost customers has no button: it links to April's, the month the meeting discusses; a
    post from it anyway is refused, and a customer who did not move so in April is refused too."""
    client.force_login(cco_user)

    march = client.get(customers_url(organization, month="2024-03")).content.decode()
    refused = tell(client, organization, "bob", month="2024-03").content.decode()
    not_lost = tell(client, organization, "ann").content.decode()

    assert BUTTON not in march
    assert "discusses the report of April 2024" in march
    assert customers_url(organization).replace("&", "&amp;") in march
    assert "This meeting discusses the report of 2024-04, not 2024-03" in refused
    assert "ann is no longer among the lost customers of 2024-04" in not_lost
    assert not CustomerStory.objects.exists()


def test_with_the_meeting_closed_the_list_says_to_schedule_one(
    client, organization, meeting, cco_user, lee, clock, django_capture_on_commit_callbacks
):
    """Once the meeting is held and closed, no meeting is open: the list has no button and says to schedule the
    next meeting first, with a link to the meetings page, and a post is refused without a story."""
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[lee])
    with django_capture_on_commit_callbacks(execute=True):
        record.close_meeting(meeting=meeting, closed_by=cco_user, notify=False)
    client.force_login(cco_user)

    page = client.get(customers_url(organization)).content.decode()
    refused = tell(client, organization, "dee").content.decode()

    assert BUTTON not in page
    meetings = reverse("reports:meetings", kwargs={"org_slug": organization.slug})
    assert f'<a href="{meetings}">schedule the next meeting first</a>' in page
    assert "No customer-room meeting is open: schedule the next meeting first." in refused
    assert not CustomerStory.objects.exists()


def test_a_closed_meeting_refuses_a_story_from_a_list(organization, meeting, cco_user, lee):
    """The service refuses a story from a list for a closed meeting, however it was reached."""
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[lee])
    record.close_meeting(meeting=meeting, closed_by=cco_user, notify=False)

    with pytest.raises(Exception, match="This meeting is closed"):
        record.pick_story(
            meeting=meeting, picked_by=cco_user, customer="bob", month=meeting.report_month, figure="lost"
        )


def test_the_api_takes_the_drill_downs_customer_keys(api_client, organization, meeting, cco_user):
    """Every key the API's list of April's lost customers gives (one with spaces, a slash and an ampersand) posts
    as a story with the list's month and figure (the story's movement); a figure the customer is not in is a
    400."""
    api_client.force_authenticate(cco_user)
    listed = api_client.get(
        reverse("api-movement-customers", kwargs={"org_slug": organization.slug}),
        {"month": "2024-04", "figure": "lost"},
    ).json()
    keys = sorted(line["customer"] for line in listed["results"])
    stories = reverse("api-meeting-stories", kwargs={"org_slug": organization.slug, "meeting_id": meeting.pk})

    answers = [
        api_client.post(stories, {"customer": key, "month": "2024-04", "movement": "lost"}, format="json")
        for key in keys
    ]
    wrong = api_client.post(stories, {"customer": "ann", "month": "2024-04", "movement": "lost"}, format="json")

    assert keys == sorted(["bob", "dee", ODD_KEY])
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert sorted(answer.json()["customer"] for answer in answers) == keys
    assert all(len(answer.json()["history"]) == 13 for answer in answers)
    assert wrong.status_code == 400
