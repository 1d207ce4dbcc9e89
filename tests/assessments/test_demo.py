"""The demo's assessments: past rounds that carry their own dates, and an open round waiting for answers."""

import pytest
from django.utils import timezone

from assessments.demo import seed_demo
from assessments.models import Answer, Invitee, Kind, Response, Round
from cco_portal.organizations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(member_of):
    return {role: member_of(role) for role in Role}


def within(moment, round_: Round) -> bool:
    return round_.opens_on <= timezone.localtime(moment).date() <= round_.closes_on


def test_past_rounds_happened_within_their_own_dates(
    organization, people, mailoutbox, django_capture_on_commit_callbacks
):
    """Every closed round was created, emailed, answered and submitted between its opening and closing day,
    not on the day the demo was seeded; titles name no quarter that contradicts the dates; nobody is emailed."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(organization=organization, people=people)

    # then
    rounds = list(Round.objects.for_organization(organization))
    closed = [round_ for round_ in rounds if round_.has_closed]
    assert len(closed) == 4
    assert [round_.title for round_ in rounds if round_.is_open] == ["Readiness, year one"]
    for round_ in closed:
        assert within(round_.created_at, round_), round_.title
        invitees = Invitee.objects.filter(round=round_)
        assert all(within(invitee.notified_at, round_) for invitee in invitees), round_.title
        responses = Response.objects.filter(round=round_)
        assert responses.count() == 3
        for response in responses:
            assert within(response.started_at, round_), round_.title
            assert within(response.submitted_at, round_), round_.title
            assert response.started_at <= response.submitted_at
        answers = Answer.objects.filter(response__round=round_)
        assert all(within(answer.updated_at, round_) for answer in answers), round_.title
    for review in (round_ for round_ in closed if round_.kind == Kind.COMMITMENT):
        assert review.title.endswith(f"{review.closes_on:%B %Y}")
    assert mailoutbox == []
