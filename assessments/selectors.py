"""Reads of the assessments: rounds for a person, and the aggregated results of a round."""

from dataclasses import dataclass, field

from django.db.models import Avg, Case, CharField, Count, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf

from cco_portal.organizations import gathered_evidence as evidence
from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role, roles_allow

from .models import Answer, Choice, Invitee, Kind, Question, Response, Round
from .percentages import change_in_points

# Partly counts half: the CEO commitment score is the share of a full Yes.
CHOICE_SCORE = Case(
    When(choice=Choice.YES, then=Value(1.0)),
    When(choice=Choice.PARTLY, then=Value(0.5)),
    default=Value(0.0),
    output_field=FloatField(),
)


class Alignment:
    UNANIMOUS_YES = "unanimous yes"
    UNANIMOUS_NO = "unanimous no"
    SPLIT = "split"
    # One person cannot agree with anyone: unanimity needs at least two answers.
    ONLY_ONE_ANSWER = "only one answer"
    NO_ANSWERS = "no answers"


def rounds_for(organization: Organization, kind: str):
    return Round.objects.for_organization(organization).of_kind(kind).select_related("questionnaire")


def previous_round(round_: Round) -> Round | None:
    """The round of the same kind in the same organization that closed before this one."""
    return (
        Round.objects.for_organization(round_.organization)
        .of_kind(round_.kind)
        .filter(Q(closes_on__lt=round_.closes_on) | Q(closes_on=round_.closes_on, created_at__lt=round_.created_at))
        .order_by("-closes_on", "-created_at")
        .first()
    )


def _submitted_answers(round_: Round):
    return Answer.objects.filter(response__round=round_, response__submitted_at__isnull=False)


@dataclass
class Comment:
    text: str
    author: str | None  # None in anonymous rounds


@dataclass
class ReadinessQuestionResult:
    question: Question
    yes: int
    no: int
    comments: list[Comment] = field(default_factory=list)
    previous_yes_share: float | None = None

    @property
    def answers(self) -> int:
        return self.yes + self.no

    @property
    def yes_share(self) -> float | None:
        return self.yes / self.answers if self.answers else None

    @property
    def alignment(self) -> str:
        if not self.answers:
            return Alignment.NO_ANSWERS
        if self.answers == 1:
            return Alignment.ONLY_ONE_ANSWER
        if self.no == 0:
            return Alignment.UNANIMOUS_YES
        if self.yes == 0:
            return Alignment.UNANIMOUS_NO
        return Alignment.SPLIT

    @property
    def yes_share_change(self) -> int | None:
        """In percentage points, from the whole percentages shown."""
        return change_in_points(self.yes_share, self.previous_yes_share)


@dataclass
class ReadinessResults:
    round: Round
    respondents: int
    invited: int
    questions: list[ReadinessQuestionResult]
    not_answered: list[str] | None  # names of invitees without a submitted response; None when anonymous
    previous: "ReadinessResults | None" = None

    @property
    def yes_answers(self) -> int:
        return sum(q.yes for q in self.questions)

    @property
    def all_answers(self) -> int:
        return sum(q.answers for q in self.questions)

    @property
    def readiness(self) -> float | None:
        """YES answers over all answers, as PRODUCT.md defines it."""
        return self.yes_answers / self.all_answers if self.all_answers else None

    @property
    def readiness_change(self) -> int | None:
        """In percentage points, from the whole percentages shown."""
        return change_in_points(self.readiness, self.previous.readiness if self.previous else None)

    @property
    def next_steps(self) -> list[ReadinessQuestionResult]:
        """The questions that are not unanimous YES, whose tips are the recommended next steps."""
        return [q for q in self.questions if q.alignment != Alignment.UNANIMOUS_YES]

    def count(self, alignment: str) -> int:
        return sum(1 for q in self.questions if q.alignment == alignment)


def readiness_results(round_: Round, *, with_previous: bool = True) -> ReadinessResults:
    """Readiness, YES count and alignment per question, comments, who has not answered, and the change."""
    counts = {
        row["question_id"]: row
        for row in _submitted_answers(round_)
        .values("question_id")
        .annotate(yes=Count("id", filter=Q(choice=Choice.YES)), no=Count("id", filter=Q(choice=Choice.NO)))
    }
    questions = {
        q.pk: ReadinessQuestionResult(q, counts.get(q.pk, {}).get("yes", 0), counts.get(q.pk, {}).get("no", 0))
        for q in round_.questionnaire.questions.all()
    }
    for question_id, text, author in _comments(round_):
        questions[question_id].comments.append(Comment(text, author))

    previous = None
    if with_previous and (earlier := previous_round(round_)) is not None:
        previous = readiness_results(earlier, with_previous=False)
        by_number = {q.question.number: q for q in previous.questions}
        for result in questions.values():
            if (before := by_number.get(result.question.number)) is not None:
                result.previous_yes_share = before.yes_share

    return ReadinessResults(
        round=round_,
        respondents=Response.objects.filter(round=round_, submitted_at__isnull=False).count(),
        invited=round_.invitees.count(),
        questions=list(questions.values()),
        not_answered=None if round_.is_anonymous else not_answered(round_),
        previous=previous,
    )


def _comments(round_: Round):
    """(question id, comment, author or None) of submitted answers; anonymous rounds never name anyone."""
    rows = (
        _submitted_answers(round_)
        .exclude(comment="")
        .annotate(
            # As User.display_name: the full name, or the email when none was given (stored as "", not NULL).
            author_name=Coalesce(
                NullIf("response__respondent__full_name", Value("")),
                "response__respondent__email",
                output_field=CharField(),
            ),
        )
        .order_by("question__number", "updated_at")
        .values_list("question_id", "comment", "author_name")
    )
    return [(qid, text, None if round_.is_anonymous else author) for qid, text, author in rows]


def not_answered(round_: Round) -> list[str]:
    """Invitees without a submitted response, by name or email."""
    submitted = Response.objects.filter(round=round_, submitted_at__isnull=False)
    invitees = (
        Invitee.objects.filter(round=round_)
        .exclude(Q(user__in=submitted.values("respondent")) | Q(email__in=submitted.values("respondent__email")))
        .select_related("user")
        .order_by("email")
    )
    return [invitee.user.display_name if invitee.user else invitee.email for invitee in invitees]


@dataclass
class ViewScores:
    """The CEO's self-view beside the leaders' view, each the share of a full Yes (0 to 1)."""

    self_view: float | None
    leaders_view: float | None
    answers: int = 0  # the CEO's and the leaders' together

    @property
    def gap(self) -> int | None:
        """The self-view minus the leaders' view, in points of the whole percentages shown."""
        return change_in_points(self.self_view, self.leaders_view)

    @property
    def exact_gap(self) -> float | None:
        """The unrounded gap, which orders actions whose gaps round alike."""
        if self.self_view is None or self.leaders_view is None:
            return None
        return self.self_view - self.leaders_view


@dataclass
class CommitmentActionResult:
    number: int
    title: str
    description: str
    scores: ViewScores
    questions: list[tuple[Question, ViewScores]]
    # This action in every review up to this one, oldest first.
    trend: list[tuple[Round, ViewScores]] = field(default_factory=list)


@dataclass
class CommitmentResults:
    round: Round
    overall: ViewScores
    actions: list[CommitmentActionResult]
    leaders_responded: int
    ceo_responded: bool
    invited: int
    not_answered: list[str]
    trend: list[tuple[Round, ViewScores]]

    @property
    def actions_by_gap(self) -> list[CommitmentActionResult]:
        """Largest gap between the CEO's view and the leaders' first; actions without both views last."""
        return sorted(self.actions, key=lambda a: -abs(a.scores.exact_gap) if a.scores.exact_gap is not None else 1)


IS_CEO = Q(response__respondent_id=F("response__round__ceo_id"))


def _view_scores(answers, group: str) -> dict:
    """Average score per `group` value, for the CEO's answers and for everyone else's, in one query."""
    return {key[0]: scores for key, scores in _view_scores_by(answers, group).items()}


def _view_scores_by(answers, *groups: str) -> dict:
    """Average score per combination of the `groups` values (keyed by their tuple), for the CEO's answers and for
    everyone else's, in one query."""
    rows = answers.values(*groups).annotate(
        self_view=Avg(CHOICE_SCORE, filter=IS_CEO), leaders_view=Avg(CHOICE_SCORE, filter=~IS_CEO), answers=Count("id")
    )
    return {
        tuple(row[group] for group in groups): ViewScores(row["self_view"], row["leaders_view"], row["answers"])
        for row in rows
    }


def commitment_results(round_: Round) -> CommitmentResults:
    """Per action and overall: the CEO's self-view beside the leaders' view, the gaps, and the trend."""
    answers = _submitted_answers(round_)
    by_section = _view_scores(answers, "question__section_id")
    by_question = _view_scores(answers, "question_id")
    empty = ViewScores(None, None)
    sections = round_.questionnaire.sections.prefetch_related("questions")
    actions = [
        CommitmentActionResult(
            number=section.number,
            title=section.title,
            description=section.description,
            scores=by_section.get(section.pk, empty),
            questions=[(q, by_question.get(q.pk, empty)) for q in section.questions.all()],
        )
        for section in sections
    ]
    submitted = Response.objects.filter(round=round_, submitted_at__isnull=False)
    reviews = list(
        rounds_for(round_.organization, Kind.COMMITMENT).filter(
            Q(closes_on__lt=round_.closes_on) | Q(closes_on=round_.closes_on, created_at__lte=round_.created_at)
        )
    )
    submitted_in_reviews = Answer.objects.filter(response__round__in=reviews, response__submitted_at__isnull=False)
    overall_by_review = _view_scores(submitted_in_reviews, "response__round_id")
    by_review_and_action = _view_scores_by(submitted_in_reviews, "response__round_id", "question__section__number")
    for action in actions:
        action.trend = [
            (review, by_review_and_action.get((review.pk, action.number), empty)) for review in reversed(reviews)
        ]
    return CommitmentResults(
        round=round_,
        overall=overall_by_review.get(round_.pk, empty),
        actions=actions,
        leaders_responded=submitted.exclude(respondent_id=round_.ceo_id).count(),
        ceo_responded=submitted.filter(respondent_id=round_.ceo_id).exists(),
        invited=round_.invitees.count(),
        not_answered=not_answered(round_),
        trend=[(review, overall_by_review.get(review.pk, empty)) for review in reversed(reviews)],
    )


def my_rounds(organization: Organization, user):
    """Rounds `user` is invited to, newest first, each with the user's response when there is one."""
    rounds = (
        Round.objects.for_organization(organization)
        .filter(Q(invitees__user=user) | Q(invitees__email__iexact=user.email))
        .distinct()
        .select_related("questionnaire")
    )
    responses = {r.round_id: r for r in Response.objects.filter(round__in=rounds, respondent=user)}
    return [(round_, responses.get(round_.pk)) for round_ in rounds]


def progress(response: Response | None, round_: Round) -> tuple[int, int]:
    """(answered, total) questions of a response."""
    total = round_.questionnaire.questions.count()
    return (response.answers.count() if response else 0), total


def rounds_with_progress(organization: Organization, kind: str):
    """Rounds of `kind`, newest first, each with `invited_count` and `submitted_count`, in one query."""
    return (
        rounds_for(organization, kind)
        .annotate(
            invited_count=Count("invitees", distinct=True),
            submitted_count=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
        )
        # Meta.ordering is not applied to aggregating queries, so it is spelled out.
        .order_by("-closes_on", "-created_at")
    )


def response_of(round_: Round, user) -> Response | None:
    """The user's response to the round, submitted or not; None before their first visit."""
    return Response.objects.filter(round=round_, respondent=user).first()


def has_submitted(round_: Round, user) -> bool:
    return Response.objects.filter(round=round_, respondent=user, submitted_at__isnull=False).exists()


RESULT_READERS = frozenset({Role.CCO, Role.LEADERSHIP})


def can_read_every_result(roles) -> bool:
    """The CCO, admins and leadership read the results of every round, answered or not."""
    return roles_allow(roles, RESULT_READERS)


def can_read_results(round_: Round, user, roles) -> bool:
    """The CCO, admins and leadership always; anyone else once they have submitted their own answers."""
    return can_read_every_result(roles) or has_submitted(round_, user)


def questions_of(round_: Round, *, as_ceo: bool = False) -> list[Question]:
    """The questions of the round's questionnaire version in order, with their section (CEO action).

    Each has `wording` and `action_description`: the CEO reads their own review in the second person
    (`self_text`, `self_description`), everyone else reads the questions about the CEO.
    """
    wording: Coalesce | F
    description: Coalesce | F
    if as_ceo:
        wording = Coalesce(NullIf("self_text", Value("")), "text", output_field=TextField())
        description = Coalesce(
            NullIf("section__self_description", Value("")), "section__description", output_field=TextField()
        )
    else:
        wording, description = F("text"), F("section__description")
    return list(
        round_.questionnaire.questions.select_related("section")
        .annotate(wording=wording, action_description=description)
        .order_by("number")
    )


def answers_by_question(response: Response | None) -> dict[int, Answer]:
    """The answers of a response keyed by question id; empty before the first answer."""
    if response is None:
        return {}
    return {answer.question_id: answer for answer in response.answers.all()}


def comments_by_question(round_: Round) -> dict[int, list[Comment]]:
    """Comments of submitted answers per question id; without authors in anonymous rounds."""
    comments: dict[int, list[Comment]] = {}
    for question_id, text, author in _comments(round_):
        comments.setdefault(question_id, []).append(Comment(text, author))
    return comments


# The questions answered better beside the record, by questionnaire and number: seed 000's "Are forums for
# accountability regularly scheduled and enforced?" (CEO commitment, action 5).
EVIDENCE_TOPICS = {(Kind.COMMITMENT, 10): evidence.ACCOUNTABILITY_FORUMS}


def evidence_by_question(round_: Round) -> dict[int, list[evidence.Evidence]]:
    """What the portal's record shows beside each of the round's questions that asks for it, by question id."""
    topics = {number: topic for (kind, number), topic in EVIDENCE_TOPICS.items() if kind == round_.kind}
    questions = Question.objects.filter(questionnaire_id=round_.questionnaire_id, number__in=topics)
    return {question.pk: evidence.evidence_for(round_.organization, topics[question.number]) for question in questions}
