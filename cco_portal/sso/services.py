"""Writes of single sign-on: an organization's provider configured by its admins, and a verified identity turned
into a portal account and membership."""

import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.encryption import encrypt
from cco_portal.organizations.models import Invitation, Membership, Organization
from cco_portal.organizations.roles import Role
from cco_portal.organizations.services import accept_invitation, add_member

from .models import IdentityProvider, SignOnDomain
from .oidc import SignInRefused, VerifiedIdentity
from .selectors import domain_of, is_password_sign_in_refused

User = get_user_model()

SIGN_IN_VIA = "single sign-on"
AUDIT_TARGET = "single sign-on"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Loopback issuers may use plain HTTP: a provider run beside the portal in development and in the tests.
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def clean_domains(domains) -> list[str]:
    """Domains as typed (one per line, or separated by commas or spaces), lower-case, each once; refused with what
    to fix when one is not a domain."""
    if isinstance(domains, str):
        domains = re.split(r"[\s,;]+", domains)
    cleaned = sorted({domain.strip().lower().removeprefix("@") for domain in domains if domain.strip()})
    wrong = [domain for domain in cleaned if not _DOMAIN.match(domain)]
    if wrong:
        raise ValidationError(
            {"domains": _("Not a domain: %(domains)s. Write domains like example.com.") % {"domains": ", ".join(wrong)}}
        )
    if not cleaned:
        raise ValidationError({"domains": _("Name at least one email domain, like example.com.")})
    return cleaned


def _clean_issuer(issuer: str) -> str:
    parts = urlsplit(issuer.strip())
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise ValidationError({"issuer": _("The issuer URL starts with https://, e.g. https://acme.okta.com.")})
    return issuer.strip().rstrip("/")


@transaction.atomic
def save_identity_provider(
    *,
    organization: Organization,
    acting_user,
    issuer: str,
    client_id: str,
    domains,
    client_secret: str = "",
    default_role: str = "",
    is_required: bool = False,
) -> IdentityProvider:
    """Configure (or change) the organization's OpenID Connect provider. An empty `client_secret` keeps the stored
    one; a new one is stored encrypted and never shown or logged. Each domain belongs to one organization only.
    Recorded in the audit log with the settings that changed (the secret only as "changed")."""
    if default_role and default_role not in Role.values:
        raise ValidationError({"default_role": _("Choose one of the roles, or none.")})
    issuer, domains = _clean_issuer(issuer), clean_domains(domains)
    taken = SignOnDomain.objects.unscoped().filter(domain__in=domains).exclude(organization=organization)
    if taken.exists():
        raise ValidationError(
            {
                "domains": _("Another organization signs in with %(domains)s already; each domain belongs to one.")
                % {"domains": ", ".join(sorted(taken.values_list("domain", flat=True)))}
            }
        )
    provider = IdentityProvider.objects.for_organization(organization).select_for_update().first()
    created = provider is None
    if created and not client_secret:
        raise ValidationError({"client_secret": _("Enter the client secret the provider gave for the portal.")})
    provider = provider or IdentityProvider(organization=organization)
    before = {} if created else _audited(provider)
    provider.issuer, provider.client_id = issuer, client_id.strip()
    provider.default_role, provider.is_required = default_role, is_required
    if client_secret:
        provider.client_secret_encrypted = encrypt(client_secret)
    provider.full_clean(exclude=["organization"])
    provider.save()
    SignOnDomain.objects.for_organization(organization).exclude(domain__in=domains).delete()
    try:
        with transaction.atomic():
            for domain in domains:
                SignOnDomain.objects.get_or_create(organization=organization, provider=provider, domain=domain)
    except IntegrityError:
        # Another organization claimed the domain a moment ago.
        raise ValidationError({"domains": _("Another organization signs in with one of these domains.")}) from None
    after = _audited(provider)
    changed = {key: {"old": before.get(key), "new": value} for key, value in after.items() if before.get(key) != value}
    if client_secret and not created:
        changed["client secret"] = {"old": "", "new": "changed"}
    if changed:
        record_event(
            action=Action.SETTINGS_CHANGED,
            organization=organization,
            actor=acting_user,
            target=AUDIT_TARGET,
            created=created,
            changes=changed,
        )
    return provider


def _audited(provider: IdentityProvider) -> dict:
    return {
        "issuer": provider.issuer,
        "client id": provider.client_id,
        "domains": sorted(provider.domains.values_list("domain", flat=True)),
        "role of a first sign-in": provider.default_role or "none",
        "required": provider.is_required,
    }


@transaction.atomic
def remove_identity_provider(*, organization: Organization, acting_user) -> None:
    """Stop single sign-on: members sign in with passwords again (those who never had one reset it)."""
    provider = IdentityProvider.objects.for_organization(organization).first()
    if provider is None:
        return
    record_event(
        action=Action.SETTINGS_CHANGED,
        organization=organization,
        actor=acting_user,
        target=AUDIT_TARGET,
        removed=True,
        issuer=provider.issuer,
    )
    provider.delete()


@transaction.atomic
def account_for_identity(*, provider: IdentityProvider, identity: VerifiedIdentity):
    """The portal account of a verified identity: found by email, or created on a first sign-in (without a
    password). The organization's pending invitation to the address is accepted; without one, a newcomer joins with
    the organization's default role when it has one. Returns the account and whether it is a member now."""
    organization = provider.organization
    if not identity.email_verified:
        raise SignInRefused(
            "email_unverified",
            _("Your company account's email address is not verified. Ask your IT team to verify it, then try again."),
        )
    if not provider.domains.filter(domain=domain_of(identity.email)).exists():
        raise SignInRefused(
            "domain",
            _("%(organization)s's provider answered for %(email)s, whose domain it does not cover.")
            % {"organization": organization.name, "email": identity.email},
        )
    user = User.objects.filter(email__iexact=identity.email).first()
    if user is None:
        user = User.objects.create_user(identity.email, None, full_name=identity.full_name)
    pending = Invitation.objects.for_organization(organization).pending().filter(email__iexact=identity.email)
    for invitation in pending:
        accept_invitation(invitation=invitation, user=user)
    is_member = Membership.objects.for_organization(organization).filter(user=user).exists()
    if not is_member and provider.default_role:
        add_member(organization=organization, user=user, role=provider.default_role, via=SIGN_IN_VIA)
        is_member = True
    return user, is_member


def record_sign_in_refused(*, request, reason: str, email: str = "", organization: Organization | None = None):
    """A refused single sign-on in the audit log, with the reason. Like every sign-in event it belongs to no
    organization (sign-ins happen before one is chosen); the organization whose provider was used is named ("" when
    the address's domain named none)."""
    record_event(
        action=Action.SIGN_IN_FAILED,
        request=request,
        target=email.lower(),
        via=SIGN_IN_VIA,
        reason=reason,
        provider_of=organization.slug if organization else "",
    )


def password_refused_for_single_sign_on(*, email: str, request) -> bool:
    """True, with the refusal in the audit log, when `email`'s organization requires its company account: a
    password sign-in, on the page or for an API token, goes no further and says so with the way in."""
    if not email or not is_password_sign_in_refused(email):
        return False
    record_event(
        action=Action.SIGN_IN_FAILED, request=request, target=email.strip().lower(), reason="single sign-on required"
    )
    return True
