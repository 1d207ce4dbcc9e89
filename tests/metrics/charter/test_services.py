"""The customer-asset charter: versions the leaders sign, one in force, and a new version whenever the
definitions change (its text or the activity window), each earlier one kept with its signatures."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cco_portal.organizations.roles import Role
from metrics.charter import selectors, services
from metrics.charter.models import Charter, Decision
from metrics.computation import change_activity_window

pytestmark = pytest.mark.django_db

TEXT = {
    "customer_definition": "Anyone who bought in the window.",
    "value_definition": "Revenue as imported.",
    "intent": "We stand behind these figures together.",
}


@pytest.fixture
def people(member_of):
    return {
        "cco": member_of(Role.CCO),
        "exec": member_of(Role.EXECUTIVE),
        "leader": member_of(Role.LEADERSHIP),
        "other_leader": member_of(Role.LEADERSHIP),
    }


def propose(organization, people, **changes) -> Charter:
    return services.propose_charter(organization=organization, proposed_by=people["cco"], **(TEXT | changes))


def sign(organization, charter, user, role, decision=Decision.AGREE, comment=""):
    return services.sign_charter(
        organization=organization, version=charter.version, user=user, roles={role}, decision=decision, comment=comment
    )


def test_a_version_is_in_force_once_the_cco_records_it_agreed(organization, people):
    """Given a proposed version that two of three leaders agree to and one objects to, when the CCO records it as
    agreed, then it is in force, agreed by 2 of 3 leaders, and it can no longer be signed."""
    charter = propose(organization, people)
    assert (charter.version, charter.activity_window) == (1, organization.activity_window)
    sign(organization, charter, people["exec"], Role.EXECUTIVE)
    sign(organization, charter, people["leader"], Role.LEADERSHIP)
    sign(organization, charter, people["other_leader"], Role.LEADERSHIP, Decision.OBJECT, "Value should net refunds.")
    assert selectors.charter_in_force(organization) is None

    services.record_charter_agreed(organization=organization, version=1, recorded_by=people["cco"])

    in_force = selectors.charter_in_force(organization)
    summary = selectors.sign_off(organization, in_force)
    assert (in_force.version, summary.agreed, summary.objected, summary.leaders) == (1, 2, 1, 3)
    with pytest.raises(ValidationError, match="already agreed"):
        sign(organization, in_force, people["other_leader"], Role.LEADERSHIP)


def test_a_leader_changes_only_their_own_decision(organization, people):
    """Given a leader who agreed, when they object later, then their one signature changes; an objection without
    a comment is refused, naming the field."""
    charter = propose(organization, people)
    sign(organization, charter, people["leader"], Role.LEADERSHIP)
    with pytest.raises(ValidationError) as refused:
        sign(organization, charter, people["leader"], Role.LEADERSHIP, Decision.OBJECT)
    assert "comment" in refused.value.message_dict

    sign(organization, charter, people["leader"], Role.LEADERSHIP, Decision.OBJECT, "Not yet.")

    signatures = list(charter.signatures.all())
    assert [(s.user, s.decision, s.comment) for s in signatures] == [(people["leader"], Decision.OBJECT, "Not yet.")]


def test_only_leaders_sign_and_at_least_one_must_agree(organization, people):
    """The CCO does not sign for the leaders; a version nobody agreed to cannot be put in force."""
    charter = propose(organization, people)
    with pytest.raises(PermissionDenied):
        sign(organization, charter, people["cco"], Role.CCO)
    with pytest.raises(ValidationError, match="No leader has agreed"):
        services.record_charter_agreed(organization=organization, version=1, recorded_by=people["cco"])


def test_a_changed_text_opens_a_new_version_and_keeps_the_old_one_with_its_signatures(organization, people):
    """Given version 1 in force, when the CCO changes its intent, then version 2 is open for signatures, version 1
    stays in force with its signature, and proposing the same text again is refused."""
    first = propose(organization, people)
    sign(organization, first, people["exec"], Role.EXECUTIVE)
    services.record_charter_agreed(organization=organization, version=1, recorded_by=people["cco"])

    second = propose(organization, people, intent="We act on every lost customer within a month.")

    assert (second.version, second.is_agreed) == (2, False)
    assert selectors.charter_in_force(organization).version == 1
    assert [s.user for s in selectors.charters(organization).get(version=1).signatures.all()] == [people["exec"]]
    assert selectors.awaiting_signature_of(organization, people["exec"]) == second
    assert selectors.awaiting_signature_of(organization, people["cco"]) is None
    with pytest.raises(ValidationError, match="newest version already"):
        propose(organization, people, intent="We act on every lost customer within a month.")
    with pytest.raises(ValidationError, match="Only the newest version"):
        sign(organization, first, people["leader"], Role.LEADERSHIP)


def test_changing_the_activity_window_reopens_the_sign_off(organization, people):
    """Given version 1 in force at window 1, when the CCO sets the window to 3, then version 2 has the same text
    and window 3 and waits for every leader; with no charter yet, a window change opens none."""
    first = propose(organization, people)
    sign(organization, first, people["leader"], Role.LEADERSHIP)
    services.record_charter_agreed(organization=organization, version=1, recorded_by=people["cco"])

    change_activity_window(organization=organization, months=3, changed_by=people["cco"])

    latest = selectors.latest_charter(organization)
    assert (latest.version, latest.activity_window, latest.intent, latest.is_agreed) == (2, 3, TEXT["intent"], False)
    assert selectors.sign_off(organization, latest).pending == sorted(
        [people["exec"], people["leader"], people["other_leader"]], key=lambda user: user.display_name.lower()
    )
    assert selectors.charter_statement(organization, 1)["version"] == 1
    assert selectors.charter_statement(organization, 3) == {
        "version": 2,
        "activity_window": 3,
        "agreed_at": None,
        "agreed": 0,
        "leaders": 3,
    }


def test_a_window_change_without_a_charter_opens_none(organization, people):
    change_activity_window(organization=organization, months=12, changed_by=people["cco"])
    assert selectors.latest_charter(organization) is None
    assert selectors.charter_statement(organization, 12) is None


def test_charters_of_another_organization_are_not_seen(organization, other_organization, people, member_of):
    """A version and its signatures belong to one organization."""
    propose(organization, people)
    assert selectors.latest_charter(other_organization) is None
    with pytest.raises(ValidationError, match="Only the newest version"):
        services.sign_charter(
            organization=other_organization,
            version=1,
            user=member_of(Role.LEADERSHIP, org=other_organization),
            roles={Role.LEADERSHIP},
            decision=Decision.AGREE,
        )
