"""The journey map: stages in order, touchpoints owned by areas with one leader each, and a version holding the
whole map after every change, each earlier one readable as it was."""

import pytest
from django.core.exceptions import ValidationError

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from roadmap import services as roadmap_services
from roadmap.journey import selectors, services
from roadmap.journey.models import JourneyStage, JourneyVersion, Touchpoint
from tests.roadmap.factories import OperationalAreaFactory

pytestmark = pytest.mark.django_db


def names(organization) -> list[str]:
    return [stage["name"] for stage in selectors.map_snapshot(organization)["stages"]]


def test_the_example_stages_start_an_empty_map_in_one_version(organization, cco_user):
    """Given an empty map, when the CCO starts with the examples, then the six stages stand in order in version 1,
    and starting again is refused."""
    services.start_with_example_stages(organization=organization, changed_by=cco_user)

    assert names(organization) == ["Choose", "Buy", "Get started", "Use", "Get help", "Renew"]
    version = selectors.current_version(organization)
    assert (version.number, version.changed_by, len(version.snapshot["stages"])) == (1, cco_user, 6)
    with pytest.raises(ValidationError, match="already has stages"):
        services.start_with_example_stages(organization=organization, changed_by=cco_user)
    assert JourneyVersion.objects.count() == 1


def test_stages_are_added_moved_renamed_and_removed_in_order(organization, cco_user):
    """Given three stages, when one is added at place 1, one moved last, one renamed and one removed, then the
    places stay 1, 2, 3 … in the new order and every change is a version."""
    for name in ["Buy", "Use", "Renew"]:
        services.add_stage(organization=organization, name=name, changed_by=cco_user)
    choose = services.add_stage(organization=organization, name="  Choose  ", changed_by=cco_user, position=1)
    assert names(organization) == ["Choose", "Buy", "Use", "Renew"]

    services.update_stage(stage=choose, changed_by=cco_user, position=9)
    assert names(organization) == ["Buy", "Use", "Renew", "Choose"]
    use = JourneyStage.objects.get(name="Use")
    services.update_stage(stage=use, changed_by=cco_user, name="Use it")
    services.remove_stage(stage=JourneyStage.objects.get(name="Buy"), changed_by=cco_user)

    assert [(s.name, s.position) for s in JourneyStage.objects.for_organization(organization)] == [
        ("Use it", 1),
        ("Renew", 2),
        ("Choose", 3),
    ]
    assert selectors.current_version(organization).number == 7
    assert [v.change for v in selectors.versions(organization)][:2] == [
        "Stage “Buy” removed",
        "Stage “Use” renamed “Use it”",
    ]


def test_a_stage_name_is_unique_and_a_change_of_nothing_records_nothing(organization, cco_user):
    """Given a stage "Buy", then another "buy" or an empty name is refused, and saving it unchanged keeps the
    version number."""
    buy = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    with pytest.raises(ValidationError, match="already a stage"):
        services.add_stage(organization=organization, name="buy", changed_by=cco_user)
    with pytest.raises(ValidationError):
        services.add_stage(organization=organization, name="   ", changed_by=cco_user)

    services.update_stage(stage=buy, changed_by=cco_user, name="Buy", position=1)

    assert selectors.current_version(organization).number == 1


def test_touchpoints_are_owned_by_an_area_and_move_between_stages(organization, cco_user):
    """Given two stages and an area, when touchpoints are added, re-owned and moved to the other stage, then each
    stage numbers its touchpoints from 1 and the snapshot names the area."""
    buy = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    use = services.add_stage(organization=organization, name="Use", changed_by=cco_user)
    sales = OperationalAreaFactory(organization=organization, name="Sales")
    quote = services.add_touchpoint(organization=organization, stage=buy, name="Quote", area=sales, changed_by=cco_user)
    services.add_touchpoint(organization=organization, stage=buy, name="Contract", changed_by=cco_user)
    services.add_touchpoint(organization=organization, stage=use, name="Login", changed_by=cco_user)

    services.update_touchpoint(touchpoint=quote, changed_by=cco_user, stage=use, position=1, area=None)

    snapshot = selectors.map_snapshot(organization)
    assert [[(t["name"], t["position"], t["area"]) for t in s["touchpoints"]] for s in snapshot["stages"]] == [
        [("Contract", 1, None)],
        [("Quote", 1, None), ("Login", 2, None)],
    ]
    assert selectors.current_version(organization).change == "“Quote” has no owning area; “Quote” moved to “Use”"


def test_an_earlier_version_reads_as_it_was(organization, cco_user, executive_user):
    """Given a version of the map, when a touchpoint is renamed and the area's leader named, then the earlier
    version still holds the old name and no leader, the new one both changes."""
    sales = OperationalAreaFactory(organization=organization, name="Sales")
    buy = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    quote = services.add_touchpoint(organization=organization, stage=buy, name="Quote", area=sales, changed_by=cco_user)
    before = selectors.current_version(organization)

    services.update_touchpoint(touchpoint=quote, changed_by=cco_user, name="Proposal")
    services.set_area_leader(area=sales, leader=executive_user, changed_by=cco_user)

    before.refresh_from_db()
    old = before.snapshot["stages"][0]["touchpoints"][0]
    assert (old["name"], old["leader"], before.snapshot["areas"][0]["leader"]) == ("Quote", None, None)
    new = selectors.current_version(organization).snapshot
    leader = {"id": executive_user.pk, "name": executive_user.display_name}
    assert new["stages"][0]["touchpoints"][0] == {
        "id": quote.pk,
        "name": "Proposal",
        "position": 1,
        "area": {"id": sales.pk, "name": "Sales"},
        "leader": leader,
        "priorities": [],
    }
    assert new["areas"] == [{"id": sales.pk, "name": "Sales", "leader": leader}]
    assert selectors.current_version(organization).number == before.number + 2


def test_every_change_is_audited(organization, cco_user):
    """Each version is one audit event of the journey kind, naming the version and what changed."""
    stage = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    services.remove_stage(stage=stage, changed_by=cco_user)

    events = AuditEvent.objects.for_organization(organization).filter(action=Action.JOURNEY_CHANGED).order_by("pk")
    assert [(e.actor, e.target, e.details["change"]) for e in events] == [
        (cco_user, "journey map version 1", "Stage “Buy” added"),
        (cco_user, "journey map version 2", "Stage “Buy” removed"),
    ]


def test_a_leader_is_a_member_of_the_organization(organization, other_organization, cco_user, member_of):
    """A member of another organization cannot lead an area, and nothing is recorded."""
    area = OperationalAreaFactory(organization=organization)
    outsider = member_of(Role.EXECUTIVE, org=other_organization)

    with pytest.raises(ValidationError) as refused:
        services.set_area_leader(area=area, leader=outsider, changed_by=cco_user)

    assert "leader" in refused.value.message_dict
    area.refresh_from_db()
    assert area.leader is None
    assert not JourneyVersion.objects.exists()


def test_another_organizations_stage_or_area_is_refused(organization, other_organization, cco_user):
    """Given a stage and an area of B, when A's touchpoint is added to that stage, owned by that area, or moved
    there, then it is refused, naming the field, and A's map is unchanged."""
    theirs = services.add_stage(organization=other_organization, name="Theirs", changed_by=None)
    their_area = OperationalAreaFactory(organization=other_organization)
    ours = services.add_stage(organization=organization, name="Ours", changed_by=cco_user)
    touchpoint = services.add_touchpoint(organization=organization, stage=ours, name="Web", changed_by=cco_user)

    for attempt, field in [
        (
            lambda: services.add_touchpoint(organization=organization, stage=theirs, name="X", changed_by=cco_user),
            "stage",
        ),
        (
            lambda: services.add_touchpoint(
                organization=organization, stage=ours, name="X", area=their_area, changed_by=cco_user
            ),
            "area",
        ),
        (lambda: services.update_touchpoint(touchpoint=touchpoint, changed_by=cco_user, stage=theirs), "stage"),
        (lambda: services.update_touchpoint(touchpoint=touchpoint, changed_by=cco_user, area=their_area), "area"),
    ]:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert field in refused.value.message_dict

    assert list(Touchpoint.objects.for_organization(organization).values_list("name", "stage")) == [("Web", ours.pk)]
    assert selectors.current_version(organization).number == 2


def test_removing_a_stage_removes_its_touchpoints_and_the_versions_keep_them(organization, cco_user):
    """Given a stage with a touchpoint, when the stage is removed, then the touchpoint goes with it and the
    version before the removal still shows both."""
    stage = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    services.add_touchpoint(organization=organization, stage=stage, name="Quote", changed_by=cco_user)

    services.remove_stage(stage=stage, changed_by=cco_user)

    assert not Touchpoint.objects.exists()
    kept = JourneyVersion.objects.get(number=2).snapshot
    assert kept["stages"][0]["touchpoints"][0]["name"] == "Quote"


def test_renaming_or_removing_an_area_is_a_version_once_the_map_has_begun(organization, cco_user):
    """Before the map has begun, an area's rename records nothing; after, a rename and a removal each record a
    version, and the touchpoint the area owned waits for a new owner."""
    sales = OperationalAreaFactory(organization=organization, name="Sales")
    roadmap_services.rename_operational_area(area=sales, name="Field sales", changed_by=cco_user)
    assert not JourneyVersion.objects.exists()
    stage = services.add_stage(organization=organization, name="Buy", changed_by=cco_user)
    services.add_touchpoint(organization=organization, stage=stage, name="Quote", area=sales, changed_by=cco_user)

    roadmap_services.rename_operational_area(area=sales, name="Sales", changed_by=cco_user)
    roadmap_services.remove_operational_area(area=sales, changed_by=cco_user)

    changes = [version.change for version in selectors.versions(organization)]
    assert changes[:2] == ["Area Sales removed", "Area Field sales renamed Sales"]
    renamed = JourneyVersion.objects.get(number=3).snapshot
    assert renamed["stages"][0]["touchpoints"][0]["area"]["name"] == "Sales"
    assert selectors.map_snapshot(organization)["stages"][0]["touchpoints"][0]["area"] is None
