"""Reads of single sign-on: which organization's provider an address belongs to, and whose password is off."""

from django.contrib.auth import get_user_model

from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import Role

from .models import IdentityProvider, SignOnDomain


def domain_of(email: str) -> str:
    """The part after the last @, lower-case; "" for something that is no address."""
    local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower() if local and at else ""


def provider_for_email(email: str) -> IdentityProvider | None:
    """The provider of the organization that covers the address's domain, if one does."""
    domain = domain_of(email)
    if not domain:
        return None
    # Domains are unique across organizations: the address names the organization, not a URL.
    found = SignOnDomain.objects.unscoped().filter(domain=domain).select_related("provider__organization").first()
    return found.provider if found else None


def provider_of(organization: Organization) -> IdentityProvider | None:
    return (
        IdentityProvider.objects.for_organization(organization)
        .prefetch_related("domains")
        .select_related("organization")
        .first()
    )


def is_password_sign_in_refused(email: str) -> bool:
    """True when the address's organization requires its members to sign in with the company account."""
    provider = provider_for_email(email)
    return provider is not None and provider.is_required


def covers_email(provider: IdentityProvider, email: str) -> bool:
    return provider.domains.filter(domain=domain_of(email)).exists()


def admins_of(organization: Organization) -> list:
    """Whom someone without a role is told to ask: the organization's admins, by name."""
    user_ids = Membership.objects.for_organization(organization).filter(role=Role.ADMIN).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids).order_by("full_name", "email"))
