"""Executives who own figures: a segment's figures, or one figure of the bridge for every customer.

Seed 003: the metric "gives your executives a platform from which they can personally talk about this work,
take ownership of it". Imported by metrics.models, so that the model belongs to the metrics app."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class FigureOwner(models.Model):
    """The owner of a named segment's figures (`segment`), or of one class of the bridge (`figure`)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(max_length=200, blank=True)
    figure = models.CharField(max_length=20, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["figure", "segment"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "segment", "figure"], name="one_owner_per_figure"),
            models.CheckConstraint(
                condition=(Q(segment="") & ~Q(figure="")) | (~Q(segment="") & Q(figure="")),
                name="owner_of_a_segment_or_a_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} owns {self.segment or self.figure}"
