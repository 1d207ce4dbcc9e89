"""Candidates, rankings and the decision through the API, with the same rules as the page."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from reports.meetings import services
from reports.models import CustomerRoomAction
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db


def api(name, meeting, **kwargs):
    return reverse(name, kwargs={"org_slug": meeting.organization.slug, "meeting_id": meeting.pk, **kwargs})


def test_leaders_propose_and_rank_and_the_cco_decides(api_client, organization, cco_user, member_of):
    """Two leaders propose; Eve may not change Lee's candidate (403); each ranks; before the start the answer
    holds one's own ranking and no combined one; the CCO starts the meeting and agrees one action, which becomes a
    customer-room action; the other candidate is not chosen."""
    lee, eve = member_of(Role.LEADERSHIP), member_of(Role.EXECUTIVE)
    set_series(organization, invited=[lee, eve])
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)

    api_client.force_authenticate(lee)
    a = api_client.post(api("api-meeting-candidates", meeting), {"title": "Call the lost"}, format="json").json()
    api_client.force_authenticate(eve)
    b = api_client.post(api("api-meeting-candidates", meeting), {"title": "Fix billing"}, format="json").json()
    changed = api_client.patch(
        api("api-meeting-candidate", meeting, candidate_id=a["id"]), {"title": "x"}, format="json"
    )
    assert changed.status_code == 403
    ranking = api_client.put(api("api-meeting-ranking", meeting), {"candidates": [b["id"], a["id"]]}, format="json")
    assert ranking.json() == {"mine": [b["id"], a["id"]], "combined": None}

    api_client.force_authenticate(cco_user)
    assert api_client.post(api("api-meeting-start", meeting)).status_code == 200
    combined = api_client.get(api("api-meeting-ranking", meeting)).json()["combined"]
    assert [(c["title"], c["points"], c["rankers"]) for c in combined] == [
        ("Fix billing", 2, 1),
        ("Call the lost", 1, 1),
    ]
    decided = api_client.post(
        api("api-meeting-decision", meeting),
        {"agreed": [{"candidate": b["id"], "owner": eve.pk, "due_date": "2099-01-31"}]},
        format="json",
    )
    assert decided.status_code == 201, decided.content
    assert {c["title"]: c["status"] for c in decided.json()} == {"Call the lost": "not_chosen", "Fix billing": "agreed"}
    assert CustomerRoomAction.objects.get(organization=organization).owner == eve


def test_more_than_n_agreed_actions_are_refused(api_client, organization, cco_user, member_of):
    lee = member_of(Role.LEADERSHIP)
    set_series(organization, invited=[lee])
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    api_client.force_authenticate(lee)
    ids = [
        api_client.post(api("api-meeting-candidates", meeting), {"title": f"A{n}"}, format="json").json()["id"]
        for n in range(4)
    ]
    api_client.force_authenticate(cco_user)
    api_client.post(api("api-meeting-start", meeting))
    response = api_client.post(
        api("api-meeting-decision", meeting),
        {"agreed": [{"candidate": pk, "owner": lee.pk, "due_date": "2099-01-31"} for pk in ids]},
        format="json",
    )
    assert response.status_code == 400
    assert "at most 3" in str(response.json())
    assert not CustomerRoomAction.objects.exists()
