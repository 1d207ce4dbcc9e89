"""Reads of the journey map: the map as it stands, its snapshot, its versions, and who may do what."""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import MANAGERS, roles_allow

from ..models import OperationalArea
from .models import JourneyStage, JourneyVersion, Touchpoint


def can_shape_map(roles: Iterable[str]) -> bool:
    """The CCO and admins add, rename, move and remove stages and touchpoints, and name the areas' leaders."""
    return roles_allow(roles, MANAGERS)


def stages(organization: Organization) -> QuerySet[JourneyStage]:
    """The map's stages in order, each with its touchpoints in order and their owning area and its leader."""
    touchpoints = (
        Touchpoint.objects.for_organization(organization).select_related("area__leader").order_by("position", "pk")
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
