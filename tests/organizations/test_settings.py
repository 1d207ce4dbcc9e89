"""The organization's settings, on the settings page and in the API: admins choose whether executives get the
monthly report email too, other members may not, and every change is in the audit log with its old and new
value."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations import services
from cco_portal.organizations.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs/acme/"
NOT_ADMINS = [Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP]


def settings_url(organization) -> str:
    return reverse("organizations:settings", kwargs={"org_slug": organization.slug})


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def settings_events():
    return list(
        AuditEvent.objects.filter(action=Action.SETTINGS_CHANGED)
        .order_by("pk")
        .values_list("target", "details", "actor")
    )


def test_the_settings_page_offers_the_choice_with_its_explanation(client, organization, admin_user):
    """An admin sees the setting, off by default, with the help text saying who gets the report either way."""
    # given
    client.force_login(admin_user)

    # when
    content = client.get(settings_url(organization)).content.decode()

    # then
    assert "Send the monthly report to executives too" in content
    assert "the executives are emailed it as well" in content
    assert 'name="report_to_executives"' in content
    assert organization.report_to_executives is False


def test_an_admin_turns_the_report_to_executives_on_and_off_on_the_settings_page(client, organization, admin_user):
    """Ticking the box turns it on, clearing it turns it off; each change is recorded with its old and new
    value; the name, saved unchanged, records nothing."""
    # given
    client.force_login(admin_user)

    # when
    on = client.post(settings_url(organization), {"name": organization.name, "report_to_executives": "on"})
    organization.refresh_from_db()
    was_on = organization.report_to_executives
    off = client.post(settings_url(organization), {"name": organization.name})
    organization.refresh_from_db()

    # then
    assert (on.status_code, off.status_code) == (302, 302)
    assert (was_on, organization.report_to_executives) == (True, False)
    assert settings_events() == [
        ("monthly report to executives", {"old": False, "new": True}, admin_user.pk),
        ("monthly report to executives", {"old": True, "new": False}, admin_user.pk),
    ]


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_other_roles_cannot_change_the_setting_on_the_settings_page(client, organization, member_of, role):
    """Members who are not admins are refused the page and the flag stays off, with nothing recorded."""
    # given
    client.force_login(member_of(role))

    # when
    response = client.post(settings_url(organization), {"name": organization.name, "report_to_executives": "on"})

    # then
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.report_to_executives is False
    assert settings_events() == []


def test_an_admin_changes_the_setting_through_the_api(organization, admin_user):
    """PATCH by an admin turns it on; the answer and a later read show it, and the change is recorded."""
    # when
    response = api_as(admin_user).patch(API, {"report_to_executives": True}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["report_to_executives"] is True
    assert api_as(admin_user).get(API).json()["report_to_executives"] is True
    organization.refresh_from_db()
    assert (organization.name, organization.report_to_executives) == ("Acme Outfitters", True)
    assert settings_events() == [("monthly report to executives", {"old": False, "new": True}, admin_user.pk)]


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_other_roles_read_but_cannot_change_the_setting_through_the_api(organization, admin_user, member_of, role):
    """Every member reads the setting; a PATCH by one who is not an admin gets 403 and changes nothing."""
    # given
    client = api_as(member_of(role))

    # when
    read = client.get(API)
    write = client.patch(API, {"report_to_executives": True}, format="json")

    # then
    assert (read.status_code, read.json()["report_to_executives"]) == (200, False)
    assert write.status_code == 403
    organization.refresh_from_db()
    assert organization.report_to_executives is False
    assert settings_events() == []


def test_a_rename_is_recorded_like_the_other_settings(organization, admin_user):
    """Renaming through the service records the old and new name; saving what is stored records nothing."""
    # when
    services.change_organization_settings(organization=organization, acting_user=admin_user, name="Acme Ltd")
    services.change_organization_settings(
        organization=organization, acting_user=admin_user, name="Acme Ltd", report_to_executives=False
    )

    # then
    assert organization.name == "Acme Ltd"
    assert settings_events() == [("name", {"old": "Acme Outfitters", "new": "Acme Ltd"}, admin_user.pk)]


def test_an_admin_sets_how_many_actions_the_customer_room_agrees(client, organization, admin_user):
    """The limit is 3 by default; an admin sets 2 on the settings page (audited), a settings form that leaves it
    out keeps it, and 11 is refused."""
    client.force_login(admin_user)
    assert organization.customer_room_max_actions == 3

    client.post(settings_url(organization), {"name": organization.name, "customer_room_max_actions": "2"})
    client.post(settings_url(organization), {"name": organization.name})
    refused = client.post(settings_url(organization), {"name": organization.name, "customer_room_max_actions": "11"})

    organization.refresh_from_db()
    assert organization.customer_room_max_actions == 2
    assert refused.status_code == 200
    assert settings_events() == [("critical actions per customer room", {"old": 3, "new": 2}, admin_user.pk)]
    assert (
        api_as(admin_user)
        .patch(API, {"customer_room_max_actions": 4}, format="json")
        .json()["customer_room_max_actions"]
        == 4
    )
