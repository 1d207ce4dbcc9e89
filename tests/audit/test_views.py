"""The audit log page, its CSV and the API: admins of the organization read its own events and their
members' sign-ins; nobody reads another organization's."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cco_portal.audit import views
from cco_portal.audit.models import Action, AuditEvent
from cco_portal.audit.services import record_event
from cco_portal.organizations.roles import Role
from tests.audit.helpers import only_event
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(organization, other_organization, member_of, admin_user):
    """Events of this organization, of another, and sign-ins of a member, of an outsider and of nobody."""
    colleague = member_of(Role.CCO, email="colleague@example.com")
    outsider = MembershipFactory(organization=other_organization, user=UserFactory(email="outsider@example.com")).user
    record_event(action=Action.INVITATION_SENT, organization=organization, actor=admin_user, target="new@example.com")
    record_event(action=Action.INVITATION_SENT, organization=other_organization, actor=outsider, target="their@x.com")
    record_event(action=Action.SIGNED_IN, actor=colleague, target=colleague.email)
    record_event(action=Action.SIGN_IN_FAILED, target="colleague@example.com")
    record_event(action=Action.SIGN_IN_FAILED, target="outsider@example.com")
    record_event(action=Action.SIGN_IN_FAILED, target="nobody@example.com")
    return AuditEvent.objects.all()


def log_url(organization, name="audit:log") -> str:
    return reverse(name, kwargs={"org_slug": organization.slug})


def shown(response) -> list[tuple[str, str]]:
    return [(event.action, event.target) for event in response.context["events"]]


def test_an_admin_reads_the_organizations_events_and_its_members_sign_ins(client, organization, admin_user, log):
    """Newest first: the member's failed and good sign-ins and the organization's invitation; never the other
    organization's events, an outsider's sign-ins or failures against addresses of nobody here."""
    # given
    client.force_login(admin_user)

    # when
    response = client.get(log_url(organization))

    # then
    assert response.status_code == 200
    admin_sign_in = (Action.SIGNED_IN, admin_user.email)  # force_login signs the admin in
    assert shown(response) == [
        admin_sign_in,
        (Action.SIGN_IN_FAILED, "colleague@example.com"),
        (Action.SIGNED_IN, "colleague@example.com"),
        (Action.INVITATION_SENT, "new@example.com"),
    ]
    page = response.content.decode()
    assert "Invitation sent" in page
    assert "not signed in" in page


@pytest.mark.parametrize("role", [Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP])
def test_other_roles_are_refused_the_page_and_the_api(client, organization, member_of, role, log):
    """Only admins read the log: cco, executive and leadership get 403, from the page, CSV and API."""
    # given
    user = member_of(role)
    client.force_login(user)

    # when
    responses = [client.get(log_url(organization)), client.get(log_url(organization, "audit:csv"))]
    api = APIClient()
    api.force_authenticate(user)
    responses.append(api.get(f"/api/v1/orgs/{organization.slug}/audit-events/"))

    # then
    assert [response.status_code for response in responses] == [403, 403, 403]


def test_an_admin_of_another_organization_gets_404(client, organization, other_organization, log):
    """An outsider learns nothing, not even that the organization exists."""
    # given
    outsider = UserFactory()
    MembershipFactory(organization=other_organization, user=outsider, role=Role.ADMIN)
    client.force_login(outsider)

    # when
    response = client.get(log_url(organization))

    # then
    assert response.status_code == 404


def test_the_filter_narrows_to_a_kind_or_an_action_and_a_person(client, organization, admin_user, log):
    """A GET form: "sign-in" keeps every sign-in event, one action keeps that action, a person their events."""
    # given
    client.force_login(admin_user)

    # when
    by_kind = client.get(log_url(organization), {"kind": "auth", "person": "colleague"})
    by_action = client.get(log_url(organization), {"kind": Action.INVITATION_SENT})
    not_understood = client.get(log_url(organization), {"kind": "nonsense", "person": "new@"})

    # then
    assert shown(by_kind) == [
        (Action.SIGN_IN_FAILED, "colleague@example.com"),
        (Action.SIGNED_IN, "colleague@example.com"),
    ]
    assert shown(by_action) == [(Action.INVITATION_SENT, "new@example.com")]
    assert shown(not_understood) == [(Action.INVITATION_SENT, "new@example.com")]
    assert "Some filters were not understood" in not_understood.content.decode()


def test_the_log_is_paginated(client, organization, admin_user, monkeypatch):
    """Past a page of events, the next page holds the older ones."""
    # given
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for number in range(3):
        record_event(action=Action.SETTINGS_CHANGED, organization=organization, target=f"change {number}")
    client.force_login(admin_user)

    # when
    first = client.get(log_url(organization), {"kind": "settings"})
    second = client.get(log_url(organization), {"kind": "settings", "page": 2})

    # then
    assert [target for _, target in shown(first)] == ["change 2", "change 1"]
    assert [target for _, target in shown(second)] == ["change 0"]
    assert 'aria-label="Pages of the audit log"' in first.content.decode()


def test_the_csv_is_the_filtered_log_with_formulas_neutralized_and_is_itself_recorded(
    client, organization, admin_user, member_of
):
    """Text people typed (here an address tried at sign-in) cannot start a formula in a spreadsheet; the
    download is recorded as an export with its filters."""
    # given
    member_of(Role.EXECUTIVE, email="=cmd@example.com")
    record_event(action=Action.SIGN_IN_FAILED, target="=cmd@example.com")
    client.force_login(admin_user)

    # when
    response = client.get(log_url(organization, "audit:csv"), {"kind": Action.SIGN_IN_FAILED})

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-acme-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == views.CSV_HEADER
    assert [row[2:5] for row in rows[1:]] == [[Action.SIGN_IN_FAILED, "Sign-in failed", "'=cmd@example.com"]]
    export = only_event(Action.EXPORT_DOWNLOADED)
    assert export.actor == admin_user
    assert export.organization == organization
    assert export.target == "audit log CSV"
    assert export.details["filters"] == {"kind": [Action.SIGN_IN_FAILED]}
    assert export.ip_address == "127.0.0.1"


def test_the_api_lists_the_same_log_filtered_and_refuses_an_unknown_kind(organization, admin_user, log):
    """GET /api/v1/orgs/<slug>/audit-events/: the page's events, paginated, with the same filter."""
    # given
    api = APIClient()
    api.force_authenticate(admin_user)
    url = f"/api/v1/orgs/{organization.slug}/audit-events/"

    # when
    everything = api.get(url)
    sign_ins = api.get(url, {"kind": "auth"})
    unknown = api.get(url, {"kind": "nonsense"})

    # then
    assert everything.status_code == 200
    assert [(row["action"], row["target"]) for row in everything.data["results"]] == [
        (Action.SIGN_IN_FAILED, "colleague@example.com"),
        (Action.SIGNED_IN, "colleague@example.com"),
        (Action.INVITATION_SENT, "new@example.com"),
    ]
    first = everything.data["results"][-1]
    assert first["actor_email"] == admin_user.email
    assert first["action_label"] == "Invitation sent"
    assert set(first) == {
        "id", "created_at", "action", "action_label", "actor", "actor_email", "target", "ip_address", "details"
    }  # fmt: skip
    assert [row["action"] for row in sign_ins.data["results"]] == [Action.SIGN_IN_FAILED, Action.SIGNED_IN]
    assert unknown.status_code == 400


def test_a_former_member_s_sign_ins_are_no_longer_shown(client, organization, admin_user, member_of):
    """Sign-ins are shown for the people who are members now: once removed, theirs leave this log."""
    # given
    leaver = member_of(Role.EXECUTIVE, email="leaver@example.com")
    record_event(action=Action.SIGN_IN_FAILED, target="leaver@example.com")
    leaver.memberships.all().delete()
    client.force_login(admin_user)

    # when
    response = client.get(log_url(organization), {"kind": "auth", "person": "leaver"})

    # then
    assert shown(response) == []


def test_details_read_as_a_person_would_in_the_page_and_the_csv(client, organization, member_of):
    """Roles by their names, Yes and No, lists joined, empty values left out; never Python's
    "['executive', 'leadership']", "False" or "{}"."""
    admin = member_of(Role.ADMIN)
    record_event(
        action=Action.INVITATION_SENT,
        organization=organization,
        actor=admin,
        target="pat@example.com",
        roles=["executive", "leadership"],
        renewed=False,
        filters={},
    )
    client.force_login(admin)

    page = client.get(log_url(organization, "audit:log")).content.decode()
    exported = client.get(log_url(organization, "audit:csv")).content.decode("utf-8-sig")

    for shown in (page, exported):
        assert "roles: Executive, Leadership; renewed: No" in shown
        assert "['executive'" not in shown
        assert "False" not in shown
        assert "filters:" not in shown
