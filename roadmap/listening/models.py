"""The listening path of competency 3: for each stage of the journey map, the sources that tell the company what
customers do and say there (surveys, operational data, behavioural data), each with an owner, a cadence, and the
reports that show it still speaks.

The customer-asset data sources live in metrics, which roadmap never imports: a stage names such a source by the
key the metrics app offers it under (cco_portal.organizations.gathered_feeds). Imported by roadmap.models, so
that the models belong to the roadmap app."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet

# The cadences most sources keep; any number of days from 1 to a year may be given instead.
WEEKLY, MONTHLY, QUARTERLY = 7, 31, 92
LONGEST_CADENCE = 366


class SourceKind(models.TextChoices):
    SURVEY = "survey", _("Survey")
    OPERATIONAL = "operational", _("Operational data")
    BEHAVIOURAL = "behavioural", _("Behavioural data")


class ListeningSource(models.Model):
    """A survey, or a flow of operational or behavioural data, that tells the company what customers do and say
    at one or more stages of the journey. Its owner reports it each time it speaks, every `cadence_days` days."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="listening_sources")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=SourceKind.choices)
    stages = models.ManyToManyField("roadmap.JourneyStage", related_name="listening_sources", blank=True)
    # Nullable: a member who leaves leaves the source waiting for a new owner, shown as such.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cadence_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(LONGEST_CADENCE)],
        help_text=_("How many days may pass between two reports before the source counts as silent."),
    )
    description = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="listening_source_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SourceReport(models.Model):
    """The source spoke on `reported_on`: a survey's wave closed, a month's contact figures came in. Never changed;
    a wrong report is followed by a right one."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(ListeningSource, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField()
    note = models.TextField(blank=True, max_length=2000)
    link = models.URLField(blank=True, max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} reported {self.reported_on}"


class StageFeed(models.Model):
    """A customer-asset data source attached to a stage as one of its behavioural sources, named by the key its
    app offers it under; a feed whose source is gone is no longer shown."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey("roadmap.JourneyStage", on_delete=models.CASCADE, related_name="feeds")
    feed_key = models.CharField(max_length=60)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["stage__position", "feed_key", "pk"]
        constraints = [models.UniqueConstraint(fields=["stage", "feed_key"], name="one_feed_per_stage")]

    def __str__(self) -> str:
        return f"{self.feed_key} at {self.stage}"
