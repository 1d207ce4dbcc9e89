"""The journey map in the API: the map with its version, the CCO's changes, the areas' leaders, the versions."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from roadmap.journey import services
from tests.roadmap.factories import OperationalAreaFactory

pytestmark = pytest.mark.django_db


def api(organization, name, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def test_the_cco_builds_the_map_and_everyone_reads_it(api_client, organization, cco_user, member_of):
    """The CCO starts the map, adds a touchpoint owned by an area, moves and renames it; an executive reads the
    map with its version, and every version with what changed."""
    area = OperationalAreaFactory(organization=organization, name="Support")
    api_client.force_authenticate(cco_user)
    started = api_client.post(api(organization, "api-journey-start"))
    assert started.status_code == 201
    stages = started.json()["stages"]
    assert [s["name"] for s in stages] == ["Choose", "Buy", "Get started", "Use", "Get help", "Renew"]
    added = api_client.post(
        api(organization, "api-journey-touchpoint-list"),
        {"name": "Help desk", "stage": stages[4]["id"], "area": area.pk},
        format="json",
    )
    assert added.status_code == 201
    touchpoint = added.json()["stages"][4]["touchpoints"][0]
    assert touchpoint["area"] == {"id": area.pk, "name": "Support"}
    moved = api_client.patch(
        api(organization, "api-journey-touchpoint-detail", touchpoint_id=touchpoint["id"]),
        {"name": "Chat", "stage": stages[3]["id"]},
        format="json",
    )
    assert moved.json()["stages"][3]["touchpoints"][0]["name"] == "Chat"
    assert moved.json()["version"] == 3

    api_client.force_authenticate(member_of(Role.EXECUTIVE))
    assert api_client.get(api(organization, "api-journey")).json()["version"] == 3
    versions = api_client.get(api(organization, "api-journey-version-list")).json()["results"]
    assert [v["number"] for v in versions] == [3, 2, 1]
    first = api_client.get(api(organization, "api-journey-version-detail", map_version=1)).json()
    assert first["snapshot"]["stages"][4]["touchpoints"] == []


def test_stages_are_renamed_moved_and_removed(api_client, organization, cco_user):
    api_client.force_authenticate(cco_user)
    for name in ["Buy", "Use"]:
        api_client.post(api(organization, "api-journey-stage-list"), {"name": name}, format="json")
    use = services.selectors.stages(organization).get(name="Use")
    answer = api_client.patch(
        api(organization, "api-journey-stage-detail", stage_id=use.pk), {"position": 1}, format="json"
    ).json()
    assert [s["name"] for s in answer["stages"]] == ["Use", "Buy"]
    refused = api_client.patch(
        api(organization, "api-journey-stage-detail", stage_id=use.pk), {"name": "BUY"}, format="json"
    )
    assert refused.status_code == 400
    assert "name" in refused.json()
    assert api_client.delete(api(organization, "api-journey-stage-detail", stage_id=use.pk)).status_code == 204
    assert [s["name"] for s in api_client.get(api(organization, "api-journey")).json()["stages"]] == ["Buy"]


def test_an_areas_leader_is_set_through_the_areas_api(api_client, organization, cco_user, member_of):
    """PATCH names an area's leader (a new version of the map) or clears it; creating an area can name one."""
    leader = member_of(Role.LEADERSHIP, full_name="Lee Lead")
    area = OperationalAreaFactory(organization=organization, name="Sales")
    api_client.force_authenticate(cco_user)

    named = api_client.patch(
        api(organization, "api-operational-area-detail", area_id=area.pk), {"leader": leader.pk}, format="json"
    )
    assert named.json() == {"id": area.pk, "name": "Sales", "leader": leader.pk, "leader_name": "Lee Lead"}
    created = api_client.post(
        api(organization, "api-operational-area-list"), {"name": "Billing", "leader": leader.pk}, format="json"
    )
    assert created.json()["leader"] == leader.pk
    cleared = api_client.patch(
        api(organization, "api-operational-area-detail", area_id=area.pk), {"leader": None}, format="json"
    )
    assert (cleared.json()["name"], cleared.json()["leader"]) == ("Sales", None)
    assert api_client.get(api(organization, "api-journey")).json()["version"] == 3


def test_a_leader_only_reads(api_client, organization, leadership_user):
    """Leadership reads the map but cannot change it."""
    api_client.force_authenticate(leadership_user)
    assert api_client.get(api(organization, "api-journey")).json() == {"stages": [], "areas": [], "version": None}
    assert api_client.post(api(organization, "api-journey-start")).status_code == 403
