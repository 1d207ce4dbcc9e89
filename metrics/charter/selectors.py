"""Reads of the customer-asset charter: its versions, who signed, what is in force, and who may do what."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from cco_portal.accounts.models import User
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import MANAGERS, Role, roles_allow

from .models import Charter, CharterSignature, Decision

# Who signs: the leaders the seed asks to stand behind the metrics (PRODUCT.md).
SIGNERS = frozenset({Role.LEADERSHIP, Role.EXECUTIVE})


def can_manage_charter(roles: Iterable[str]) -> bool:
    """The CCO and admins propose versions and record one as agreed."""
    return roles_allow(roles, MANAGERS)


def can_sign_charter(roles: Iterable[str]) -> bool:
    """Leadership and executives (and admins, who may do everything) agree or object."""
    return roles_allow(roles, SIGNERS)


def charters(organization: Organization) -> QuerySet[Charter]:
    """Every version, newest first, with its signatures and their signers."""
    signatures = CharterSignature.objects.for_organization(organization).select_related("user")
    return (
        Charter.objects.for_organization(organization)
        .select_related("proposed_by", "agreed_by")
        .prefetch_related(Prefetch("signatures", queryset=signatures))
    )


def latest_charter(organization: Organization) -> Charter | None:
    """The newest version: the one open for signatures until it is agreed."""
    return charters(organization).first()


def charter_in_force(organization: Organization) -> Charter | None:
    """The newest agreed version."""
    return charters(organization).filter(agreed_at__isnull=False).first()


def signers(organization: Organization) -> list[User]:
    """The members asked to sign: every leadership member and executive, by name."""
    users = User.objects.filter(
        pk__in=Membership.objects.for_organization(organization).filter(role__in=SIGNERS).values("user_id")
    )
    return sorted(users, key=lambda user: user.display_name.lower())


@dataclass(frozen=True)
class SignOff:
    """Where a version's signatures stand: how many leaders agreed or objected, of how many asked."""

    agreed: int
    objected: int
    leaders: int
    pending: list[User]


def sign_off(organization: Organization, charter: Charter) -> SignOff:
    """A version's sign-off: counted among the leaders asked when it was agreed, or among today's leaders."""
    signatures = list(charter.signatures.all())
    signed = {signature.user_id for signature in signatures}
    leaders = signers(organization)
    return SignOff(
        agreed=sum(signature.decision == Decision.AGREE for signature in signatures),
        objected=sum(signature.decision == Decision.OBJECT for signature in signatures),
        leaders=charter.leaders_count if charter.leaders_count is not None else len(leaders),
        pending=[] if charter.is_agreed else [user for user in leaders if user.pk not in signed],
    )


def signature_of(charter: Charter, user) -> CharterSignature | None:
    return next((signature for signature in charter.signatures.all() if signature.user_id == user.pk), None)


def charter_statement(organization: Organization, activity_window: int) -> dict | None:
    """What a report says of the definitions its figures follow: the newest version that defines their activity
    window, whether it is agreed, and by how many of how many leaders; None when no version defines it."""
    charter = charters(organization).filter(activity_window=activity_window).first()
    if charter is None:
        return None
    summary = sign_off(organization, charter)
    return {
        "version": charter.version,
        "activity_window": charter.activity_window,
        "agreed_at": charter.agreed_at.isoformat() if charter.agreed_at else None,
        "agreed": summary.agreed,
        "leaders": summary.leaders,
    }


def awaiting_signature_of(organization: Organization, user) -> Charter | None:
    """The open version when `user` is a leader asked to sign it and has not yet, else None."""
    if not Membership.objects.for_organization(organization).filter(user=user, role__in=SIGNERS).exists():
        return None
    latest = latest_charter(organization)
    if latest is None or latest.is_agreed or signature_of(latest, user) is not None:
        return None
    return latest
