from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet
from cco_portal.organizations.roles import Role


class IdentityProvider(models.Model):
    """An organization's OpenID Connect provider (Okta, Microsoft Entra ID, Google Workspace, …)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="identity_provider")
    issuer = models.URLField(
        _("Issuer URL"),
        max_length=500,
        help_text=_(
            "The provider's issuer; the portal reads its settings from the issuer followed by "
            "/.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("Client ID"), max_length=255)
    # Fernet, as cco_portal/encryption.py keeps every secret a customer gives; never shown back.
    client_secret_encrypted = models.TextField(blank=True)
    default_role = models.CharField(
        _("Role of a first sign-in"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_(
            "Someone of your domains who signs in for the first time joins with this role. Leave it empty and "
            "they are told to ask an admin, who gives them a role on the Members page."
        ),
    )
    is_required = models.BooleanField(
        _("Members must sign in with the company account"),
        default=False,
        help_text=_(
            "Passwords stop working for everyone whose email is in your domains: password sign-in and password "
            "reset send them to the company account."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.organization} · {self.issuer}"

    @property
    def domain_names(self) -> list[str]:
        return [domain.domain for domain in self.domains.all()]

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_encrypted)


class SignOnDomain(models.Model):
    """An email domain whose people sign in through the organization's provider; each belongs to one organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sign_on_domains")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    # Stored lower-case: an address's domain is compared lower-case.
    domain = models.CharField(max_length=253)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        constraints = [models.UniqueConstraint(Lower("domain"), name="sign_on_domain_unique_ci")]

    def __str__(self) -> str:
        return self.domain
