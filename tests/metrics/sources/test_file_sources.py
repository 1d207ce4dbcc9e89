"""File sources: a CSV at an address, fetched with a size limit and no redirect to another host, imported as
an upload is, its own headers mapped onto the import's columns."""

import pytest

from metrics.models import ActivityImport
from metrics.sources import services
from metrics.sources.fetchers import SourceError
from metrics.sources.models import PullStatus
from tests.metrics.import_files import csv_bytes, stored_activity

pytestmark = pytest.mark.django_db

BILLING = csv_bytes(
    [
        ("ann", "2024-01-05", "100.00", "North"),
        ("ann", "2024-01-20", "20.50", "North"),
        ("bob", "2024-02-09", "50", ""),
    ],
    header=("Customer", "Invoice date", "Amount", "Region"),
)
BILLING_MAP = {"Customer": "customer_id", "Invoice date": "period", "Amount": "revenue", "Region": "segment"}


def _file_source(organization, url, **fields):
    return services.create_data_source(
        organization=organization, name="Billing", kind="url", target="activity", url=url, **fields
    )


def test_a_file_source_imports_its_csv_under_the_mapped_columns(organization, file_server):
    """Given a billing export at an address and its columns mapped, when the source is pulled, then its
    invoices are imported, added up per customer and month."""
    # given
    file_server.files["/billing.csv"] = BILLING
    source = _file_source(organization, file_server.url("/billing.csv"), column_map=BILLING_MAP)

    # when
    pull = services.pull_data_source(source=source)

    # then
    assert pull.status == PullStatus.SUCCEEDED, pull.error
    assert pull.rows == 3
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (1_205_000, "North"),
        ("bob", "2024-02"): (500_000, ""),
    }


def test_a_redirect_to_another_host_is_refused(organization, file_server):
    """Given an address that redirects to another host, when the source is pulled, then the pull fails
    naming the redirect, and nothing is imported."""
    file_server.redirects["/billing.csv"] = "https://elsewhere.example.com/billing.csv"
    source = _file_source(organization, file_server.url("/billing.csv"))

    with pytest.raises(SourceError, match="redirects to another host"):
        services.pull_data_source(source=source)
    assert not ActivityImport.objects.for_organization(organization).exists()


def test_a_redirect_on_the_same_host_is_followed(organization, file_server):
    """Given an address that redirects to another path of the same host, when pulled, then the file there
    is imported."""
    file_server.files["/2024/billing.csv"] = BILLING
    file_server.redirects["/latest.csv"] = file_server.url("/2024/billing.csv")
    source = _file_source(organization, file_server.url("/latest.csv"), column_map=BILLING_MAP)

    assert services.pull_data_source(source=source).status == PullStatus.SUCCEEDED


def test_a_file_larger_than_an_import_takes_is_refused_unread(organization, file_server, settings):
    """Given a file larger than METRICS_MAX_UPLOAD_BYTES, when pulled, then the pull fails saying so."""
    settings.METRICS_MAX_UPLOAD_BYTES = 64
    file_server.files["/billing.csv"] = BILLING
    source = _file_source(organization, file_server.url("/billing.csv"), column_map=BILLING_MAP)

    with pytest.raises(SourceError, match="larger than"):
        services.pull_data_source(source=source)
    assert not ActivityImport.objects.for_organization(organization).exists()


def test_an_address_that_answers_an_error_fails_the_pull(organization, file_server):
    """A 404 is not worth retrying; the pull fails and says what the address answered."""
    source = _file_source(organization, file_server.url("/missing.csv"))

    with pytest.raises(SourceError, match="404") as failure:
        services.pull_data_source(source=source)
    assert not failure.value.transient


@pytest.mark.parametrize(
    "url", ["http://billing.example.com/export.csv", "ftp://127.0.0.1/export.csv", "file:///etc/passwd"]
)
def test_only_https_addresses_are_taken(organization, url):
    """Plain http (except from this machine, for tests), ftp and local files are refused when saved."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refusal:
        _file_source(organization, url)
    assert "url" in refusal.value.message_dict


def test_the_password_of_a_file_address_is_sent_as_basic_auth(organization, file_server):
    """Given an address with a user and password, when pulled, then the server is asked with them."""
    file_server.files["/billing.csv"] = BILLING
    source = _file_source(
        organization, file_server.url("/billing.csv").replace("//", "//export:s3cret@"), column_map=BILLING_MAP
    )

    services.pull_data_source(source=source)

    assert "s3cret" not in source.url
    assert any(header and header.startswith("Basic ") for header in file_server.auth)
