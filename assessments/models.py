"""Questionnaires (versioned content from the seeds), rounds that an organization runs, and answers.

The readiness survey (seed 001) and the CEO commitment checklist (seeds 000 and 002) share one
shape: a questionnaire of numbered questions, optionally grouped in sections (the CEO actions), run
in rounds to which members are invited. Only the choices and the reading of the results differ.
Wording lives in a questionnaire *version*: a change is a new version, so past rounds keep the
questions their answers were given to.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class Kind(models.TextChoices):
    READINESS = "readiness", "Readiness assessment"
    COMMITMENT = "commitment", "CEO commitment review"


class Choice(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


CHOICES_BY_KIND = {
    Kind.READINESS: [Choice.YES, Choice.NO],
    Kind.COMMITMENT: [Choice.YES, Choice.PARTLY, Choice.NO],
}


# The longest comment an answer keeps. A longer one is refused with a reason, never cut.
COMMENT_MAX_LENGTH = 2000


def comment_too_long_message(question_number: int, length: int) -> str:
    """Why an over-long comment is refused: it names the question, the length and the limit."""
    return (
        f"The comment on question {question_number} has {length:,} characters; the limit is "
        f"{COMMENT_MAX_LENGTH:,}. Shorten it and save again: nothing was saved or cut."
    )


class QuestionnaireQuerySet(models.QuerySet):
    def current(self, kind: str) -> "Questionnaire":
        """The latest version of a kind: the one new rounds use."""
        return self.filter(kind=kind).latest("version")


class Questionnaire(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text=_("Where the wording comes from."))
    afterword = models.TextField(
        blank=True,
        help_text=_("The source's closing advice, shown with the results to those who decide what comes next."),
    )
    published_at = models.DateTimeField(default=timezone.now)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="questionnaire_unique_version")]
        ordering = ["kind", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def choices(self) -> list[Choice]:
        return CHOICES_BY_KIND[Kind(self.kind)]


class Section(models.Model):
    """A group of questions: one of the eight CEO actions."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text=_("Why the action matters, shown beside its questions."))
    self_description = models.TextField(
        blank=True, help_text=_("The description as the CEO reads it in their own review, in the second person.")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="section_unique_number")]
        ordering = ["questionnaire", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, blank=True, related_name="questions")
    number = models.PositiveSmallIntegerField(help_text=_("Order within the questionnaire, from 1."))
    label = models.CharField(max_length=80, help_text=_("A short name for charts and tables."))
    text = models.TextField()
    self_text = models.TextField(
        blank=True,
        help_text=_(
            "CEO commitment reviews: the question as the CEO reads it in their own review, in the second person."
        ),
    )
    tip = models.TextField(blank=True, help_text=_("The implementation tip shown on demand and as a next step."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="question_unique_number")]
        ordering = ["questionnaire", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


# Invitees who have not answered are reminded this many days before a round closes (0: on its last day).
DEFAULT_REMINDER_DAYS = [3, 0]
MAX_REMINDER_DAYS_BEFORE = 60


def default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class RoundQuerySet(OrganizationScopedQuerySet):
    def of_kind(self, kind: str):
        return self.filter(questionnaire__kind=kind)


class Round(models.Model):
    """One run of a questionnaire in an organization: who is invited, when it opens and closes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="assessment_rounds")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text=_("The last day answers are accepted."))
    is_anonymous = models.BooleanField(
        default=False, help_text=_("Results never show who answered what; only who has not answered is hidden too.")
    )
    ceo = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("CEO commitment reviews: whose answers are the CEO's self-view."),
    )
    reminder_days = models.JSONField(
        default=default_reminder_days,
        help_text=_("Days before closing on which those who have not answered are reminded; 0 is the last day."),
    )
    closed_early_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when the CCO closed the round before its closing date.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:round", kwargs={"org_slug": self.organization.slug, "round_id": self.pk})

    @property
    def kind(self) -> str:
        return self.questionnaire.kind

    @property
    def is_open(self) -> bool:
        return self.opens_on <= timezone.localdate() <= self.closes_on and self.closed_early_at is None

    @property
    def has_closed(self) -> bool:
        return timezone.localdate() > self.closes_on or self.closed_early_at is not None

    @property
    def has_opened(self) -> bool:
        return timezone.localdate() >= self.opens_on


class Invitee(models.Model):
    """A person asked to answer a round: a member already, or an email address invited to join."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitees")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "email"], name="invitee_unique_email")]
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Reminder(models.Model):
    """A reminder to an invitee who had not answered: one of the round's scheduled ones (`days_before`
    closing), or a nudge the CCO sent by hand (`days_before` is null). A scheduled reminder exists once per
    invitee and day, which is what keeps two beats from sending it twice."""

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitee", "days_before"],
                condition=models.Q(days_before__isnull=False),
                name="reminder_once_per_scheduled_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} ({self.created_at:%Y-%m-%d})"

    @property
    def is_nudge(self) -> bool:
        return self.days_before is None


class Response(models.Model):
    """One invitee's answers to one round; saved as they are given, final once submitted."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "respondent"], name="response_once_per_round")]

    def __str__(self) -> str:
        return f"{self.respondent} · {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.question}: {self.get_choice_display()}"
