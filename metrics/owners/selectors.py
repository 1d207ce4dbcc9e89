"""Reads of the figures' owners."""

from dataclasses import dataclass, field

from cco_portal.accounts.models import User
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import Role

from ..models import Movement
from .models import FigureOwner

# The figures of the bridge that can have an owner: the classes customers move into.
OWNED_FIGURES = [Movement.NEW, Movement.REACTIVATED, Movement.LOST, Movement.INCREASED, Movement.DECREASED]


@dataclass(frozen=True)
class Owners:
    segments: dict[str, User] = field(default_factory=dict)
    figures: dict[str, User] = field(default_factory=dict)

    def names(self) -> dict:
        """The owners' names, for a report's snapshot."""
        return {
            "segments": {segment: user.display_name for segment, user in self.segments.items()},
            "figures": {figure: user.display_name for figure, user in self.figures.items()},
        }


def figure_owners(organization: Organization) -> Owners:
    owners = Owners()
    for row in FigureOwner.objects.for_organization(organization).select_related("owner"):
        (owners.segments if row.segment else owners.figures)[row.segment or row.figure] = row.owner
    return owners


def owned_by(organization: Organization, user) -> list[FigureOwner]:
    """What `user` owns in `organization`: its segments first, then its figures."""
    return list(FigureOwner.objects.for_organization(organization).filter(owner=user).order_by("-segment", "figure"))


def possible_owners(organization: Organization) -> list[User]:
    """The organization's executives, who may own figures, by name."""
    users = User.objects.filter(
        pk__in=Membership.objects.for_organization(organization).filter(role=Role.EXECUTIVE).values("user_id")
    )
    return sorted(users, key=lambda user: user.display_name.lower())
