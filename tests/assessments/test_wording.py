"""The wording people answer: a question whose Yes is unambiguous, the CEO addressed as "you" in their own
review, and the seeds' explanations and closing advice shown where they help."""

import re

import pytest
from django.urls import reverse

from assessments.models import Kind, Question, Questionnaire, Section
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory, respond

pytestmark = pytest.mark.django_db

THIRD_PERSON = re.compile(r"\b(your|the) CEO\b|\bCEO's\b|\bhe/she\b", re.IGNORECASE)


def commitment_questions():
    return list(Questionnaire.objects.current(Kind.COMMITMENT).questions.order_by("number"))


def answer_url(round_, **query) -> str:
    path = reverse("assessments:answer", kwargs={"org_slug": round_.organization.slug, "round_id": round_.pk})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_full_job_question_is_one_question_whose_yes_is_good():
    """Question 4 (“A full job, not an extra”) asks only whether the role is recognized as a full job; its
    id and number are those the answers point at."""
    question = Questionnaire.objects.current(Kind.COMMITMENT).questions.get(number=4)

    assert question.label == "A full job, not an extra"
    assert question.text.startswith("Has the CEO recognized that this is a critical job")
    assert " or is there " not in question.text
    assert "immense time commitment" in question.text


def test_every_commitment_question_and_action_has_a_second_person_wording_for_the_ceo():
    """The CEO's own review never speaks of “your CEO” or “the CEO”: every question and action has its
    second-person wording."""
    questions = commitment_questions()
    sections = Section.objects.filter(questionnaire=questions[0].questionnaire)

    assert len(questions) == 19
    assert all(question.self_text for question in questions)
    assert [q.number for q in questions if THIRD_PERSON.search(q.self_text)] == []
    assert all(re.search(r"\byou(r)?\b", q.self_text, re.IGNORECASE) for q in questions)
    assert all(section.self_description for section in sections)
    assert [s.number for s in sections if THIRD_PERSON.search(s.self_description)] == []


def test_the_ceo_reads_their_review_in_the_second_person(client, organization, member_of):
    """Given a review, its CEO sees every question (both survey modes, and the review page) as “you”, with
    the why of each action; a leader sees the questions about the CEO."""
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    leader = member_of(Role.EXECUTIVE, full_name="Lee Lead")
    round_ = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo)
    InviteeFactory(round=round_, user=ceo)
    InviteeFactory(round=round_, user=leader)
    questions = commitment_questions()
    review_url = reverse("assessments:review", kwargs={"org_slug": organization.slug, "round_id": round_.pk})

    client.force_login(ceo)
    all_on_one_page = client.get(answer_url(round_, mode="all")).content.decode()
    one_question = client.get(answer_url(round_, mode="one", q=9)).content.decode()
    review = client.get(review_url).content.decode()
    client.force_login(leader)
    as_leader = client.get(answer_url(round_, mode="all")).content.decode()

    for page in (all_on_one_page, review):
        assert all(q.self_text in page for q in questions)
        assert "Does your CEO" not in page
    assert questions[8].self_text in one_question
    assert "Does your CEO" not in one_question
    assert "Position the work of the CCO as a priority of your agenda" in all_on_one_page
    assert "Set up meetings with the specific agenda" in one_question  # question 9 belongs to action 5
    assert all(q.text in as_leader for q in questions)
    assert "The CEO positions the work of the CCO as a priority of their agenda" in as_leader


def test_readiness_results_give_the_seeds_closing_advice(client, organization, cco_user, member_of):
    """The readiness results end with the source's advice: debate with the leadership and the board, get
    consensus, and pace yourself for at least five years."""
    round_ = RoundFactory(organization=organization)
    respond(round_, member_of(Role.EXECUTIVE), "Y" * 11)
    client.force_login(cco_user)

    html = client.get(
        reverse("assessments:results", kwargs={"org_slug": organization.slug, "round_id": round_.pk})
    ).content.decode()

    assert "Before you decide" in html
    assert "Debate them with the top leadership and the board." in html
    assert "make sure that you have consensus" in html
    assert "at minimum a five-year journey. Pace yourself." in html


def test_the_api_gives_both_wordings_and_the_afterword(client, organization, cco_user):
    """The questionnaires of the API carry the CEO's wording beside the leaders' and the closing advice."""
    client.force_login(cco_user)

    body = client.get(reverse("api-questionnaire-list", kwargs={"org_slug": organization.slug})).json()

    by_kind = {questionnaire["kind"]: questionnaire for questionnaire in body}
    assert "Pace yourself." in by_kind[Kind.READINESS]["afterword"]
    assert all(question["self_text"] for question in by_kind[Kind.COMMITMENT]["questions"])
    assert all(section["self_description"] for section in by_kind[Kind.COMMITMENT]["sections"])
    assert Question.objects.filter(self_text="").exclude(questionnaire__kind=Kind.READINESS).count() == 0
