"""The five Customer Leadership Competencies, each organization's maturity in them, and its milestones."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class Competency(models.Model):
    """One of the five competencies of seed 003: shared content, loaded by a migration."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=120)
    short_title = models.CharField(max_length=40)
    description = models.TextField()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Stage(models.IntegerChoices):
    NOT_STARTED = 1, "1 · Not started"
    EMERGING = 2, "2 · Emerging"
    ESTABLISHED = 3, "3 · Established"
    EMBEDDED = 4, "4 · Embedded"
    LEADING = 5, "5 · Leading"


class MaturityAssessment(models.Model):
    """The CCO's dated judgement of an organization's maturity in one competency; the latest one stands."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="maturity_assessments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="maturity_assessments")
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    note = models.TextField(help_text=_("Why this stage: what is in place and what is missing."))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        indexes = [models.Index(fields=["organization", "competency", "-assessed_at"])]

    def __str__(self) -> str:
        return f"{self.competency.short_title}: {self.get_stage_display()}"


class OperationalArea(models.Model):
    """A part of the organization that milestones involve: sales, marketing, operations, …"""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="operational_areas")
    name = models.CharField(max_length=80)
    # The one leader who answers for the area's touchpoints on the journey map (competency 2).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_areas"
    )

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="operational_area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class MilestoneQuerySet(OrganizationScopedQuerySet):
    def overdue(self, today=None):
        """Due date passed and not done, as PRODUCT.md defines it."""
        return self.filter(due_date__lt=today or timezone.localdate()).exclude(status=Status.DONE)

    def open(self):
        return self.exclude(status=Status.DONE)


class Milestone(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="milestones")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_milestones"
    )
    areas = models.ManyToManyField(OperationalArea, blank=True, related_name="milestones")
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    blocked_reason = models.TextField(blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        help_text=_("Milestones that must be done first."),
    )
    override_reason = models.TextField(
        blank=True, help_text=_("Why it was marked done while a milestone it depends on was not.")
    )
    notes = models.TextField(blank=True, help_text=_("Progress notes from the owner."))
    # Where on the journey map the milestone acts (competency 2): a stage, or one of its touchpoints.
    journey_stage = models.ForeignKey(
        "roadmap.JourneyStage", on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    touchpoint = models.ForeignKey(
        "roadmap.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[areas, dependencies], excluded_fields=["overdue_notified_at", "updated_at"])
    # Who simple-history records as the author of the next save or delete; the services set it, since a service
    # has no request to read the user from. Declared only (no value), so an instance without it still falls back
    # to the request's user as simple-history does.
    _history_user: AbstractBaseUser | None

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["competency__number", "due_date", "pk"]
        indexes = [models.Index(fields=["organization", "due_date"]), models.Index(fields=["organization", "owner"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100), name="milestone_percent_range"
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(due_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="milestone_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roadmap:milestone", kwargs={"org_slug": self.organization.slug, "milestone_id": self.pk})

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE

    @property
    def is_overdue(self) -> bool:
        return self.due_date is not None and self.due_date < timezone.localdate() and not self.is_done


# The journey map's, listening path's and horizon's models live beside their code; imported here so that they
# belong to this app.
from .horizon.models import YearlyGoal  # noqa: E402, F401
from .journey.models import JourneyStage, JourneyVersion, Priority, PriorityStance, Touchpoint  # noqa: E402, F401
from .listening.models import ListeningSource, SourceReport, StageFeed  # noqa: E402, F401
from .reliability.models import IssueEvent, IssueOccurrences, MomentOfTruth, ReliabilityIssue  # noqa: E402, F401
