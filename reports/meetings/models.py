"""The customer-room meeting (competency 5): the monthly meeting of leaders that discusses the month before's
report, driven by the CCO. Seed 000 asks that "forums for accountability [be] regularly scheduled and enforced".

A MeetingSeries says when an organization meets each month and whom it invites; a Meeting is one dated
occurrence, tied to the report month it discusses, and goes out as a calendar invitation whose UID never
changes (updates raise its sequence). Imported by reports.models, so that the models belong to the reports app."""

import calendar
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet
from metrics.months import month_label

# The week of the month that means "the last one", whether the month has four or five of that weekday.
LAST_WEEK = 5
MIN_DURATION, MAX_DURATION = 15, 8 * 60


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = LAST_WEEK, _("last")


def meeting_month_of(report_month: int) -> int:
    """The month a report is discussed in: the month after it."""
    return report_month + 1


class MeetingSeries(models.Model):
    """When an organization's customer room meets each month: on a day of the month, or on the nth weekday
    ("the second Tuesday"), at a time in a time zone, for a duration, with the leaders it invites."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="meeting_series")
    day_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    week_of_month = models.PositiveSmallIntegerField(null=True, blank=True, choices=WeekOfMonth.choices)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, choices=Weekday.choices)
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_DURATION), MaxValueValidator(MAX_DURATION)]
    )
    invited = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(day_of_month__isnull=False, week_of_month__isnull=True, weekday__isnull=True)
                    | models.Q(day_of_month__isnull=True, week_of_month__isnull=False, weekday__isnull=False)
                ),
                name="meeting_series_one_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.rule_text}"

    @property
    def rule_text(self) -> str:
        if self.day_of_month is not None:
            return _("day %(day)s of every month") % {"day": self.day_of_month}
        return _("the %(week)s %(weekday)s of every month") % {
            "week": WeekOfMonth(self.week_of_month).label,
            "weekday": Weekday(self.weekday).label,
        }

    def day_in(self, month: int) -> date:
        """The day of the meeting in `month` (metrics.months)."""
        year, month_of_year = divmod(month, 12)
        month_of_year += 1
        if self.day_of_month is not None:
            return date(year, month_of_year, self.day_of_month)
        weeks = calendar.Calendar().monthdatescalendar(year, month_of_year)
        days = [day for week in weeks for day in week if day.month == month_of_year and day.weekday() == self.weekday]
        return days[-1] if self.week_of_month == LAST_WEEK else days[self.week_of_month - 1]

    def starts_in(self, month: int) -> datetime:
        """When the meeting of `month` starts: its day at the series' time, in the series' time zone."""
        return datetime.combine(self.day_in(month), self.start_time, tzinfo=ZoneInfo(self.time_zone))


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@cco-portal"


class MeetingQuerySet(OrganizationScopedQuerySet):
    def scheduled(self):
        return self.filter(status=MeetingStatus.SCHEDULED)


class Meeting(models.Model):
    """One month's customer-room meeting, which discusses the report of `report_month` (the month before)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="meetings")
    report_month = models.IntegerField(help_text=_("The month whose report it discusses (metrics.months)."))
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_DURATION), MaxValueValidator(MAX_DURATION)]
    )
    time_zone = models.CharField(max_length=64, help_text=_("The time zone its invitation shows."))
    invited = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    # The calendar invitation's identity: kept for every update and the cancellation, so that calendar programs
    # change the event they hold instead of adding another; each change raises the sequence.
    calendar_uid = models.CharField(max_length=255, unique=True, default=new_calendar_uid, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set when the CCO opens the meeting before its time; its start time passing opens it too.
    started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Closed by the CCO once the room has met: its minutes go out, and the meeting takes no more edits; a
    # correction is a new, dated entry (MinutesCorrection).
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "report_month"], name="one_meeting_per_report_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} customer room of {self.report_month_label}"

    @property
    def report_month_label(self) -> str:
        return month_label(self.report_month)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def local_starts_at(self) -> datetime:
        """The start in the meeting's own time zone, as its invitation shows it."""
        return self.starts_at.astimezone(ZoneInfo(self.time_zone))

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def has_started(self) -> bool:
        """Started by the CCO, or its start time has passed: the combined ranking is then shown to all."""
        return self.started_at is not None or self.starts_at <= timezone.now()

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    NOT_CHOSEN = "not_chosen", _("Not chosen")


class Candidate(models.Model):
    """A candidate action one leader proposed for a meeting; theirs alone to change or withdraw."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="candidates")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.PROPOSED)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text=_("The candidate of an earlier meeting, not chosen there, that this one proposes again."),
    )
    action = models.OneToOneField(
        "reports.CustomerRoomAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidate",
        help_text=_("The customer-room action it became when the room agreed it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Ranking(models.Model):
    """One place in one leader's ranking of a meeting's candidates (1 is their first choice)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rankings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="rankings")
    position = models.PositiveSmallIntegerField()

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "user", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "candidate"], name="rank_a_candidate_once"),
            models.UniqueConstraint(fields=["meeting", "user", "position"], name="one_candidate_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.position}: {self.candidate}"


class StoryMovement(models.TextChoices):
    """The movements a customer story is picked from: the customers who put leaders in the customer's shoes."""

    LOST = "lost", _("Lost")
    REACTIVATED = "reactivated", _("Reactivated")
    DECREASED = "decreased", _("Decreased")


class CustomerStory(models.Model):
    """A customer the CCO picks from the drill-down of the meeting's report month (agenda item 4): its value month
    by month as it stood when picked, its reason, and a note the CCO writes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="stories")
    customer = models.CharField(max_length=200, help_text=_("The customer's key, as the organization's files name it."))
    segment = models.CharField(max_length=200, blank=True)
    movement = models.CharField(max_length=20, choices=StoryMovement.choices)
    reason = models.CharField(max_length=200, blank=True, help_text=_("The reason recorded for the month, if any."))
    note = models.TextField(max_length=2000, blank=True)
    # [[YYYY-MM, value in ten-thousandths], ...], oldest first: kept so that the minutes show what the room saw.
    history = models.JSONField(default=list)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "customer stories"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "customer"], name="one_story_per_customer_and_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ({self.movement})"

    @property
    def chart_id(self) -> str:
        """The id of its chart on a page, which names the chart for screen readers."""
        return f"story-{self.pk}"


class Attendance(models.Model):
    """Whether one invited leader was at the meeting, as the CCO records it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField()

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "user"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attend_a_meeting_once")]

    def __str__(self) -> str:
        return f"{self.user}: {'present' if self.present else 'absent'}"


class MinutesCorrection(models.Model):
    """A correction to a closed meeting's minutes: the record itself never changes, a dated entry is added."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
