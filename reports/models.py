"""The monthly customer-room report (competency 5): a snapshot of an organization's month, its schedule,
and the actions leadership agreed in the customer room.

A Report is computed once per organization, month and data version (Dataset.computed_version of the
metrics app) and never recomputed on view; its figures are the JSON documented in reports/figures.py.
Months are whole numbers (metrics.months): year * 12 + month - 1.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet
from metrics.months import month_label


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReportQuerySet(OrganizationScopedQuerySet):
    def done(self):
        return self.filter(status=ReportStatus.DONE)

    def unfinished(self):
        return self.filter(status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING])


def email_pdf_path(instance: "Report", filename: str) -> str:
    return f"reports/{instance.organization_id}/{instance.pk}/{filename}"


class Report(models.Model):
    """The customer-room report of one organization and month, computed from one data version."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="reports")
    month = models.IntegerField(help_text=_("year * 12 + month - 1, as in metrics.months."))
    data_version = models.PositiveIntegerField(help_text=_("The customer data version the figures come from."))
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("How many times a worker started it."))
    # The Celery task computing it: a retry or a redelivery of that task carries on, another task waits its turn.
    task_id = models.CharField(max_length=255, blank=True, editable=False)
    figures = models.JSONField(null=True, blank=True, help_text=_("The snapshot; see reports/figures.py."))
    data_computed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the customer movements it was made from were computed.")
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_pdf = models.FileField(
        upload_to=email_pdf_path,
        blank=True,
        editable=False,
        help_text=_("The PDF the report-ready email carried: made once, read by each recipient's email."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-data_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month", "data_version"], name="report_unique_per_month_and_version"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.month_label} v{self.data_version} ({self.get_status_display()})"

    @property
    def month_label(self) -> str:
        """YYYY-MM, as URLs and the API name a month."""
        return month_label(self.month)

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)


class ReportSchedule(models.Model):
    """When an organization's monthly report is computed: on `day_of_month` at `hour` (portal time zone),
    the report of the month before. Mirrored into a django-celery-beat PeriodicTask by reports.schedule."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="report_schedule")
    day_of_month = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1 to 28, so that every month has the day."),
    )
    hour = models.PositiveSmallIntegerField(
        default=6, validators=[MaxValueValidator(23)], help_text=_("Hour of the day, 0 to 23.")
    )
    enabled = models.BooleanField(
        default=True, help_text=_("Off: reports are computed only on demand and after imports.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=28), name="report_schedule_day_range"
            ),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="report_schedule_hour_range"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: day {self.day_of_month} at {self.hour:02d}:00"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class CustomerRoomActionQuerySet(OrganizationScopedQuerySet):
    def open(self):
        return self.filter(status=ActionStatus.OPEN)


class CustomerRoomAction(models.Model):
    """One of the few actions leadership agreed in a month's customer-room meeting. Live, not part of
    the report's snapshot, so that its status shows in later reports."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="customer_room_actions")
    month = models.IntegerField(help_text=_("The month of the meeting it was agreed in (metrics.months)."))
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    milestone = models.OneToOneField(
        "roadmap.Milestone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_room_action",
        help_text=_("The roadmap milestone this action became, if any."),
    )
    # Where on the journey map the action acts (competency 2): a stage, or one of its touchpoints.
    journey_stage = models.ForeignKey(
        "roadmap.JourneyStage", on_delete=models.SET_NULL, null=True, blank=True, related_name="customer_room_actions"
    )
    touchpoint = models.ForeignKey(
        "roadmap.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="customer_room_actions"
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was marked done or dropped."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerRoomActionQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "due_date", "pk"]
        indexes = [models.Index(fields=["organization", "month"])]

    def __str__(self) -> str:
        return self.title

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def follows_milestone(self) -> bool:
        """An open action that became a roadmap milestone takes the milestone's progress as its own."""
        return self.milestone_id is not None and self.status == ActionStatus.OPEN

    @property
    def current_status(self) -> str:
        """The status to show everywhere: the action's own, or, while it follows its milestone, done when the
        milestone is done."""
        if self.follows_milestone:
            return ActionStatus.DONE if self.milestone.status == "done" else ActionStatus.OPEN
        return self.status

    def get_current_status_display(self) -> str:
        return ActionStatus(self.current_status).label

    @property
    def is_overdue(self) -> bool:
        if self.follows_milestone:
            return self.milestone.is_overdue
        return self.status == ActionStatus.OPEN and self.due_date is not None and self.due_date < timezone.localdate()


# The meeting's models live beside its code; imported here so that they belong to this app.
from .meetings.models import (  # noqa: E402, F401
    Attendance,
    Candidate,
    CustomerStory,
    Meeting,
    MeetingSeries,
    MinutesCorrection,
    Ranking,
)
