"""A milestone points at a stage or a touchpoint of the journey map: chosen in its form and the API, shown on
its page, and listed on the map at what it points at."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roadmap import services as roadmap_services
from roadmap.journey import services
from tests.roadmap.factories import MilestoneFactory, competency

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(organization, cco_user):
    buy = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    use = services.add_stage(organization=organization, name="Use", changed_by=cco_user)
    quote = services.add_touchpoint(organization=organization, stage=buy, name="Quote", changed_by=cco_user)
    return {"buy": buy, "use": use, "quote": quote}


def test_a_milestone_points_at_a_touchpoint_within_its_stage(organization, other_organization, cco_user, journey):
    """A touchpoint with its own stage is accepted; with another stage, or of another organization, refused."""
    milestone = roadmap_services.create_milestone(
        organization=organization,
        competency=competency(2),
        title="Quote within a day",
        created_by=cco_user,
        journey_stage=journey["buy"],
        touchpoint=journey["quote"],
    )
    assert (milestone.journey_stage, milestone.touchpoint) == (journey["buy"], journey["quote"])

    with pytest.raises(ValidationError) as refused:
        roadmap_services.update_milestone(
            milestone=milestone, changed_by=cco_user, may_edit_all=True, journey_stage=journey["use"]
        )
    assert "touchpoint" in refused.value.message_dict
    theirs = services.add_stage(organization=other_organization, name="Theirs", changed_by=None)
    with pytest.raises(ValidationError) as refused:
        roadmap_services.update_milestone(
            milestone=milestone, changed_by=cco_user, may_edit_all=True, journey_stage=theirs, touchpoint=None
        )
    assert "journey_stage" in refused.value.message_dict


def test_removing_the_touchpoint_leaves_the_milestone(organization, cco_user, journey):
    """The milestone stays on the roadmap, pointing at nothing."""
    milestone = MilestoneFactory(organization=organization, touchpoint=journey["quote"])

    services.remove_touchpoint(touchpoint=journey["quote"], changed_by=cco_user)

    milestone.refresh_from_db()
    assert milestone.touchpoint is None


def test_the_form_the_page_and_the_map_show_the_link(client, organization, cco_user, journey):
    """The CCO chooses the touchpoint in the milestone form; the milestone's page names it, and the map lists
    the milestone at that touchpoint, and another at its stage."""
    client.force_login(cco_user)
    created = client.post(
        reverse("roadmap:milestone_create", kwargs={"org_slug": organization.slug}),
        {
            "competency": 2,
            "title": "Quote within a day",
            "status": "planned",
            "percent_complete": 0,
            "touchpoint": journey["quote"].pk,
        },
    )
    assert created.status_code == 302
    assert "Buy · Quote" in client.get(created["Location"]).content.decode()
    MilestoneFactory(organization=organization, title="Onboarding kit", journey_stage=journey["use"])

    shown = client.get(reverse("roadmap:journey", kwargs={"org_slug": organization.slug})).content.decode()

    assert shown.index("Quote within a day") < shown.index("Onboarding kit")
    assert f'href="{created["Location"]}">Quote within a day</a>' in shown


def test_the_api_sets_and_clears_the_link(api_client, organization, cco_user, journey):
    """POST points a new milestone at a stage; PATCH clears it and points at a touchpoint instead."""
    api_client.force_authenticate(cco_user)
    url = reverse("api-milestone-list", kwargs={"org_slug": organization.slug})
    created = api_client.post(url, {"competency": 2, "title": "x", "journey_stage": journey["use"].pk}, format="json")
    assert (created.json()["journey_stage"], created.json()["touchpoint"]) == (journey["use"].pk, None)

    detail = reverse(
        "api-milestone-detail", kwargs={"org_slug": organization.slug, "milestone_id": created.json()["id"]}
    )
    changed = api_client.patch(detail, {"journey_stage": None, "touchpoint": journey["quote"].pk}, format="json")

    assert (changed.json()["journey_stage"], changed.json()["touchpoint"]) == (None, journey["quote"].pk)
