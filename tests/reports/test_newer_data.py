"""A report is never silently older than the dashboard: where newer customer data changes its month, the page,
the PDF and the API say so, until the report is recomputed by itself."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from metrics import services as metric_services
from metrics.months import month_label
from reports import services
from tests.reports.conftest import FIRST_MONTH, LAST_MONTH, MARCH

pytestmark = pytest.mark.django_db

NOTICE = "Newer customer data (version {version}) changes this month"


@pytest.fixture
def reports_of_every_month(organization, customer_data):
    for month in range(FIRST_MONTH, LAST_MONTH + 1):
        services.compute_report(organization=organization, month=month, notify=False)
    return customer_data


def _import_march(organization, user):
    content = b"customer_id,period,revenue,segment\nann,2024-03,321,North\n"
    metric_services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("march.csv", content, content_type="text/csv"),
        created_by=user,
    )


def _says(client, api_client, organization, month: int) -> dict[str, bool | int | None]:
    """What the page, the PDF and the API of `month`'s report say about newer data."""
    kwargs = {"org_slug": organization.slug, "month": month_label(month)}
    page = client.get(reverse("reports:dashboard", kwargs=kwargs))
    pdf = client.get(reverse("reports:pdf", kwargs=kwargs))
    pdf_text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf.content)).pages)
    api = api_client.get(reverse("api-report-detail", kwargs=kwargs)).data
    return {
        "page": "Newer customer data" in page.content.decode(),
        "pdf": "Newer customer data" in " ".join(pdf_text.split()),
        "api": api["newer_data_version"],
        "page_context": page.context["newer_data_version"],
    }


def test_newer_data_is_named_on_the_months_it_changes_until_the_report_refreshes(
    client,
    api_client,
    organization,
    reports_of_every_month,
    cco_user,
    clock,
    settings,
    django_capture_on_commit_callbacks,
):
    """Given the reports of January to April, when March's data changes, then the reports of March and April
    (not February) say on the page, in the PDF and in the API which newer data version changes them; once the
    refresh has recomputed them, none says so."""
    settings.REPORTS_DEBOUNCE_SECONDS = 60
    client.force_login(cco_user)
    api_client.force_authenticate(cco_user)
    before = reports_of_every_month.version
    up_to_date = {"page": False, "pdf": False, "api": None, "page_context": None}
    assert _says(client, api_client, organization, MARCH) == up_to_date

    with django_capture_on_commit_callbacks(execute=True):
        _import_march(organization, cco_user)

    newer = before + 1
    expected = {"page": True, "pdf": True, "api": newer, "page_context": newer}
    assert _says(client, api_client, organization, MARCH) == expected
    assert _says(client, api_client, organization, LAST_MONTH) == expected
    assert _says(client, api_client, organization, MARCH - 1) == up_to_date
    assert (
        NOTICE.format(version=newer)
        in client.get(
            reverse("reports:dashboard", kwargs={"org_slug": organization.slug, "month": "2024-03"})
        ).content.decode()
    )

    clock.advance(seconds=120)
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_changed_reports(now=clock())

    assert _says(client, api_client, organization, MARCH) == up_to_date
    assert _says(client, api_client, organization, LAST_MONTH) == up_to_date
