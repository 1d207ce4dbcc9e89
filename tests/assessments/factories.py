"""Factories of the assessments, on the questionnaires that migration 0002 loads from the seeds."""

from datetime import timedelta

import factory
from django.utils import timezone

from assessments.models import Answer, Choice, Invitee, Kind, Questionnaire, Response, Round
from tests.factories import OrganizationFactory, UserFactory

LETTERS = {"Y": Choice.YES, "P": Choice.PARTLY, "N": Choice.NO}


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round of the current questionnaire of `kind`, from today for two weeks."""

    class Meta:
        model = Round

    class Params:
        kind = Kind.READINESS

    organization = factory.SubFactory(OrganizationFactory)
    questionnaire = factory.LazyAttribute(lambda o: Questionnaire.objects.current(o.kind))
    title = factory.Sequence(lambda n: f"Round {n}")
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda o: o.opens_on + timedelta(days=14))


class InviteeFactory(factory.django.DjangoModelFactory):
    """A member invited to a round; pass `user=None, email=…` for an address invited to join."""

    class Meta:
        model = Invitee

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttributeSequence(lambda o, n: o.user.email if o.user else f"guest{n}@example.com")


class ResponseFactory(factory.django.DjangoModelFactory):
    """A draft response; `submitted=True` makes it final."""

    class Meta:
        model = Response

    class Params:
        submitted = factory.Trait(submitted_at=factory.LazyFunction(timezone.now))

    round = factory.SubFactory(RoundFactory)
    respondent = factory.SubFactory(UserFactory)
    submitted_at = None


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer to the first question of the response's round unless `question` is given."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.LazyAttribute(lambda o: o.response.round.questionnaire.questions.order_by("number").first())
    choice = Choice.YES
    comment = ""


def answer_all(response: Response, letters: str, comments: dict[int, str] | None = None) -> list[Answer]:
    """Answer the questions of the response's round in order: one letter (Y, P, N) per question number.

    `comments` maps question numbers to comments.
    """
    questions = list(response.round.questionnaire.questions.order_by("number"))
    assert len(letters) == len(questions), f"{len(letters)} letters for {len(questions)} questions"
    comments = comments or {}
    return [
        AnswerFactory(
            response=response, question=question, choice=LETTERS[letter], comment=comments.get(question.number, "")
        )
        for question, letter in zip(questions, letters, strict=True)
    ]


def respond(round_: Round, respondent, letters: str, *, submitted: bool = True, comments=None) -> Response:
    """An invited member's response to `round_`, answered with `letters` (see answer_all)."""
    if not round_.invitees.filter(user=respondent).exists():
        InviteeFactory(round=round_, user=respondent)
    response = ResponseFactory(round=round_, respondent=respondent, submitted=submitted)
    answer_all(response, letters, comments)
    return response
