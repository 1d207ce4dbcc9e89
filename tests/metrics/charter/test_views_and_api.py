"""The charter's page and API: the CCO proposes, leaders sign their own decision, the CCO records it agreed,
and the month's report names the version its figures follow."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from metrics.charter import selectors
from reports import services as report_services
from tests.reports.conftest import MARCH, load_history

pytestmark = pytest.mark.django_db

TEXT = {"customer_definition": "Buyers in the window", "value_definition": "Revenue", "intent": "We stand behind it"}


def page(organization, name="charter", **kwargs) -> str:
    return reverse(f"metrics:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def api(organization, name, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def test_from_proposal_to_agreement_on_the_pages(client, organization, member_of):
    """Given no charter, the page tells the CCO to propose one; the CCO proposes, the leader objects without a
    comment and is told to say why on the page, then agrees; the CCO records it, and the page shows it in force,
    agreed by 1 of 1 leader."""
    cco, leader = member_of(Role.CCO), member_of(Role.LEADERSHIP, full_name="Lee Leader")
    client.force_login(cco)
    assert "Propose one" in client.get(page(organization)).content.decode()
    assert client.post(page(organization, "charter_propose"), TEXT).status_code == 302

    client.force_login(leader)
    assert "Lee Leader" in client.get(page(organization)).content.decode()  # listed as not signed yet
    refused = client.post(page(organization, "charter_sign", version=1), {"decision": "object"})
    assert refused.status_code == 200
    assert "Say what you object to" in refused.content.decode()
    assert client.post(page(organization, "charter_sign", version=1), {"decision": "agree"}).status_code == 302

    client.force_login(cco)
    assert client.post(page(organization, "charter_agree", version=1)).status_code == 302
    shown = client.get(page(organization)).content.decode()
    assert "In force: version 1" in shown
    assert "Definitions agreed by 1 of 1 leader on" in shown


def test_the_api_proposes_signs_and_agrees(api_client, organization, member_of):
    """The same through the API, with a refusal answered 400 under the field it names, and nobody signing for
    another: a signature is always the caller's own."""
    cco, executive = member_of(Role.CCO), member_of(Role.EXECUTIVE)
    api_client.force_authenticate(cco)
    created = api_client.post(api(organization, "api-charter-list"), TEXT, format="json")
    assert (created.status_code, created.data["version"], created.data["is_agreed"]) == (201, 1, False)
    assert api_client.post(api(organization, "api-charter-agree", version=1)).status_code == 400

    api_client.force_authenticate(executive)
    signature = api(organization, "api-charter-signature", version=1)
    refused = api_client.put(signature, {"decision": "object"}, format="json")
    assert (refused.status_code, list(refused.data)) == (400, ["comment"])
    signed = api_client.put(signature, {"decision": "agree", "user": cco.pk}, format="json")
    assert [(s["user"], s["decision"]) for s in signed.data["signatures"]] == [(executive.pk, "agree")]

    api_client.force_authenticate(cco)
    agreed = api_client.post(api(organization, "api-charter-agree", version=1))
    assert (agreed.status_code, agreed.data["is_agreed"], agreed.data["leaders"]) == (200, True, 1)
    listed = api_client.get(api(organization, "api-charter-list")).data
    assert [version["version"] for version in listed] == [1]


def test_the_report_names_the_charter_version_its_figures_follow(client, organization, member_of):
    """Given customer data and charter version 1 agreed by 1 of 2 leaders, the month's report, computed now,
    says so on its page (and keeps saying it: the snapshot holds it)."""
    cco, leader = member_of(Role.CCO), member_of(Role.LEADERSHIP)
    member_of(Role.EXECUTIVE)
    load_history(organization)
    client.force_login(cco)
    client.post(page(organization, "charter_propose"), TEXT)
    client.force_login(leader)
    client.post(page(organization, "charter_sign", version=1), {"decision": "agree"})
    client.force_login(cco)
    client.post(page(organization, "charter_agree", version=1))

    report = report_services.compute_report(organization=organization, month=MARCH, notify=False)

    assert report.figures["charter"]["version"] == 1
    assert (report.figures["charter"]["agreed"], report.figures["charter"]["leaders"]) == (1, 2)
    shown = client.get(reverse("reports:dashboard", kwargs={"org_slug": organization.slug, "month": "2024-03"}))
    assert "Definitions of customer-asset charter version 1, agreed by 1 of 2 leaders" in shown.content.decode()
    assert selectors.charter_statement(organization, 1)["agreed_at"] is not None
