"""The write services of the assessments: opening rounds, recording answers and submitting them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Answer, Choice, Invitee, Kind, Question, Questionnaire, Response, Round
from cco_portal.organizations import services as organization_services
from cco_portal.organizations.models import Invitation, Membership
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory
from tests.concurrency import run_together
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-orchard-harbour-7"


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)


def question(round_: Round, number: int) -> Question:
    return round_.questionnaire.questions.get(number=number)


def answers_of(round_: Round, user) -> list[tuple[int, str, str]]:
    """(question number, choice, comment) of everything `user` has recorded in `round_`."""
    return list(
        Answer.objects.filter(response__round=round_, response__respondent=user)
        .order_by("question__number")
        .values_list("question__number", "choice", "comment")
    )


def answer_every_question(round_: Round, user, choice=Choice.YES, *, skip=()) -> None:
    for q in round_.questionnaire.questions.exclude(number__in=skip):
        services.record_answer(round_=round_, user=user, question=q, choice=choice)


@pytest.fixture
def readiness_round(organization, cco_user, executive_user):
    """An open readiness round of Acme, to which the executive is invited."""
    return services.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title="Spring readiness",
        opens_on=timezone.localdate(),
        closes_on=days_from_today(14),
        invitees=[executive_user],
        created_by=cco_user,
    )


# open_round


def test_open_round_invites_members_and_addresses_and_emails_them_after_commit(
    organization, cco_user, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    """Members are invited by account; a new address also gets an invitation to join; emails wait for the commit."""
    # given
    ann = member_of(Role.EXECUTIVE, email="ann@example.com")
    ben = member_of(Role.LEADERSHIP, email="ben@example.com")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        round_ = services.open_round(
            organization=organization,
            kind=Kind.READINESS,
            title="Spring readiness",
            opens_on=timezone.localdate(),
            closes_on=days_from_today(14),
            invitees=[ann],
            invitee_emails=[" New.Person@Example.com ", "ben@example.com", ""],
            created_by=cco_user,
        )
        sent_before_commit = len(mailoutbox)

    # then
    assert round_.questionnaire == Questionnaire.objects.current(Kind.READINESS)
    assert (round_.title, round_.is_anonymous, round_.created_by) == ("Spring readiness", False, cco_user)
    assert set(round_.invitees.values_list("email", "user")) == {
        ("ann@example.com", ann.pk),
        ("ben@example.com", ben.pk),
        ("new.person@example.com", None),
    }
    invitation = Invitation.objects.get(organization=organization)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.com",
        Role.EXECUTIVE,
        cco_user,
    )
    assert sent_before_commit == 0
    assert len(callbacks) == 2
    round_emails = [email for email in mailoutbox if "Spring readiness" in email.subject]
    assert sorted(email.to[0] for email in round_emails) == [
        "ann@example.com",
        "ben@example.com",
        "new.person@example.com",
    ]
    assert [email.to for email in mailoutbox if email not in round_emails] == [["new.person@example.com"]]
    assert not Invitee.objects.filter(round=round_, notified_at__isnull=True).exists()


def test_open_round_of_commitment_always_invites_the_ceo(organization, cco_user, member_of):
    """The CEO of a review is invited even when left out of the invitees: the self-view needs them."""
    # given
    ceo = member_of(Role.LEADERSHIP, email="ceo@example.com")
    leader = member_of(Role.EXECUTIVE, email="leader@example.com")

    # when
    round_ = services.open_round(
        organization=organization,
        kind=Kind.COMMITMENT,
        title="Q2 CEO review",
        opens_on=timezone.localdate(),
        closes_on=days_from_today(7),
        invitees=[leader],
        ceo=ceo,
        created_by=cco_user,
    )

    # then
    assert round_.questionnaire == Questionnaire.objects.current(Kind.COMMITMENT)
    assert round_.ceo == ceo
    assert sorted(round_.invitees.values_list("email", flat=True)) == ["ceo@example.com", "leader@example.com"]


REFUSED_ROUNDS = {
    "closes before it opens": (
        {"opens_on": 5, "closes_on": 4},
        "closes_on",
        "The closing date must be on or after the opening date.",
    ),
    "closing date passed": (
        {"opens_on": -10, "closes_on": -1},
        "closes_on",
        "The closing date has passed; choose today or a later day.",
    ),
    "commitment without CEO": (
        {"kind": Kind.COMMITMENT},
        "ceo",
        "Choose the CEO whose self-view this review records.",
    ),
    "anonymous commitment": (
        {"kind": Kind.COMMITMENT, "ceo": "member", "is_anonymous": True},
        "is_anonymous",
        "A CEO commitment review sets the CEO's view beside the leaders'; it cannot be anonymous.",
    ),
    "non-member invitee": (
        {"invitees": ["outsider"]},
        "invitees",
        "Not members of Acme Outfitters: outsider@example.com.",
    ),
    "nobody invited": (
        {"invitees": [], "invitee_emails": ["  "]},
        "invitees",
        "Invite at least one person to answer.",
    ),
}


@pytest.mark.parametrize(("changes", "field", "message"), REFUSED_ROUNDS.values(), ids=REFUSED_ROUNDS.keys())
def test_open_round_refuses_an_invalid_round_and_creates_nothing(
    organization, other_organization, cco_user, member_of, changes, field, message
):
    """Each invalid choice is refused under its field with a message saying what to do; nothing is created."""
    # given
    people = {
        "member": member_of(Role.EXECUTIVE),
        "outsider": member_of(Role.ADMIN, org=other_organization, email="outsider@example.com"),
    }
    arguments = {
        "organization": organization,
        "kind": Kind.READINESS,
        "title": "Refused",
        "opens_on": 0,
        "closes_on": 14,
        "invitees": ["member"],
        "created_by": cco_user,
        **changes,
    }
    arguments["opens_on"] = days_from_today(arguments["opens_on"])
    arguments["closes_on"] = days_from_today(arguments["closes_on"])
    arguments["invitees"] = [people[name] for name in arguments["invitees"]]
    if "ceo" in arguments:
        arguments["ceo"] = people[arguments["ceo"]]

    # when
    with pytest.raises(ValidationError) as refused:
        services.open_round(**arguments)

    # then
    assert refused.value.message_dict[field] == [message]
    assert not Round.objects.exists()
    assert not Invitee.objects.exists()
    assert not Invitation.objects.exists()


def test_a_members_address_among_the_emails_is_invited_as_that_member(organization, cco_user, member_of):
    """An address that belongs to a member is linked to the account, and no invitation to join is sent."""
    # given
    pat = member_of(Role.EXECUTIVE, email="pat@example.com")

    # when
    round_ = services.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title="Spring readiness",
        opens_on=timezone.localdate(),
        closes_on=days_from_today(14),
        invitee_emails=["PAT@example.com"],
        created_by=cco_user,
    )

    # then
    assert list(round_.invitees.values_list("email", "user")) == [("pat@example.com", pat.pk)]
    assert not Invitation.objects.exists()


# record_answer


def test_record_answer_saves_and_answering_again_replaces(readiness_round, executive_user):
    """The first answer creates the draft response; a second answer to the same question replaces the first."""
    # when
    services.record_answer(
        round_=readiness_round, user=executive_user, question=question(readiness_round, 1), choice=Choice.YES
    )
    services.record_answer(
        round_=readiness_round,
        user=executive_user,
        question=question(readiness_round, 1),
        choice=Choice.NO,
        comment="  Nobody owns this yet.  ",
    )

    # then
    assert answers_of(readiness_round, executive_user) == [(1, Choice.NO, "Nobody owns this yet.")]
    response = Response.objects.get(round=readiness_round, respondent=executive_user)
    assert response.is_submitted is False


def test_record_answer_refuses_someone_not_invited(readiness_round, leadership_user):
    """A member who was not invited cannot answer; no response is started for them."""
    # when
    with pytest.raises(ValidationError) as refused:
        services.record_answer(
            round_=readiness_round, user=leadership_user, question=question(readiness_round, 1), choice=Choice.YES
        )

    # then
    assert refused.value.messages == ["You are not invited to answer this round."]
    assert not Response.objects.filter(respondent=leadership_user).exists()


def test_record_answer_refuses_before_the_round_opens(organization, cco_user, executive_user):
    """A round that opens later takes no answers yet, and says when it opens."""
    # given
    opens_on = days_from_today(3)
    round_ = services.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title="Later",
        opens_on=opens_on,
        closes_on=days_from_today(10),
        invitees=[executive_user],
        created_by=cco_user,
    )

    # when
    with pytest.raises(ValidationError) as refused:
        services.record_answer(round_=round_, user=executive_user, question=question(round_, 1), choice=Choice.YES)

    # then
    assert refused.value.messages == [f"This round opens on {opens_on.day} {opens_on:%B %Y}."]
    assert answers_of(round_, executive_user) == []
    assert not Response.objects.exists()


def test_record_answer_refuses_after_the_round_closed(readiness_round, executive_user):
    """Once the closing day has passed, answers can no longer change; the earlier answer stays."""
    # given
    services.record_answer(
        round_=readiness_round, user=executive_user, question=question(readiness_round, 1), choice=Choice.YES
    )
    Round.objects.filter(pk=readiness_round.pk).update(opens_on=days_from_today(-20), closes_on=days_from_today(-1))
    readiness_round.refresh_from_db()
    closed_on = days_from_today(-1)

    # when
    with pytest.raises(ValidationError) as refused:
        services.record_answer(
            round_=readiness_round, user=executive_user, question=question(readiness_round, 1), choice=Choice.NO
        )

    # then
    assert refused.value.messages == [
        f"This round closed on {closed_on.day} {closed_on:%B %Y}; answers can no longer change."
    ]
    assert answers_of(readiness_round, executive_user) == [(1, Choice.YES, "")]


def test_record_answer_refuses_a_question_of_another_questionnaire(readiness_round, executive_user):
    """A commitment question cannot be answered in a readiness round."""
    # given
    foreign = Questionnaire.objects.current(Kind.COMMITMENT).questions.get(number=1)

    # when
    with pytest.raises(ValidationError) as refused:
        services.record_answer(round_=readiness_round, user=executive_user, question=foreign, choice=Choice.YES)

    # then
    assert refused.value.messages == ["This question does not belong to this round."]
    assert not Answer.objects.exists()


def test_record_answer_refuses_partly_in_a_readiness_round(readiness_round, executive_user):
    """Readiness is answered Yes or No; Partly is refused and the earlier answer stays."""
    # given
    services.record_answer(
        round_=readiness_round, user=executive_user, question=question(readiness_round, 2), choice=Choice.NO
    )

    # when
    with pytest.raises(ValidationError) as refused:
        services.record_answer(
            round_=readiness_round, user=executive_user, question=question(readiness_round, 2), choice=Choice.PARTLY
        )

    # then
    assert refused.value.messages == ["Answer Yes or No."]
    assert answers_of(readiness_round, executive_user) == [(2, Choice.NO, "")]


def test_record_answer_takes_partly_in_a_commitment_review(organization, cco_user, member_of):
    """The CEO commitment review is answered Yes, Partly or No."""
    # given
    ceo = member_of(Role.LEADERSHIP)
    round_ = services.open_round(
        organization=organization,
        kind=Kind.COMMITMENT,
        title="Review",
        opens_on=timezone.localdate(),
        closes_on=days_from_today(7),
        ceo=ceo,
        created_by=cco_user,
    )

    # when
    services.record_answer(round_=round_, user=ceo, question=question(round_, 5), choice=Choice.PARTLY)

    # then
    assert answers_of(round_, ceo) == [(5, Choice.PARTLY, "")]


def test_record_answer_refuses_after_submitting(readiness_round, executive_user):
    """Submitted answers are final: a change is refused and every answer stays as submitted."""
    # given
    answer_every_question(readiness_round, executive_user, Choice.YES)
    services.submit_response(round_=readiness_round, user=executive_user)
    submitted = answers_of(readiness_round, executive_user)

    # when
    with pytest.raises(ValidationError) as refused:
        services.record_answer(
            round_=readiness_round, user=executive_user, question=question(readiness_round, 3), choice=Choice.NO
        )

    # then
    assert refused.value.messages == [
        "You have already submitted your answers to this round; they can no longer change."
    ]
    assert answers_of(readiness_round, executive_user) == submitted
    assert {choice for _, choice, _ in submitted} == {Choice.YES}


# submit_response


def test_submit_refuses_with_the_numbers_of_the_unanswered_questions(readiness_round, executive_user):
    """Submitting with questions 4, 10 and 11 unanswered names them, and the response stays a draft."""
    # given
    answer_every_question(readiness_round, executive_user, skip=[4, 10, 11])

    # when
    with pytest.raises(ValidationError) as refused:
        services.submit_response(round_=readiness_round, user=executive_user)

    # then
    assert refused.value.messages == ["Answer every question before you submit; still open: 4, 10, 11."]
    assert Response.objects.get(round=readiness_round, respondent=executive_user).submitted_at is None


def test_submit_makes_the_response_final_once(readiness_round, executive_user):
    """The first submit records the time; a second is refused and leaves that time alone."""
    # given
    answer_every_question(readiness_round, executive_user)
    first = services.submit_response(round_=readiness_round, user=executive_user)

    # when
    with pytest.raises(ValidationError) as refused:
        services.submit_response(round_=readiness_round, user=executive_user)

    # then
    assert first.submitted_at is not None
    assert refused.value.messages == [
        "You have already submitted your answers to this round; they can no longer change."
    ]
    assert Response.objects.get(pk=first.pk).submitted_at == first.submitted_at


def test_someone_invited_by_email_answers_after_joining(organization, cco_user):
    """An address without an account is invited to join; once it has, its person answers and submits."""
    # given
    round_ = services.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title="Spring readiness",
        opens_on=timezone.localdate(),
        closes_on=days_from_today(14),
        invitee_emails=["newcomer@example.com"],
        created_by=cco_user,
    )
    invitation = Invitation.objects.get(organization=organization, email="newcomer@example.com")
    newcomer = organization_services.accept_invitation(
        invitation=invitation, full_name="Nia Newcomer", password=NEW_PASSWORD
    )

    # when
    answer_every_question(round_, newcomer, Choice.NO)
    response = services.submit_response(round_=round_, user=newcomer)

    # then
    assert Membership.objects.filter(organization=organization, user=newcomer, role=Role.EXECUTIVE).exists()
    assert response.is_submitted
    assert len(answers_of(round_, newcomer)) == 11
    assert selectors.not_answered(round_) == []


# concurrency


@pytest.mark.services
def test_concurrent_answers_and_a_doubled_submit(transactional_db, organization):
    """Respondents answering and submitting at once all keep every answer; the same submit twice wins once.

    PostgreSQL runs each thread on its own connection; the response row lock makes the second of two
    simultaneous submits see the first and refuse.
    """
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL's row locks: set DATABASE_URL=postgres://…", pytrace=False)
    # given a round with four respondents who have answered nothing, and one whose answers are all in
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS)
    questions = list(round_.questionnaire.questions.order_by("number"))
    respondents = [InviteeFactory(round=round_).user for _ in range(4)]
    doubled = InviteeFactory(round=round_).user
    answer_every_question(round_, doubled, Choice.NO)

    def expected_choice(index: int, number: int) -> str:
        return Choice.YES if (index + number) % 2 else Choice.NO

    def answer_and_submit(index: int, user):
        def job():
            for q in questions:
                services.record_answer(round_=round_, user=user, question=q, choice=expected_choice(index, q.number))
            return services.submit_response(round_=round_, user=user).is_submitted

        return job

    def submit(user):
        return lambda: services.submit_response(round_=round_, user=user).is_submitted

    jobs = {f"respondent {index}": answer_and_submit(index, user) for index, user in enumerate(respondents)}
    jobs |= {"doubled submit A": submit(doubled), "doubled submit B": submit(doubled)}

    # when
    outcomes = run_together(jobs)

    # then every respondent submitted all their answers
    assert [outcomes[f"respondent {index}"] for index in range(4)] == [True] * 4
    for index, user in enumerate(respondents):
        assert answers_of(round_, user) == [(q.number, expected_choice(index, q.number), "") for q in questions]
    # and exactly one of the two simultaneous submits won
    doubled_outcomes = [outcomes["doubled submit A"], outcomes["doubled submit B"]]
    assert doubled_outcomes.count(True) == 1
    assert ["You have already submitted your answers to this round; they can no longer change."] in doubled_outcomes
    assert answers_of(round_, doubled) == [(q.number, Choice.NO, "") for q in questions]
    assert Response.objects.filter(round=round_, submitted_at__isnull=False).count() == 5
    assert Answer.objects.filter(response__round=round_).count() == 5 * 11


def test_record_answer_refuses_an_over_long_comment_naming_the_question(organization):
    """The service, which the API uses too, refuses a comment over 2,000 characters instead of cutting it."""
    # given
    round_ = RoundFactory(organization=organization)
    user = UserFactory()
    InviteeFactory(round=round_, user=user)
    question = round_.questionnaire.questions.get(number=5)

    # when
    with pytest.raises(ValidationError) as refusal:
        services.record_answer(round_=round_, user=user, question=question, choice="yes", comment="y" * 2500)

    # then
    assert "The comment on question 5 has 2,500 characters; the limit is 2,000." in refusal.value.messages[0]
    assert not Answer.objects.filter(response__round=round_).exists()
