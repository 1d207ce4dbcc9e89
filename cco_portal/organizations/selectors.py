"""Reads of the organization base."""

from dataclasses import dataclass, field

from cco_portal.accounts.models import User

from .models import Membership, Organization
from .roles import Role


def list_user_organizations(user) -> list[Organization]:
    """The organizations `user` belongs to, by name."""
    if not user.is_authenticated:
        return []
    return list(Organization.objects.filter(memberships__user=user).distinct().order_by("name"))


@dataclass
class Member:
    user: User
    roles: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.roles.sort(key=Role.values.index)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


def list_members(organization: Organization) -> list[Member]:
    """Every member of `organization` with the roles they hold, by name, in one query."""
    members: dict[int, Member] = {}
    memberships = (
        Membership.objects.for_organization(organization).select_related("user").order_by("user__email", "role")
    )
    for membership in memberships:
        members.setdefault(membership.user_id, Member(user=membership.user)).roles.append(membership.role)
    for member in members.values():
        member.roles.sort(key=Role.values.index)
    return sorted(members.values(), key=lambda member: member.user.display_name.lower())


def get_member(organization: Organization, user_id: int) -> Member | None:
    roles = list(
        Membership.objects.for_organization(organization).filter(user_id=user_id).values_list("role", flat=True)
    )
    if not roles:
        return None
    return Member(user=User.objects.get(pk=user_id), roles=roles)
