"""manage.py add_data_source and pull_data_source: the same services as the pages and the API."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metrics.sources.models import DataSource, PullStatus
from tests.metrics.import_files import stored_activity

from .test_file_sources import BILLING

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_add_then_pull_a_file_source(organization, file_server):
    """Given a billing export at an address, when a source is added with its columns mapped and pulled, then
    its rows are imported and the command says how many."""
    file_server.files["/billing.csv"] = BILLING
    run(
        "add_data_source", organization.slug, "Billing", "--kind", "url", "--target", "activity",
        "--url", file_server.url("/billing.csv"),
        "--map", "Customer=customer_id", "--map", "Invoice date=period", "--map", "Amount=revenue",
        "--map", "Region=segment",
    )  # fmt: skip

    output = run("pull_data_source", organization.slug, "Billing")

    assert "Imported 3 rows from Billing." in output
    assert ("ann", "2024-01") in stored_activity(organization)


def test_add_data_source_never_prints_the_password(organization):
    """The command confirms the source with its address, the password shown as ••••."""
    output = run(
        "add_data_source", organization.slug, "Warehouse", "--kind", "sql", "--target", "reasons",
        "--url", "mysql://reader:Secr3t-pw@127.0.0.1:9/crm", "--query", "SELECT customer_id, period, reason FROM lost",
    )  # fmt: skip

    assert "Secr3t-pw" not in output
    assert "mysql://reader:••••@127.0.0.1:9/crm" in output
    assert DataSource.objects.for_organization(organization).get().target == "reasons"


def test_add_data_source_refuses_a_bad_source_with_the_reason(organization):
    with pytest.raises(CommandError, match="must read"):
        run(
            "add_data_source", organization.slug, "Bad", "--kind", "sql", "--target", "activity",
            "--url", "postgres://x@127.0.0.1:9/crm", "--query", "DROP TABLE customers",
        )  # fmt: skip


def test_pull_data_source_exits_non_zero_with_the_reason(organization):
    """Given a source whose database refuses the connection, the pull command fails saying so."""
    run(
        "add_data_source", organization.slug, "Warehouse", "--kind", "sql", "--target", "activity",
        "--url", "postgres://reader@127.0.0.1:9/crm", "--query", "SELECT 1",
    )  # fmt: skip

    with pytest.raises(CommandError, match="could not connect to the database"):
        run("pull_data_source", organization.slug, "Warehouse")
    assert DataSource.objects.for_organization(organization).get().pulls.get().status == PullStatus.FAILED


def test_pull_data_source_names_an_unknown_source(organization):
    with pytest.raises(CommandError, match="no data source named 'Nothing'"):
        run("pull_data_source", organization.slug, "Nothing")
