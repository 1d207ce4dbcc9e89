"""The journey map of competency 2: the stages customers live, in order, the touchpoints in each, the
operational area owning each touchpoint, the experiences the leaders chose as priorities, and a version of the
whole map at every change.

Seed 003 asks leaders to "align around experience": the map is where the silos see which touchpoints they own,
and where a priority is chosen only after every leader has committed or dissented. Imported by roadmap.models,
so that the models belong to the roadmap app."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class JourneyStage(models.Model):
    """A stage of the journey as customers live it ("choose", "buy", …), in its place on the map."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="journey_stages")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(help_text=_("Its place on the map, from 1."))

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="journey_stage_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Touchpoint(models.Model):
    """A moment where the customer meets the organization within a stage, owned by one operational area."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(JourneyStage, on_delete=models.CASCADE, related_name="touchpoints")
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(help_text=_("Its place within the stage, from 1."))
    # Nullable: removing an area from the list leaves its touchpoints on the map, waiting for a new owner.
    area = models.ForeignKey(
        "roadmap.OperationalArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="touchpoints"
    )

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["stage__position", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class JourneyVersion(models.Model):
    """The whole map as it stood after one change: numbered per organization, never changed afterwards."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="journey_versions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=255, help_text=_("What changed, in a line."))
    snapshot = models.JSONField(help_text=_("The stages, touchpoints, areas, leaders and chosen priorities."))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="one_journey_version_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} journey map v{self.number}"


class PriorityStatus(models.TextChoices):
    DISCUSSION = "discussion", _("In discussion")
    CHOSEN = "chosen", _("Chosen")
    SET_ASIDE = "set_aside", _("Set aside")


class Stance(models.TextChoices):
    COMMIT = "commit", _("Commit")
    DISSENT = "dissent", _("Dissent")


class Priority(models.Model):
    """An experience at a touchpoint that a leader proposes the leaders make a priority. It goes around the table
    (every leader commits or dissents) until the CCO records it as chosen or set aside."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="priorities")
    experience = models.CharField(max_length=300, help_text=_("The experience the customer should have there."))
    status = models.CharField(max_length=12, choices=PriorityStatus.choices, default=PriorityStatus.DISCUSSION)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.experience

    @property
    def is_open(self) -> bool:
        return self.status == PriorityStatus.DISCUSSION


class PriorityStance(models.Model):
    """One leader's commitment to a proposed priority, or dissent with the reason; theirs alone to give or change."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="stances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    comment = models.TextField(blank=True, max_length=2000)
    stated_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["stated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "user"], name="one_stance_per_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.stance} {self.priority}"
