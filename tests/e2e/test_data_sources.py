"""Data sources in a real browser: the CCO registers a billing export at an address with its own column names,
pulls it now and reads the pull in the source's history; the column mapping page; the same on a phone.

The screenshots (tests/artifacts/e2e-sources-*.png) are for a person to look at."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE
from tests.metrics.sources.http_files import FileServer
from tests.metrics.sources.test_file_sources import BILLING, BILLING_MAP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def file_server():
    server = FileServer()
    yield server
    server.close()


def test_the_cco_adds_a_file_source_and_pulls_it_now(
    page, new_page, live_server, sign_in, organization, member_of, file_server, screenshot
):
    """Given the CCO and a billing export at an address, when they add it as a source with its columns mapped
    and press "Pull now", then the source's page lists an imported pull of its three rows, with the import."""
    file_server.files["/billing.csv"] = BILLING
    cco = member_of(Role.CCO)
    sign_in(page, cco, reverse("metrics:sources", kwargs={"org_slug": organization.slug}))
    screenshot(page, "sources-empty")

    page.get_by_role("link", name="Add a source").click()
    page.locator("#id_name").fill("Billing export")
    page.locator("#id_kind").select_option("url")
    page.locator("#id_url").fill(file_server.url("/billing.csv"))
    page.get_by_label("Column mapping").fill("\n".join(f"{key}={value}" for key, value in BILLING_MAP.items()))
    page.locator("#id_schedule").fill("0 6 * * *")
    page.get_by_role("button", name="Add the source").click()
    expect(page.get_by_role("heading", name="Billing export")).to_be_visible()

    page.get_by_role("button", name="Pull now").click()
    history = page.get_by_role("table")
    expect(history).to_contain_text("Imported")
    expect(history).to_contain_text("3")
    expect(history.get_by_role("link", name=re.compile(r"Billing export-.*\.csv"))).to_be_visible()
    screenshot(page, "sources-source")

    page.goto(live_server.url + reverse("metrics:sources", kwargs={"org_slug": organization.slug}))
    expect(page.get_by_role("table")).to_contain_text("0 6 * * *")
    screenshot(page, "sources-list")

    page.get_by_role("link", name="Column mapping of uploads").click()
    page.get_by_label("Column mapping").fill("Customer=customer_id\nInvoice date=period\nAmount=revenue")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_text("The column mapping is saved.")).to_be_visible()
    screenshot(page, "sources-mapping")

    phone = new_page(PHONE)
    sign_in(phone, cco, reverse("metrics:sources", kwargs={"org_slug": organization.slug}))
    phone.get_by_role("link", name="Billing export").click()
    expect(phone.get_by_role("button", name="Pull now")).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the source page scrolls sideways by {overflow}px on a phone"
    screenshot(phone, "sources-source-phone")
