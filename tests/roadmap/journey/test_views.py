"""The journey map pages: the empty state that offers the example stages, the CCO's forms, the areas' leaders
on the Areas page, every version readable as it was, and the links from the roadmap and competency 2."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from roadmap.journey import selectors, services
from roadmap.journey.models import JourneyStage, Touchpoint
from roadmap.models import OperationalArea
from tests.roadmap.factories import OperationalAreaFactory

pytestmark = pytest.mark.django_db


def page(organization, name="journey", **kwargs) -> str:
    return reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def test_the_empty_map_tells_the_cco_how_to_start_and_the_others_who_will(client, organization, member_of):
    """Given no map, the CCO is offered the six example stages in one step and the map then shows them; an
    executive is told the CCO draws the map, and sees no form."""
    client.force_login(member_of(Role.EXECUTIVE))
    shown = client.get(page(organization)).content.decode()
    assert "has not drawn the journey map yet" in shown
    assert "Start with the six example stages" not in shown

    client.force_login(member_of(Role.CCO))
    assert "Start with the six example stages" in client.get(page(organization)).content.decode()
    response = client.post(page(organization, "journey_start"), follow=True)

    shown = response.content.decode()
    assert "Get started" in shown
    assert "Renew" in shown
    assert "Version 1, of" in shown
    assert "Add a touchpoint" in shown


def test_the_cco_shapes_the_map_with_the_forms(client, organization, cco_user):
    """The CCO adds a stage and a touchpoint owned by an area, moves the stage, renames the touchpoint and removes
    it; a refused name comes back on its form."""
    area = OperationalAreaFactory(organization=organization, name="Support")
    client.force_login(cco_user)
    assert client.post(page(organization, "journey_stage_add"), {"new-stage-name": "Use"}).status_code == 302
    assert client.post(page(organization, "journey_stage_add"), {"new-stage-name": "Buy"}).status_code == 302
    buy = JourneyStage.objects.get(name="Buy")
    moved = client.post(
        page(organization, "journey_stage", stage_id=buy.pk),
        {"action": "save", f"stage-{buy.pk}-name": "Buy", f"stage-{buy.pk}-position": 1},
    )
    assert moved.status_code == 302
    added = client.post(
        page(organization, "journey_touchpoint_add"),
        {"new-touchpoint-name": "Help desk", "new-touchpoint-stage": buy.pk, "new-touchpoint-area": area.pk},
    )
    assert added.status_code == 302
    touchpoint = Touchpoint.objects.get()
    prefix = f"touchpoint-{touchpoint.pk}"
    client.post(
        page(organization, "journey_touchpoint", touchpoint_id=touchpoint.pk),
        {"action": "save", f"{prefix}-name": "Chat", f"{prefix}-stage": buy.pk, f"{prefix}-area": area.pk},
    )
    shown = client.get(page(organization)).content.decode()
    assert '<span class="journey-stage-number">1</span> Buy' in shown
    assert '<span class="journey-stage-number">2</span> Use' in shown
    assert "Chat" in shown
    assert "Support" in shown

    refused = client.post(page(organization, "journey_stage_add"), {"new-stage-name": "use"})
    assert refused.status_code == 200
    assert "already a stage of the map" in refused.content.decode()

    client.post(page(organization, "journey_touchpoint", touchpoint_id=touchpoint.pk), {"action": "remove"})
    assert not Touchpoint.objects.exists()
    assert selectors.current_version(organization).number == 6


def test_the_areas_page_names_each_areas_leader(client, organization, cco_user, member_of):
    """The CCO names a leader on the Areas page, for a new area and an existing one; the map's version records
    it, and the page shows the leader chosen."""
    leader = member_of(Role.EXECUTIVE, full_name="Ada Lead")
    area = OperationalAreaFactory(organization=organization, name="Billing")
    client.force_login(cco_user)

    saved = client.post(
        page(organization, "areas"),
        {"action": "rename", "area": area.pk, f"area-{area.pk}-name": "Billing", f"area-{area.pk}-leader": leader.pk},
    )
    added = client.post(page(organization, "areas"), {"action": "add", "new-name": "Sales", "new-leader": leader.pk})

    assert (saved.status_code, added.status_code) == (302, 302)
    assert set(OperationalArea.objects.values_list("name", "leader")) == {("Billing", leader.pk), ("Sales", leader.pk)}
    assert selectors.current_version(organization).change == "Ada Lead leads Sales"
    shown = client.get(page(organization, "areas")).content.decode()
    assert f'<option value="{leader.pk}" selected>' in shown


def test_an_outsider_cannot_be_named_leader_on_the_areas_page(
    client, organization, other_organization, cco_user, member_of
):
    """Renaming an area while naming a member of another organization as its leader is refused on the area's
    own form, and neither the name nor the leader changes."""
    outsider = member_of(Role.EXECUTIVE, org=other_organization)
    area = OperationalAreaFactory(organization=organization, name="Billing")
    client.force_login(cco_user)

    response = client.post(
        page(organization, "areas"),
        {
            "action": "rename",
            "area": area.pk,
            f"area-{area.pk}-name": "Invoices",
            f"area-{area.pk}-leader": outsider.pk,
        },
    )

    assert response.status_code == 200
    area.refresh_from_db()
    assert (area.name, area.leader) == ("Billing", None)


def test_an_earlier_version_is_shown_as_it_was(client, organization, cco_user, leadership_user):
    """A leadership member opens the versions list and version 1, which shows the stage under its old name and
    says the map has changed since."""
    stage = services.add_stage(organization=organization, name="Pick", changed_by=cco_user)
    services.update_stage(stage=stage, name="Choose", changed_by=cco_user)
    client.force_login(leadership_user)

    listed = client.get(page(organization, "journey_versions")).content.decode()
    assert "Stage “Pick” renamed “Choose”" in listed
    old = client.get(page(organization, "journey_version", map_version=1)).content.decode()
    assert "Pick" in old
    assert "An earlier version, as it was" in old
    assert "Edit stage" not in old
    assert (
        "This is the map as it stands"
        in client.get(page(organization, "journey_version", map_version=2)).content.decode()
    )
    assert client.get(page(organization, "journey_version", map_version=3)).status_code == 404


def test_the_roadmap_and_competency_two_link_to_the_map(client, organization, leadership_user):
    client.force_login(leadership_user)
    url = page(organization)
    assert url in client.get(page(organization, "overview")).content.decode()
    assert f'href="{url}"' in client.get(page(organization, "board", number=2)).content.decode()
    assert f'href="{url}">Open' not in client.get(page(organization, "board", number=3)).content.decode()
