"""The reliability log and the moments of truth of competency 4 (seed 004's two competencies).

Reliability: the issues that make the experience irregular, each at a touchpoint of the journey map, owned by an
operational area, with how often it happens month by month, the customers it touches, its root cause and its
status. An issue that comes back after it was resolved is reopened, not filed again, so its whole history and how
often it recurred stay visible. Innovation: the touchpoints chosen as moments of truth, each with the experience
intended there; the improvement work is the milestones that point at the touchpoint. Imported by roadmap.models,
so that the models belong to the roadmap app."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Investigating")
    FIXING = "fixing", _("Fixing")
    RESOLVED = "resolved", _("Resolved")


class ReliabilityIssue(models.Model):
    """Something that makes the experience irregular at a touchpoint, owned by one operational area."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    # Nullable: removing a touchpoint or an area from the map keeps the issue and its history in the log.
    touchpoint = models.ForeignKey(
        "roadmap.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="reliability_issues"
    )
    area = models.ForeignKey(
        "roadmap.OperationalArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="reliability_issues"
    )
    customers_touched = models.PositiveIntegerField(default=0, help_text=_("How many customers it touches."))
    customer_share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of all customers it touches, in percent."),
    )
    root_cause = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    recurrences = models.PositiveIntegerField(default=0, help_text=_("How many times it came back after resolved."))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer_share__isnull=True)
                | models.Q(customer_share__gte=0, customer_share__lte=100),
                name="reliability_issue_share_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_resolved(self) -> bool:
        return self.status == IssueStatus.RESOLVED


class IssueEventKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    STATUS = "status", _("Status changed")
    RECURRED = "recurred", _("Recurred")
    OCCURRENCES = "occurrences", _("Occurrences recorded")
    EDITED = "edited", _("Details changed")


class IssueEvent(models.Model):
    """One entry of an issue's history: what happened, the status before and after, who, when and why."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    issue = models.ForeignKey(ReliabilityIssue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=IssueEventKind.choices)
    from_status = models.CharField(max_length=16, choices=IssueStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=IssueStatus.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.issue}: {self.kind}"


class IssueOccurrences(models.Model):
    """How many times the issue happened in one calendar month: its frequency, recorded over time."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    issue = models.ForeignKey(ReliabilityIssue, on_delete=models.CASCADE, related_name="occurrences")
    month = models.DateField(help_text=_("The first day of the month counted."))
    count = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month"]
        verbose_name_plural = "issue occurrences"
        constraints = [
            models.UniqueConstraint(fields=["issue", "month"], name="one_occurrence_count_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} {self.month:%Y-%m}: {self.count}"


class MomentOfTruth(models.Model):
    """A touchpoint chosen for a differentiated experience, with the experience intended there."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey("roadmap.Touchpoint", on_delete=models.CASCADE, related_name="moments_of_truth")
    intended_experience = models.TextField(max_length=2000)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["touchpoint__stage__position", "touchpoint__position", "pk"]
        verbose_name_plural = "moments of truth"
        constraints = [
            models.UniqueConstraint(fields=["touchpoint"], name="one_moment_of_truth_per_touchpoint"),
        ]

    def __str__(self) -> str:
        return str(self.touchpoint)
