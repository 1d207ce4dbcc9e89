"""Why a customer moved, written on the customer in a list behind a figure: checked as an imported reason is,
shown in every list and in the report's reasons, removed when emptied, audited; only the CCO and admins write."""

import pytest
from django.urls import reverse

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from metrics import selectors
from tests.reports.conftest import LAST_MONTH, MARCH, load_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(organization):
    return load_history(organization)


def page(organization, **query) -> str:
    path = reverse("metrics:reason", kwargs={"org_slug": organization.slug})
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_the_cco_writes_why_a_customer_came_back_from_the_list(client, organization, data, cco_user):
    """From March's list of reactivated customers the CCO writes why Bob came back; the list shows it, the
    report's reasons count it, and the audit log records it. Emptied, it is gone."""
    customers = (
        reverse("metrics:customers", kwargs={"org_slug": organization.slug}) + "?month=2024-03&figure=reactivated"
    )
    client.force_login(cco_user)
    listed = client.get(customers).content.decode()
    assert 'Write why<span class="visually-hidden"> bob moved</span>' in listed

    answer = client.post(
        page(organization), {"customer": "bob", "month": "2024-03", "reason": "Won back by sales", "next": customers}
    )

    assert answer.status_code == 302
    assert answer["Location"] == customers
    assert "Won back by sales" in client.get(customers).content.decode()
    assert selectors.reasons_by_class(organization, MARCH)["reactivated"][0]["reason"] == "Won back by sales"
    event = AuditEvent.objects.get(organization=organization, action=Action.REASON_RECORDED)
    assert (event.target, event.details["new"]) == ("customer bob, 2024-03", "Won back by sales")

    client.post(page(organization), {"customer": "bob", "month": "2024-03", "reason": ""})
    assert selectors.reason_of(organization, "bob", MARCH) is None


def test_a_reason_is_checked_as_an_imported_one_is(client, organization, data, cco_user):
    """A direction-changing character in the reason, an unknown customer and a month without data are refused,
    each said on the form, and nothing is written."""
    client.force_login(cco_user)
    refusals = [
        ({"customer": "bob", "month": "2024-03", "reason": "Price\u202e"}, "invisible character U+202E"),
        ({"customer": "zed", "month": "2024-03", "reason": "Price"}, "No customer has the key"),
        ({"customer": "bob", "month": "2023-03", "reason": "Price"}, "There is no customer data for this month."),
    ]
    for data_, message in refusals:
        answer = client.post(page(organization), data_)
        assert answer.status_code == 200
        assert message in answer.content.decode()
    assert selectors.reason_of(organization, "bob", MARCH) is None
    assert selectors.reason_of(organization, "bob", LAST_MONTH) is None


def test_leaders_read_the_lists_but_do_not_write_reasons(client, organization, data, member_of):
    client.force_login(member_of(Role.LEADERSHIP))
    listed = client.get(reverse("metrics:customers", kwargs={"org_slug": organization.slug}) + "?figure=lost")
    assert "Write why" not in listed.content.decode()
    assert client.post(page(organization), {"customer": "bob", "month": "2024-03", "reason": "x"}).status_code == 403


def test_the_api_writes_a_reason_and_names_the_field_it_refuses(api_client, organization, data, cco_user):
    api_client.force_authenticate(cco_user)
    path = reverse("api-reason", kwargs={"org_slug": organization.slug})

    written = api_client.put(path, {"customer_id": "dee", "month": "2024-04", "reason": "Moved away"}, format="json")
    refused = api_client.put(path, {"customer_id": "dee", "month": "2024-04", "reason": "x\u202ey"}, format="json")

    assert written.status_code == 200
    assert selectors.reason_of(organization, "dee", LAST_MONTH) == "Moved away"
    assert (refused.status_code, list(refused.data)) == (400, ["reason"])
