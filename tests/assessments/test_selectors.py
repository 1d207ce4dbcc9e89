"""The results of the assessments, checked against figures computed by hand from small fixtures."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from assessments import selectors
from assessments.models import Kind
from assessments.percentages import whole_percent
from assessments.selectors import Alignment
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory, respond
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Readiness: three executives answer the 11 questions (one letter per question, in order).
#               question: 12345678901
READINESS_ANSWERS = {"ann": "YNYYNYYNYYY", "ben": "YNNYYYYNYNY", "cat": "YNYYNYNNYNY"}
# Per question, by hand: YES count and alignment.
READINESS_EXPECTED = [
    (1, 3, 0, Alignment.UNANIMOUS_YES),
    (2, 0, 3, Alignment.UNANIMOUS_NO),
    (3, 2, 1, Alignment.SPLIT),
    (4, 3, 0, Alignment.UNANIMOUS_YES),
    (5, 1, 2, Alignment.SPLIT),
    (6, 3, 0, Alignment.UNANIMOUS_YES),
    (7, 2, 1, Alignment.SPLIT),
    (8, 0, 3, Alignment.UNANIMOUS_NO),
    (9, 3, 0, Alignment.UNANIMOUS_YES),
    (10, 1, 2, Alignment.SPLIT),
    (11, 3, 0, Alignment.UNANIMOUS_YES),
]
# 3 + 0 + 2 + 3 + 1 + 3 + 2 + 0 + 3 + 1 + 3 YES answers of 3 x 11.
READINESS_YES, READINESS_ALL = 21, 33


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)


def readiness_round(organization, *, is_anonymous=False, closes_in=14):
    """The three answers above, a draft by Dan that says YES everywhere, and three invitees who never submitted.

    Ann and Ben comment on question 3; Dan's draft comments on question 1.
    """
    round_ = RoundFactory(
        organization=organization,
        kind=Kind.READINESS,
        is_anonymous=is_anonymous,
        opens_on=days_from_today(closes_in - 14),
        closes_on=days_from_today(closes_in),
    )
    people = SimpleNamespace(
        ann=UserFactory(full_name="Ann Archer", email="ann@example.com"),
        ben=UserFactory(full_name="Ben Baker", email="ben@example.com"),
        cat=UserFactory(full_name="Cat Cole", email="cat@example.com"),
        dan=UserFactory(full_name="Dan Drake", email="dan@example.com"),
        eve=UserFactory(full_name="Eve Ellis", email="eve@example.com"),
    )
    respond(round_, people.ann, READINESS_ANSWERS["ann"], comments={3: "We have a sponsor"})
    respond(round_, people.ben, READINESS_ANSWERS["ben"], comments={3: "Only on paper"})
    respond(round_, people.cat, READINESS_ANSWERS["cat"])
    respond(round_, people.dan, "Y" * 11, submitted=False, comments={1: "Draft thought"})
    InviteeFactory(round=round_, user=people.eve)
    InviteeFactory(round=round_, user=None, email="zoe@example.com")
    return round_, people


# readiness


def test_readiness_is_yes_answers_over_all_submitted_answers(organization):
    """Readiness is 21 YES of 33 submitted answers; the draft and the three who never submitted do not count."""
    # given
    round_, _ = readiness_round(organization)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert (results.yes_answers, results.all_answers) == (READINESS_YES, READINESS_ALL)
    assert results.readiness == 21 / 33
    assert (results.respondents, results.invited) == (3, 6)


def test_readiness_counts_yes_and_alignment_per_question(organization):
    """Each question has its hand-counted YES and NO and is unanimous yes, unanimous no or split."""
    # given
    round_, _ = readiness_round(organization)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert [(q.question.number, q.yes, q.no, q.alignment) for q in results.questions] == READINESS_EXPECTED
    assert results.questions[2].yes_share == 2 / 3
    assert (
        results.count(Alignment.UNANIMOUS_YES),
        results.count(Alignment.UNANIMOUS_NO),
        results.count(Alignment.SPLIT),
    ) == (5, 2, 4)


def test_next_steps_are_the_questions_not_unanimously_yes_with_their_tips(organization):
    """Unanimous NO and split questions are next steps, in order, each carrying its implementation tip."""
    # given
    round_, _ = readiness_round(organization)

    # when
    next_steps = selectors.readiness_results(round_).next_steps

    # then
    assert [step.question.number for step in next_steps] == [2, 3, 5, 7, 8, 10]
    tips = {q.number: q.tip for q in round_.questionnaire.questions.all()}
    assert [step.question.tip for step in next_steps] == [tips[n] for n in (2, 3, 5, 7, 8, 10)]
    assert all(step.question.tip for step in next_steps)


def test_draft_answers_are_not_counted(organization):
    """Dan's unsubmitted YES everywhere changes no count, and his draft comment is not shown."""
    # given
    round_, _ = readiness_round(organization)

    # when
    results = selectors.readiness_results(round_)

    # then
    by_number = {q.question.number: q for q in results.questions}
    assert (by_number[2].yes, by_number[8].yes) == (0, 0)
    assert by_number[1].comments == []
    assert "Dan Drake" in results.not_answered


def test_comments_carry_their_authors_names_in_a_named_round(organization):
    """A named round shows each comment with the full name of whoever wrote it, in the order written."""
    # given
    round_, _ = readiness_round(organization)

    # when
    results = selectors.readiness_results(round_)

    # then
    by_number = {q.question.number: q for q in results.questions}
    assert [(c.text, c.author) for c in by_number[3].comments] == [
        ("We have a sponsor", "Ann Archer"),
        ("Only on paper", "Ben Baker"),
    ]
    assert sum(len(q.comments) for q in results.questions) == 2


def test_a_commenter_without_a_name_is_shown_by_email(organization):
    """Someone who never gave a full name is named by email, as everywhere else in the portal."""
    # given
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS)
    nameless = UserFactory(full_name="", email="nameless@example.com")
    respond(round_, nameless, "Y" * 11, comments={1: "Agreed"})

    # when
    results = selectors.readiness_results(round_)

    # then
    assert [(c.text, c.author) for c in results.questions[0].comments] == [("Agreed", "nameless@example.com")]


def test_an_anonymous_round_counts_alike_but_names_nobody(organization):
    """Anonymous: the same figures, comments without authors, and no list of who has not answered."""
    # given
    round_, _ = readiness_round(organization, is_anonymous=True)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert [(q.question.number, q.yes, q.no, q.alignment) for q in results.questions] == READINESS_EXPECTED
    assert results.readiness == 21 / 33
    assert [(c.text, c.author) for c in results.questions[2].comments] == [
        ("We have a sponsor", None),
        ("Only on paper", None),
    ]
    assert results.not_answered is None


def test_not_answered_lists_invitees_without_a_submitted_response(organization):
    """The draft, the invitee who never started and the address not yet joined, by name or email."""
    # given
    round_, _ = readiness_round(organization)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert results.not_answered == ["Dan Drake", "Eve Ellis", "zoe@example.com"]


def test_readiness_changes_from_the_previous_round_per_question_and_overall(organization):
    """The previous round of the same organization and kind gives each question's change and the overall one."""
    # given an earlier round: question 1 YES by both, questions 2 and 11 by one of two; 4 YES of 22
    earlier = RoundFactory(
        organization=organization, kind=Kind.READINESS, opens_on=days_from_today(-60), closes_on=days_from_today(-50)
    )
    respond(earlier, UserFactory(), "YYNNNNNNNNN")
    respond(earlier, UserFactory(), "YNNNNNNNNNY")
    # and rounds that are not the previous one: another organization, another kind, a later round
    elsewhere = RoundFactory(kind=Kind.READINESS, opens_on=days_from_today(-30), closes_on=days_from_today(-20))
    respond(elsewhere, UserFactory(), "N" * 11)
    commitment = RoundFactory(
        organization=organization, kind=Kind.COMMITMENT, opens_on=days_from_today(-30), closes_on=days_from_today(-20)
    )
    respond(commitment, UserFactory(), "N" * 19)
    round_, _ = readiness_round(organization)
    RoundFactory(organization=organization, kind=Kind.READINESS, closes_on=days_from_today(30))

    # when
    results = selectors.readiness_results(round_)

    # then 21/33 now against 4/22 before
    assert results.previous.round == earlier
    assert results.previous.readiness == 4 / 22
    # in points of the whole percentages shown: 64% against 18%
    assert results.readiness_change == 64 - 18
    changes = [q.yes_share_change for q in results.questions]
    assert changes == [0, -50, 67, 100, 33, 100, 67, 0, 100, 33, 50]
    assert [q.previous_yes_share for q in results.questions][:3] == [1.0, 0.5, 0.0]


def test_the_first_round_has_no_change(organization):
    """Without an earlier round there is nothing to compare with: no previous results, no changes."""
    # given
    round_, _ = readiness_round(organization)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert results.previous is None
    assert results.readiness_change is None
    assert {q.yes_share_change for q in results.questions} == {None}


def test_a_round_nobody_submitted_has_no_readiness(organization):
    """No submitted answers: readiness is unknown rather than 0, and every question awaits answers."""
    # given
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS)
    respond(round_, UserFactory(), "Y" * 11, submitted=False)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert results.readiness is None
    assert results.respondents == 0
    assert {q.alignment for q in results.questions} == {Alignment.NO_ANSWERS}


# CEO commitment: 19 questions in the eight actions, sections of 2, 2, 2, 2, 4, 3, 2, 2 questions.
#            action:  1 2 3 4 5   6  7 8
COMMITMENT_CEO = "YY YY YY YY PPPP YYY NN YP".replace(" ", "")
COMMITMENT_LEADER_1 = "YP NN YY PP NNNP YPN YY NN".replace(" ", "")
COMMITMENT_LEADER_2 = "YY NN YN PN NPNN PPN YP NY".replace(" ", "")
# Per action, by hand (Yes = 1, Partly = 0.5, No = 0): (number, CEO's self-view, leaders' view).
COMMITMENT_EXPECTED = [
    (1, 1.0, 3.5 / 4),
    (2, 1.0, 0.0),
    (3, 1.0, 3 / 4),
    (4, 1.0, 1.5 / 4),
    (5, 0.5, 1 / 8),
    (6, 1.0, 2.5 / 6),
    (7, 0.0, 3.5 / 4),
    (8, 0.75, 1 / 4),
]
# The CEO: 12 Yes and 5 Partly of 19; the leaders: 6 + 5 Yes and 5 + 5 Partly of 38.
COMMITMENT_OVERALL = (14.5 / 19, 16 / 38)


def commitment_review(organization, *, closes_on=None, ceo=None):
    """A review whose CEO and two leaders answered as above, and a third leader with an all-Yes draft."""
    closes_on = closes_on or days_from_today(14)
    ceo = ceo or UserFactory(full_name="Chris Chief")
    round_ = RoundFactory(
        organization=organization,
        kind=Kind.COMMITMENT,
        ceo=ceo,
        opens_on=closes_on - timedelta(14),
        closes_on=closes_on,
    )
    respond(round_, ceo, COMMITMENT_CEO)
    respond(round_, UserFactory(full_name="Lee Lead"), COMMITMENT_LEADER_1)
    respond(round_, UserFactory(full_name="Lou Lead"), COMMITMENT_LEADER_2)
    respond(round_, UserFactory(full_name="Dee Draft"), "Y" * 19, submitted=False)
    return round_


def test_commitment_sets_the_ceo_self_view_beside_the_leaders_view_per_action(organization):
    """Each action's score is the average of its answers, Yes 1, Partly 0.5, No 0, for the CEO and the leaders."""
    # given
    round_ = commitment_review(organization)

    # when
    results = selectors.commitment_results(round_)

    # then
    assert [a.number for a in results.actions] == [n for n, _, _ in COMMITMENT_EXPECTED]
    assert [(a.scores.self_view, a.scores.leaders_view) for a in results.actions] == [
        pytest.approx((ceo, leaders)) for _, ceo, leaders in COMMITMENT_EXPECTED
    ]
    assert [a.scores.gap for a in results.actions] == [
        whole_percent(ceo) - whole_percent(leaders) for _, ceo, leaders in COMMITMENT_EXPECTED
    ]
    assert [len(a.questions) for a in results.actions] == [2, 2, 2, 2, 4, 3, 2, 2]


def test_commitment_overall_and_per_question(organization):
    """Overall: 14.5 of 19 for the CEO against 16 of 38 for the leaders; per question likewise."""
    # given
    round_ = commitment_review(organization)

    # when
    results = selectors.commitment_results(round_)

    # then
    assert results.overall.self_view == pytest.approx(COMMITMENT_OVERALL[0])
    assert results.overall.leaders_view == pytest.approx(COMMITMENT_OVERALL[1])
    # 76% against 42%
    assert results.overall.gap == 76 - 42
    questions = {q.number: scores for action in results.actions for q, scores in action.questions}
    assert (questions[1].self_view, questions[1].leaders_view) == pytest.approx((1.0, 1.0))
    assert (questions[16].self_view, questions[16].leaders_view) == pytest.approx((0.0, 1.0))
    assert (questions[19].self_view, questions[19].leaders_view) == pytest.approx((0.5, 0.5))


def test_actions_by_gap_put_the_largest_disagreement_first_whichever_way(organization):
    """Ordered by the size of the gap: action 7, where leaders rate higher than the CEO, comes second."""
    # given
    round_ = commitment_review(organization)

    # when
    results = selectors.commitment_results(round_)

    # then gaps 1, -0.875, 0.625, 0.583, 0.5, 0.375, 0.25, 0.125
    assert [a.number for a in results.actions_by_gap] == [2, 7, 4, 6, 8, 5, 3, 1]


def test_commitment_counts_who_responded_and_ignores_drafts(organization):
    """The CEO and two leaders submitted; the draft of a third leader counts nowhere but in not_answered."""
    # given
    round_ = commitment_review(organization)

    # when
    results = selectors.commitment_results(round_)

    # then
    assert results.ceo_responded is True
    assert results.leaders_responded == 2
    assert results.not_answered == ["Dee Draft"]


def test_without_the_ceo_answers_there_are_no_gaps(organization):
    """Before the CEO submits, the self-view is unknown: no gaps, and actions keep their order."""
    # given
    ceo = UserFactory()
    round_ = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo)
    InviteeFactory(round=round_, user=ceo)
    respond(round_, UserFactory(), COMMITMENT_LEADER_1)

    # when
    results = selectors.commitment_results(round_)

    # then
    assert results.ceo_responded is False
    assert results.overall.self_view is None
    assert results.overall.gap is None
    assert results.overall.leaders_view == pytest.approx(8.5 / 19)
    assert [a.number for a in results.actions_by_gap] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_commitment_trend_follows_the_reviews_in_order_of_closing(organization):
    """The trend runs over this organization's reviews up to this one, oldest first, each with both views."""
    # given a review with everything Yes from the CEO and Partly from a leader, created first but closing second
    ceo = UserFactory()
    second = RoundFactory(
        organization=organization,
        kind=Kind.COMMITMENT,
        ceo=ceo,
        opens_on=days_from_today(-40),
        closes_on=days_from_today(-30),
    )
    respond(second, ceo, "Y" * 19)
    respond(second, UserFactory(), "P" * 19)
    # and the first: the CEO says Partly, a leader No
    first = RoundFactory(
        organization=organization,
        kind=Kind.COMMITMENT,
        ceo=ceo,
        opens_on=days_from_today(-70),
        closes_on=days_from_today(-60),
    )
    respond(first, ceo, "P" * 19)
    respond(first, UserFactory(), "N" * 19)
    # and reviews outside the trend: one later, one of another organization
    RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo, closes_on=days_from_today(60))
    elsewhere = RoundFactory(
        organization=OrganizationFactory(),
        kind=Kind.COMMITMENT,
        ceo=ceo,
        opens_on=days_from_today(-20),
        closes_on=days_from_today(-10),
    )
    respond(elsewhere, ceo, "N" * 19)
    third = commitment_review(organization, ceo=ceo)

    # when
    trend = selectors.commitment_results(third).trend

    # then
    assert [review for review, _ in trend] == [first, second, third]
    assert [(scores.self_view, scores.leaders_view) for _, scores in trend] == [
        pytest.approx((0.5, 0.0)),
        pytest.approx((1.0, 0.5)),
        pytest.approx(COMMITMENT_OVERALL),
    ]


def test_one_answer_is_not_unanimous(organization):
    """With a single respondent every question has one answer: none is unanimous, none is split, and each
    still gives its tip as a next step."""
    # given
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS)
    respond(round_, UserFactory(), "YYYYYYNNNNN")
    InviteeFactory(round=round_)

    # when
    results = selectors.readiness_results(round_)

    # then
    assert {q.alignment for q in results.questions} == {Alignment.ONLY_ONE_ANSWER}
    assert results.count(Alignment.UNANIMOUS_YES) == 0
    assert results.count(Alignment.UNANIMOUS_NO) == 0
    assert len(results.next_steps) == 11
    assert (results.questions[0].answers, results.invited) == (1, 2)


def test_two_answers_alike_are_unanimous(organization):
    """Two Yes answers to a question make it a unanimous Yes."""
    # given
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS)
    respond(round_, UserFactory(), "Y" * 11)
    respond(round_, UserFactory(), "Y" * 10 + "N")

    # when
    results = selectors.readiness_results(round_)

    # then
    assert results.questions[0].alignment == Alignment.UNANIMOUS_YES
    assert results.questions[10].alignment == Alignment.SPLIT


def test_commitment_results_count_the_answers_of_each_question(organization):
    """Each question knows how many answered it (the CEO and the leaders), beside how many were invited."""
    # given
    round_ = commitment_review(organization)

    # when
    results = selectors.commitment_results(round_)

    # then the CEO and two leaders submitted; a third leader's draft does not count
    assert {scores.answers for action in results.actions for _, scores in action.questions} == {3}
    assert results.invited == 4


def test_each_ceo_action_has_its_own_trend_across_reviews(organization, member_of):
    """Given two reviews before this one (a later one aside): the CEO says Yes to everything, then Partly; the
    leader No, then Yes to action 1 only; when this review's results are read, then each action's trend holds its
    own CEO and leaders' views in the earlier reviews and this one, oldest first, and not the later review."""
    ceo, leader = member_of(Role.ADMIN), member_of(Role.LEADERSHIP)
    today = timezone.localdate()

    def review(days: int, ceo_letter: str, leader_letters):
        round_ = RoundFactory(
            organization=organization, kind=Kind.COMMITMENT, ceo=ceo, opens_on=today + timedelta(days=days - 14)
        )
        questions = list(round_.questionnaire.questions.select_related("section").order_by("number"))
        respond(round_, ceo, ceo_letter * len(questions))
        respond(round_, leader, "".join(leader_letters(question) for question in questions))
        return round_

    first = review(0, "Y", lambda question: "N")
    second = review(30, "P", lambda question: "Y" if question.section.number == 1 else "N")
    review(60, "N", lambda question: "Y")

    results = selectors.commitment_results(second)

    trends = {
        action.number: [(round_, s.self_view, s.leaders_view) for round_, s in action.trend]
        for action in results.actions
    }
    assert trends[1] == [(first, 1.0, 0.0), (second, 0.5, 1.0)]
    assert all(trends[number] == [(first, 1.0, 0.0), (second, 0.5, 0.0)] for number in range(2, 9))
