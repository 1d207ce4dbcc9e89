"""The data-source pages and API: what cco and admin do with a source, and that its password never comes back."""

import pytest
from django.urls import reverse

from cco_portal.audit.models import AuditEvent
from cco_portal.organizations.roles import Role
from metrics.sources.models import ColumnMapping, DataSource, PullStatus

from .test_file_sources import BILLING, BILLING_MAP

pytestmark = pytest.mark.django_db

PASSWORD = "Pa55-w0rd-never-shown"
SOURCE = {
    "name": "Billing database",
    "kind": "sql",
    "target": "activity",
    "mode": "replace",
    "url": f"postgres://reporting:{PASSWORD}@127.0.0.1:9/billing",
    "query": "SELECT customer_id, period, revenue FROM activity",
    "schedule": "0 6 * * *",
}


def _api(organization, name="api-data-source-list", **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def _page(organization, name="metrics:sources", **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def test_no_answer_page_or_audit_event_shows_the_password(api_client, client, organization, member_of):
    """Given a source added through the API with a password in its URL, then the API's answers (create,
    list, detail, change), the list and source pages and the audit log never contain the password; the
    address is shown with •••• in its place."""
    cco = member_of(Role.CCO)
    api_client.force_authenticate(cco)
    client.force_login(cco)

    created = api_client.post(_api(organization), SOURCE, format="json")
    assert created.status_code == 201, created.content
    source_id = created.json()["id"]
    answers = [
        created,
        api_client.get(_api(organization)),
        api_client.get(_api(organization, "api-data-source-detail", source_id=source_id)),
        api_client.patch(
            _api(organization, "api-data-source-detail", source_id=source_id), {"name": "Billing"}, format="json"
        ),
        client.get(_page(organization)),
        client.get(_page(organization, "metrics:source", source_id=source_id)),
    ]

    for answer in answers:
        assert answer.status_code == 200 or answer is created
        assert PASSWORD.encode() not in answer.content
    assert created.json()["url"] == "postgres://reporting:••••@127.0.0.1:9/billing"
    assert created.json()["has_password"] is True
    audit = list(AuditEvent.objects.filter(organization=organization).values_list("target", "details"))
    assert len(audit) == 2
    assert PASSWORD not in repr(audit)


def test_the_page_adds_a_source_with_its_schedule(client, organization, member_of):
    """Given the CCO, when they fill in the new-source page, then the source is stored with its mapping and
    schedule and they land on its page."""
    client.force_login(member_of(Role.CCO))

    response = client.post(
        _page(organization, "metrics:source_create"),
        {**SOURCE, "column_map": "Customer=customer_id\nAmount=revenue", "enabled": "on"},
    )

    source = DataSource.objects.for_organization(organization).get()
    assert response.status_code == 302
    assert response.url == _page(organization, "metrics:source", source_id=source.pk)
    assert source.column_map == {"customer": "customer_id", "amount": "revenue"}
    assert source.schedule == "0 6 * * *"
    assert source.has_password


def test_the_page_shows_a_bad_query_beside_its_field(client, organization, member_of):
    """A query that writes is refused, named on the form, and nothing is stored."""
    client.force_login(member_of(Role.CCO))

    response = client.post(_page(organization, "metrics:source_create"), {**SOURCE, "query": "DELETE FROM x"})

    assert response.status_code == 200
    assert "must read" in response.context["form"].errors["query"][0]
    assert not DataSource.objects.for_organization(organization).exists()


def test_pull_now_from_the_page_imports_and_shows_the_pull(
    client, organization, member_of, file_server, django_capture_on_commit_callbacks
):
    """Given a file source, when the CCO presses "pull now", then it is imported and its page lists the pull."""
    file_server.files["/billing.csv"] = BILLING
    client.force_login(member_of(Role.CCO))
    client.post(
        _page(organization, "metrics:source_create"),
        {
            "name": "Billing export",
            "kind": "url",
            "target": "activity",
            "mode": "replace",
            "url": file_server.url("/billing.csv"),
            "column_map": "\n".join(f"{key}={value}" for key, value in BILLING_MAP.items()),
        },
    )
    source = DataSource.objects.for_organization(organization).get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_page(organization, "metrics:source_pull", source_id=source.pk))
    response = client.get(_page(organization, "metrics:source", source_id=source.pk))

    pull = source.pulls.get()
    assert pull.status == PullStatus.SUCCEEDED, pull.error
    assert pull.activity_import.file_name.encode() in response.content


def test_the_api_pulls_a_source_now(
    api_client, organization, member_of, file_server, django_capture_on_commit_callbacks
):
    """POST …/pull/ answers 202 and the pull runs in the background (here, in-process)."""
    file_server.files["/billing.csv"] = BILLING
    api_client.force_authenticate(member_of(Role.ADMIN))
    created = api_client.post(
        _api(organization),
        {"name": "Export", "kind": "url", "target": "activity", "url": file_server.url("/billing.csv"),
         "column_map": BILLING_MAP},
        format="json",
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(_api(organization, "api-data-source-pull", source_id=created.json()["id"]))
    pulls = api_client.get(_api(organization, "api-data-source-pulls", source_id=created.json()["id"]))

    assert response.status_code == 202
    assert [pull["status"] for pull in pulls.json()["results"]] == ["succeeded"]


def test_the_column_mapping_is_edited_on_its_page_and_read_through_the_api(client, api_client, organization, member_of):
    """Given the CCO maps their billing export's headers on the page, then the API answers that mapping."""
    cco = member_of(Role.CCO)
    client.force_login(cco)
    api_client.force_authenticate(cco)

    response = client.post(
        _page(organization, "metrics:column_mapping"),
        {"kind": "activity", "mapping": "Customer=customer_id\nInvoice date=period\nAmount=revenue\nNotes="},
    )

    assert response.status_code == 302
    assert ColumnMapping.objects.for_organization(organization).count() == 4
    assert api_client.get(_api(organization, "api-column-mapping")).json() == {
        "activity": {"amount": "revenue", "customer": "customer_id", "invoice_date": "period", "notes": ""}
    }
