"""The CEO-commitment question on accountability forums, answered beside the record: the results and the survey
show what the customer room's actions show, and no other question does."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import selectors
from assessments.models import Kind
from assessments.services import invite_to_round
from cco_portal.organizations.roles import Role
from reports.models import ActionStatus, CustomerRoomAction
from tests.assessments.factories import RoundFactory, respond

pytestmark = pytest.mark.django_db

FORUMS = 10  # "Are forums for accountability regularly scheduled and enforced …?"


@pytest.fixture
def review(organization, member_of):
    """A CEO review, and two customer-room actions due last week: one done on time, one still open (Ann's)."""
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    ann = member_of(Role.EXECUTIVE, full_name="Ann Archer")
    due = timezone.localdate() - timedelta(days=7)
    CustomerRoomAction.objects.create(
        organization=organization,
        month=2024 * 12,
        title="Call them",
        due_date=due,
        status=ActionStatus.DONE,
        closed_at=timezone.now() - timedelta(days=10),
    )
    CustomerRoomAction.objects.create(
        organization=organization, month=2024 * 12, title="Fix it", due_date=due, owner=ann
    )
    round_ = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo)
    invite_to_round(round_=round_, invitees=[ann])
    return {"round": round_, "ann": ann}


def test_only_the_forums_question_carries_the_record(review):
    shown = selectors.evidence_by_question(review["round"])
    forums = review["round"].questionnaire.questions.get(number=FORUMS)

    assert list(shown) == [forums.pk]
    assert shown[forums.pk][0].lines == [
        "No customer-room meeting was due yet.",
        f"Of the 2 customer-room actions due before {timezone.localdate():%-d %B %Y}, 1 (50%) were done by their "
        "due date.",
        "Overdue, by owner: Ann Archer (1).",
    ]


def test_the_survey_and_the_results_show_it_beside_the_question(client, organization, review, cco_user, member_of):
    """The invited executive sees it while answering question 10; the CCO sees it in the results."""
    kwargs = {"org_slug": organization.slug, "round_id": review["round"].pk}
    client.force_login(review["ann"])
    survey = client.get(reverse("assessments:answer", kwargs=kwargs), {"mode": "one", "q": FORUMS})
    assert "From the customer room&#x27;s record" in survey.content.decode()
    other = client.get(reverse("assessments:answer", kwargs=kwargs), {"mode": "one", "q": FORUMS - 1})
    assert "customer room&#x27;s record" not in other.content.decode()

    respond(review["round"], member_of(Role.LEADERSHIP), "P" * review["round"].questionnaire.questions.count())
    client.force_login(cco_user)
    results = client.get(reverse("assessments:results", kwargs=kwargs)).content.decode()
    assert results.count("Overdue, by owner: Ann Archer (1).") == 1
