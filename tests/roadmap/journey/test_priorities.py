"""Priority experiences: a leader proposes one at a touchpoint, each leader commits or dissents (a dissent says
why), nobody states another's stance, and the CCO records it as chosen (on the map, in a new version) or set
aside."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cco_portal.organizations.roles import Role
from roadmap.journey import selectors, services
from roadmap.journey.models import PriorityStance, PriorityStatus, Stance

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(member_of):
    return {
        "cco": member_of(Role.CCO, full_name="Cleo CCO"),
        "exec": member_of(Role.EXECUTIVE, full_name="Eve Exec"),
        "lead": member_of(Role.LEADERSHIP, full_name="Lou Lead"),
    }


@pytest.fixture
def touchpoint(organization, table):
    stage = services.add_stage(organization=organization, name="Get help", changed_by=table["cco"])
    return services.add_touchpoint(organization=organization, stage=stage, name="Help desk", changed_by=table["cco"])


def propose(organization, touchpoint, user, role=Role.EXECUTIVE):
    return services.propose_priority(
        organization=organization,
        touchpoint=touchpoint,
        experience="Answered by a person within a day",
        proposed_by=user,
        roles={role},
    )


def state(organization, priority, user, role, stance=Stance.COMMIT, comment=""):
    return services.set_stance(
        organization=organization, priority=priority, user=user, roles={role}, stance=stance, comment=comment
    )


def test_going_around_the_table_to_a_chosen_priority(organization, table, touchpoint):
    """Given a priority an executive proposes, when the CCO and the executive commit and the leadership member
    dissents with a reason, and the CCO records it as chosen, then it shows at its touchpoint in a new version of
    the map, with the table's count."""
    priority = propose(organization, touchpoint, table["exec"])
    state(organization, priority, table["exec"], Role.EXECUTIVE)
    state(organization, priority, table["cco"], Role.CCO)
    state(organization, priority, table["lead"], Role.LEADERSHIP, Stance.DISSENT, "Staff it first.")
    before = selectors.current_version(organization).number

    services.decide_priority(organization=organization, priority=priority, decided_by=table["cco"], chosen=True)

    priority = selectors.priorities(organization).get()
    seen = selectors.around_the_table(organization, priority)
    assert (priority.status, seen.committed, seen.dissented, seen.pending) == (PriorityStatus.CHOSEN, 2, 1, 0)
    version = selectors.current_version(organization)
    assert version.number == before + 1
    assert version.change == "Priority “Answered by a person within a day” chosen at “Help desk”"
    assert version.snapshot["stages"][0]["touchpoints"][0]["priorities"] == [
        {"id": priority.pk, "experience": "Answered by a person within a day"}
    ]


def test_a_dissent_says_why_and_a_stance_is_ones_own_until_decided(organization, table, touchpoint):
    """A dissent without a comment is refused; a leader changes their own stance and nobody else's; once the
    priority is decided, stances and decisions are refused."""
    priority = propose(organization, touchpoint, table["lead"], Role.LEADERSHIP)
    with pytest.raises(ValidationError) as refused:
        state(organization, priority, table["exec"], Role.EXECUTIVE, Stance.DISSENT, "  ")
    assert "comment" in refused.value.message_dict

    state(organization, priority, table["exec"], Role.EXECUTIVE, Stance.DISSENT, "Too costly.")
    state(organization, priority, table["lead"], Role.LEADERSHIP)
    state(organization, priority, table["exec"], Role.EXECUTIVE)

    assert dict(PriorityStance.objects.values_list("user__full_name", "stance")) == {
        "Eve Exec": Stance.COMMIT,
        "Lou Lead": Stance.COMMIT,
    }
    services.decide_priority(organization=organization, priority=priority, decided_by=table["cco"], chosen=False)
    with pytest.raises(ValidationError, match="decided"):
        state(organization, priority, table["lead"], Role.LEADERSHIP, Stance.DISSENT, "Changed my mind.")
    with pytest.raises(ValidationError, match="decided"):
        services.decide_priority(organization=organization, priority=priority, decided_by=table["cco"], chosen=True)


def test_a_priority_is_chosen_only_with_a_commitment_and_set_aside_stays_off_the_map(organization, table, touchpoint):
    """Nobody has committed: choosing is refused. Set aside, it is a version of the map but not on it."""
    priority = propose(organization, touchpoint, table["exec"])
    with pytest.raises(ValidationError, match="No leader has committed"):
        services.decide_priority(organization=organization, priority=priority, decided_by=table["cco"], chosen=True)

    services.decide_priority(
        organization=organization, priority=priority, decided_by=table["cco"], chosen=False, note="Later."
    )

    version = selectors.current_version(organization)
    assert "set aside" in version.change
    assert version.snapshot["stages"][0]["touchpoints"][0]["priorities"] == []


def test_only_leaders_take_part_and_only_on_their_own_organizations_map(
    organization, other_organization, table, touchpoint
):
    """A member without a leader's role cannot propose or state a stance; a touchpoint of another organization
    is refused as if it did not exist."""
    theirs = services.add_touchpoint(
        organization=other_organization,
        stage=services.add_stage(organization=other_organization, name="Buy", changed_by=None),
        name="Quote",
        changed_by=None,
    )
    with pytest.raises(PermissionDenied):
        services.propose_priority(
            organization=organization, touchpoint=touchpoint, experience="x", proposed_by=table["exec"], roles=set()
        )
    with pytest.raises(ValidationError) as refused:
        propose(organization, theirs, table["exec"])
    assert "touchpoint" in refused.value.message_dict
    priority = propose(organization, touchpoint, table["exec"])
    with pytest.raises(PermissionDenied):
        services.set_stance(
            organization=organization, priority=priority, user=table["exec"], roles=set(), stance=Stance.COMMIT
        )


def page(organization, name, **kwargs) -> str:
    return reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def test_the_pages_go_around_the_table(client, organization, table, touchpoint):
    """The executive proposes on the priorities page and commits; the leadership member's dissent without a
    comment comes back with what to fix; the CCO chooses it and the map shows it."""
    client.force_login(table["exec"])
    proposed = client.post(
        page(organization, "journey_priorities"),
        {"touchpoint": touchpoint.pk, "experience": "Answered by a person within a day"},
    )
    priority = selectors.priorities(organization).get()
    assert proposed["Location"] == page(organization, "journey_priority", priority_id=priority.pk)
    client.post(page(organization, "journey_priority_stance", priority_id=priority.pk), {"stance": "commit"})

    client.force_login(table["lead"])
    shown = client.get(page(organization, "journey_priority", priority_id=priority.pk)).content.decode()
    assert "1 committed, 0 dissented, 2 not yet." in shown
    assert "Record the decision" not in shown
    refused = client.post(page(organization, "journey_priority_stance", priority_id=priority.pk), {"stance": "dissent"})
    assert refused.status_code == 200
    assert "Say why you dissent" in refused.content.decode()

    client.force_login(table["cco"])
    chosen = client.post(
        page(organization, "journey_priority_decision", priority_id=priority.pk), {"outcome": "chosen"}
    )
    assert chosen.status_code == 302
    assert "Answered by a person within a day" in client.get(page(organization, "journey")).content.decode()


def test_the_api_goes_around_the_table(api_client, organization, table, touchpoint):
    """The same through the API: a stance is always the caller's own, a refusal names its field, and a decision
    by a leader who is not the CCO is forbidden."""

    def url(name, **kwargs):
        return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})

    api_client.force_authenticate(table["lead"])
    created = api_client.post(
        url("api-journey-priority-list"), {"touchpoint": touchpoint.pk, "experience": "A person answers"}, format="json"
    )
    assert created.status_code == 201
    priority_id = created.json()["id"]
    refused = api_client.put(url("api-journey-priority-stance", priority_id=priority_id), {"stance": "dissent"})
    assert refused.status_code == 400
    assert "comment" in refused.json()
    stated = api_client.put(url("api-journey-priority-stance", priority_id=priority_id), {"stance": "commit"})
    assert [(s["user_name"], s["stance"]) for s in stated.json()["stances"]] == [("Lou Lead", "commit")]
    assert (
        api_client.post(
            url("api-journey-priority-decision", priority_id=priority_id), {"outcome": "chosen"}
        ).status_code
        == 403
    )

    api_client.force_authenticate(table["cco"])
    decided = api_client.post(url("api-journey-priority-decision", priority_id=priority_id), {"outcome": "chosen"})
    assert decided.json()["status"] == "chosen"
    touchpoints = api_client.get(url("api-journey")).json()["stages"][0]["touchpoints"]
    assert touchpoints[0]["priorities"] == [{"id": priority_id, "experience": "A person answers"}]
