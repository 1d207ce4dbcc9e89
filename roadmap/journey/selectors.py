"""Reads of the journey map: the map as it stands, its snapshot, its versions, and who may do what."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cco_portal.accounts.models import User
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import MANAGERS, Role, roles_allow

from ..models import Milestone, OperationalArea
from .models import JourneyStage, JourneyVersion, Priority, PriorityStance, PriorityStatus, Stance, Touchpoint

# The leaders around the table (PRODUCT.md): they propose priorities and commit or dissent; admins may too.
LEADERS = frozenset({Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP})


def can_shape_map(roles: Iterable[str]) -> bool:
    """The CCO and admins add, rename, move and remove stages and touchpoints, and name the areas' leaders."""
    return roles_allow(roles, MANAGERS)


def can_take_part(roles: Iterable[str]) -> bool:
    """Leaders propose priorities and state their own stance."""
    return roles_allow(roles, LEADERS)


def can_decide_priority(roles: Iterable[str]) -> bool:
    """The CCO and admins record a priority as chosen or set aside."""
    return roles_allow(roles, MANAGERS)


def stages(organization: Organization) -> QuerySet[JourneyStage]:
    """The map's stages in order, each with its touchpoints in order, their owning area and its leader, and the
    priorities chosen there (`touchpoint.chosen`)."""
    chosen = Priority.objects.for_organization(organization).filter(status=PriorityStatus.CHOSEN)
    touchpoints = (
        Touchpoint.objects.for_organization(organization)
        .select_related("area__leader")
        .prefetch_related(Prefetch("priorities", queryset=chosen.order_by("decided_at", "pk"), to_attr="chosen"))
        .order_by("position", "pk")
    )
    return (
        JourneyStage.objects.for_organization(organization)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("touchpoints", queryset=touchpoints))
    )


def touchpoints(organization: Organization) -> QuerySet[Touchpoint]:
    """Every touchpoint of the map, in the map's order."""
    return (
        Touchpoint.objects.for_organization(organization)
        .select_related("stage", "area")
        .order_by("stage__position", "position", "pk")
    )


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def map_snapshot(organization: Organization) -> dict:
    """The whole map as plain data: what a version keeps, and what the API answers. Names are copied, not
    referenced, so that an earlier version reads as it was after a rename."""
    areas = OperationalArea.objects.for_organization(organization).select_related("leader").order_by("name")
    return {
        "stages": [
            {
                "id": stage.pk,
                "name": stage.name,
                "position": stage.position,
                "touchpoints": [
                    {
                        "id": touchpoint.pk,
                        "name": touchpoint.name,
                        "position": touchpoint.position,
                        "area": {"id": touchpoint.area.pk, "name": touchpoint.area.name} if touchpoint.area else None,
                        "leader": _person(touchpoint.area.leader) if touchpoint.area else None,
                        "priorities": [
                            {"id": priority.pk, "experience": priority.experience} for priority in touchpoint.chosen
                        ],
                    }
                    for touchpoint in stage.touchpoints.all()
                ],
            }
            for stage in stages(organization)
        ],
        "areas": [{"id": area.pk, "name": area.name, "leader": _person(area.leader)} for area in areas],
    }


def versions(organization: Organization) -> QuerySet[JourneyVersion]:
    """Every version of the map, newest first."""
    return JourneyVersion.objects.for_organization(organization).select_related("changed_by")


def current_version(organization: Organization) -> JourneyVersion | None:
    return versions(organization).first()


def priorities(organization: Organization) -> QuerySet[Priority]:
    """Every priority, newest first, with its touchpoint and stage, and the stances with their leaders."""
    stances = PriorityStance.objects.for_organization(organization).select_related("user")
    return (
        Priority.objects.for_organization(organization)
        .select_related("touchpoint__stage", "proposed_by", "decided_by")
        .prefetch_related(Prefetch("stances", queryset=stances))
    )


def leaders(organization: Organization) -> list[User]:
    """The leaders around the table, by name."""
    users = User.objects.filter(
        pk__in=Membership.objects.for_organization(organization).filter(role__in=LEADERS).values("user_id")
    )
    return sorted(users, key=lambda user: user.display_name.lower())


@dataclass(frozen=True)
class Table:
    """Where the round of the table stands on one priority: each leader with their stance, or none yet."""

    seats: list[tuple[User, PriorityStance | None]]
    committed: int
    dissented: int

    @property
    def pending(self) -> int:
        return sum(stance is None for _user, stance in self.seats)


def around_the_table(organization: Organization, priority: Priority) -> Table:
    """Every leader of today with their stance, and anyone who stated one and is no longer a leader."""
    stances = {stance.user_id: stance for stance in priority.stances.all()}
    seats = [(user, stances.pop(user.pk, None)) for user in leaders(organization)]
    seats += [(stance.user, stance) for stance in stances.values()]
    return Table(
        seats=seats,
        committed=sum(stance.stance == Stance.COMMIT for stance in priority.stances.all()),
        dissented=sum(stance.stance == Stance.DISSENT for stance in priority.stances.all()),
    )


def stance_of(priority: Priority, user) -> PriorityStance | None:
    return next((stance for stance in priority.stances.all() if stance.user_id == user.pk), None)


def milestones_on_map(organization: Organization) -> dict[str, dict[int, list[Milestone]]]:
    """The milestones that point at the map, by the stage (`"stages"`) or touchpoint (`"touchpoints"`) they
    point at, by due date."""
    found: dict[str, dict[int, list[Milestone]]] = {"stages": {}, "touchpoints": {}}
    milestones = (
        Milestone.objects.for_organization(organization)
        .filter(Q(journey_stage__isnull=False) | Q(touchpoint__isnull=False))
        .only("id", "title", "status", "due_date", "journey_stage_id", "touchpoint_id")
        .order_by("due_date", "pk")
    )
    for milestone in milestones:
        if milestone.touchpoint_id:
            found["touchpoints"].setdefault(milestone.touchpoint_id, []).append(milestone)
        elif milestone.journey_stage_id:
            found["stages"].setdefault(milestone.journey_stage_id, []).append(milestone)
    return found


def place_errors(organization: Organization, *, journey_stage=None, touchpoint=None) -> dict:
    """What is wrong with a place on the journey map given for a milestone or an action: a stage or touchpoint of
    another organization, or a touchpoint outside the stage also given. Empty when it is a place of this map."""
    errors = {}
    if journey_stage is not None and journey_stage.organization_id != organization.pk:
        errors["journey_stage"] = _("Choose a stage of this organization's journey map.")
    if touchpoint is not None and touchpoint.organization_id != organization.pk:
        errors["touchpoint"] = _("Choose a touchpoint of this organization's journey map.")
    elif touchpoint is not None and journey_stage is not None and touchpoint.stage_id != journey_stage.pk:
        errors["touchpoint"] = _("“%(touchpoint)s” is not in the stage “%(stage)s”: choose one or the other.") % {
            "touchpoint": touchpoint.name,
            "stage": journey_stage.name,
        }
    return errors
