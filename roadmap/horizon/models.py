"""The roadmap's five-year horizon (seeds 000 and 001: "at minimum a five-year journey"): the milestones detail
the first year; for each of years two to five, each competency has a yearly goal and the maturity stage it aims
for. Imported by roadmap.models, so that the model belongs to the roadmap app."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet

FIRST_GOAL_YEAR, LAST_YEAR = 2, 5


class YearlyGoal(models.Model):
    """What one competency should reach by the end of one year of the path, from the second to the fifth."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="yearly_goals")
    competency = models.ForeignKey("roadmap.Competency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_GOAL_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("The year of the path, 2 to 5; the milestones detail the first."),
    )
    goal = models.TextField(max_length=1000)
    target_stage = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The maturity stage, 1 to 5, the competency should reach that year.")
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["competency__number", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "competency", "year"], name="one_goal_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} year {self.year}"
