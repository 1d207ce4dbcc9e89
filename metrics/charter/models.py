"""The customer-asset charter: the definitions behind the figures, in versions the leaders sign.

Seed 003 asks the CCO "to unite leaders in establishing customer asset metrics ... that they will stand behind as
a united leadership team". A version states the activity window, what counts as a customer, what value means,
the segments and the leaders' intent; leaders agree or object; the CCO records it as agreed, and it is in force
until a later version is agreed. Every version keeps its signatures. Imported by metrics.models, so that the
models belong to the metrics app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class Decision(models.TextChoices):
    AGREE = "agree", _("Agree")
    OBJECT = "object", _("Object")


class Charter(models.Model):
    """One version of an organization's customer-asset charter."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="charters")
    version = models.PositiveIntegerField()
    activity_window = models.PositiveSmallIntegerField(help_text=_("The activity window this version defines."))
    customer_definition = models.TextField(help_text=_("What counts as a customer."))
    value_definition = models.TextField(help_text=_("What a customer's value means."))
    segments = models.JSONField(default=list, blank=True, help_text=_("The segments when it was proposed."))
    intent = models.TextField(help_text=_("A few lines of intent, in the leaders' own words."))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    leaders_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("How many leaders were asked to sign when it was agreed.")
    )

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="one_charter_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} charter v{self.version}"

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None


class CharterSignature(models.Model):
    """One leader's agreement or objection to one version; theirs alone to give or change."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True, max_length=2000)
    signed_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "user"], name="one_signature_per_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.decision} v{self.charter.version}"
