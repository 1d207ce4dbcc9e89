from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import OrganizationScopedQuerySet
from .roles import Role

__all__ = ["Invitation", "Membership", "Organization", "OrganizationScopedQuerySet", "SecondFactorRule"]


class SecondFactorRule(models.TextChoices):
    """Who of an organization's members must sign in with a second factor (cco_portal/second_factor/)."""

    ADMINS = "admins", _("Admins")
    ADMINS_AND_CCO = "admins_and_cco", _("Admins and the Chief Customer Officer")


class Organization(models.Model):
    """A company using the portal; everything else belongs to exactly one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, help_text=_("Short name used in addresses, e.g. acme."))
    activity_window = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=(
            _(
                "How many months of revenue make a customer active: 1 counts a customer in the months they buy; "
                "12 suits a retailer whose customers buy a few times a year."
            )
        ),
    )
    report_to_executives = models.BooleanField(
        _("Send the monthly report to executives too"),
        default=False,
        help_text=_(
            "Leadership, the CCO and admins are always emailed the monthly customer-room report when it is "
            "ready; with this on, the executives are emailed it as well."
        ),
    )
    customer_room_max_actions = models.PositiveSmallIntegerField(
        _("Critical actions the customer room agrees at most"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Each month's meeting agrees a few critical actions, not every silo's many: 1 to 10."),
    )
    second_factor_required_for = models.CharField(
        _("Who must sign in with a second factor"),
        max_length=20,
        choices=SecondFactorRule.choices,
        default=SecondFactorRule.ADMINS,
        help_text=_(
            "They set up an authenticator app at their next sign-in and can do nothing else until they have; "
            "everyone else may set one up too."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:home", kwargs={"org_slug": self.slug})


class Membership(models.Model):
    """One role held by one person in one organization; a person may hold several."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "role"], name="membership_unique_role"),
        ]
        ordering = ["organization", "user__email", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


def default_invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationQuerySet(OrganizationScopedQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An emailed offer to join an organization with a role; its link is signed, never stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), name="invitation_email_ci")]
        constraints = [
            # One open invitation per address and organization: inviting again renews it.
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} in {self.organization}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return not (self.is_accepted or self.is_revoked or self.is_expired)

    @property
    def status(self) -> str:
        if self.is_accepted:
            return "accepted"
        if self.is_revoked:
            return "withdrawn"
        if self.is_expired:
            return "expired"
        return "pending"
