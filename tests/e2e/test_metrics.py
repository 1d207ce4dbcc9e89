"""The customer asset in a real browser: the CCO uploads a small activity file, watches its import finish,
opens the dashboard's bridge and the customers behind a figure; a leader reads the same on a phone.

The screenshots (tests/artifacts/e2e-metrics-*.png) are for a person to look at, at desktop and phone
width; the assertions check what that person would: the import done with its rows, the bridge's figures,
the chart with its table, and the list of customers behind a figure.
"""

import csv
import io
import random
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cco_portal.organizations.roles import Role
from metrics import selectors
from metrics.computation import compute_customer_movements
from metrics.demo import demo_files
from tests.e2e.conftest import DESKTOP, PHONE
from tests.metrics.activity import load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


def metrics_url(organization, name: str, **kwargs) -> str:
    return reverse(f"metrics:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def small_activity_file() -> bytes:
    """Forty customers over six months: some join late, some leave, some skip a month."""
    rng = random.Random(7)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["customer_id", "period", "revenue", "segment"])
    for number in range(40):
        first, last = rng.randint(0, 3), rng.randint(2, 6)
        for month in MONTHS[first:last]:
            if rng.random() > 0.15:
                writer.writerow(
                    [
                        f"K{number:03d}",
                        month,
                        f"{rng.randint(50, 900)}.{rng.randint(0, 99):02d}",
                        rng.choice(["Retail", "Trade"]),
                    ]
                )
    return text.getvalue().encode()


def assert_fits(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def test_the_cco_imports_a_file_and_reads_the_bridge(
    new_page, live_server, sign_in, screenshot, organization, member_of
):
    """The CCO uploads a CSV on the imports page; the import's page shows it done with all its rows; the
    dashboard shows the bridge of the last month, and its lost figure opens the list of those customers."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    data = small_activity_file()

    # given: the CCO on the imports page of an organization without data
    page = new_page(DESKTOP)
    sign_in(page, cco, path=metrics_url(organization, "imports"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports of customer data")
    expect(page.get_by_text("Nothing imported yet.")).to_be_visible()

    # when: the CCO uploads the file
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "activity-2024.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Import", exact=True).click()

    # then: the import's page shows it finished, the bar full
    expect(page).to_have_url(re.compile(r"/metrics/imports/\d+/$"))
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    rows = data.decode().count("\n") - 1
    expect(page.get_by_text(f"Done: {rows} rows imported")).to_be_visible()
    expect(page.locator(".page-header .import-status")).to_have_text("Imported")
    screenshot(page, "metrics-import-desktop")

    # when: the CCO opens the dashboard
    page.get_by_role("link", name="See the customer asset").click()

    # then: the bridge of June 2024, as the selectors compute it
    june = selectors.bridge(organization, 2024 * 12 + 5)
    expect(page.get_by_role("heading", name="The bridge of June 2024")).to_be_visible()
    expect(page.locator(".bridge-active .bridge-count")).to_contain_text(f"{june.end_count} customer")
    expect(page.locator(".bridge-lost .bridge-count")).to_contain_text(f"{june.row.lost_count} customer")
    expect(page.get_by_role("img", name="Customers who moved, month by month")).to_be_visible()
    screenshot(page, "metrics-dashboard-desktop")

    # when: the CCO opens the customers behind the lost figure
    page.locator(".bridge-lost .bridge-count").click()

    # then: the list of the lost customers of June
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lost")
    lost = selectors.customers_behind(organization, 2024 * 12 + 5, "lost")
    expect(page.locator(".customer-table tbody tr")).to_have_count(len(lost))
    expect(page.locator(".customer-table tbody tr").first).to_contain_text(lost[0].customer)
    screenshot(page, "metrics-customers-desktop")

    # and: the history lists the import, on a desktop and on a phone
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("link", name="activity-2024.csv")).to_be_visible()
    screenshot(page, "metrics-imports-desktop")
    phone = new_page(PHONE)
    sign_in(phone, cco, path=metrics_url(organization, "imports"))
    expect(phone.get_by_role("link", name="activity-2024.csv")).to_be_visible()
    assert_fits(phone, "the imports")
    screenshot(phone, "metrics-imports-phone")


def test_a_leader_reads_two_years_on_a_phone(new_page, live_server, sign_in, screenshot, organization, member_of):
    """Two years of the demo's customers: on a phone the bridge fits the screen, the trend scrolls inside
    its frame, the table under it opens, and a figure leads to its customers."""
    leader = member_of(Role.LEADERSHIP)
    activity, _ = demo_files(list(range(2023 * 12, 2025 * 12)))
    load(
        organization,
        [(r["customer_id"], r["period"], r["revenue"], r["segment"]) for r in csv.DictReader(io.StringIO(activity))],
    )
    compute_customer_movements(organization=organization)

    phone = new_page(PHONE)
    sign_in(phone, leader, path=metrics_url(organization, "dashboard"))
    expect(phone.get_by_role("heading", name="The bridge of December 2024")).to_be_visible()
    assert_fits(phone, "the dashboard")
    phone.get_by_text("The customers of every month as a table").click()
    expect(phone.get_by_role("row", name=re.compile("^January 2023"))).to_be_visible()
    screenshot(phone, "metrics-dashboard-phone")

    desktop = new_page(DESKTOP)
    sign_in(desktop, leader, path=metrics_url(organization, "dashboard"))
    expect(desktop.get_by_role("heading", name="The bridge of December 2024")).to_be_visible()
    screenshot(desktop, "metrics-dashboard-two-years-desktop")

    phone.locator(".bridge-new .bridge-count").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("New")
    assert_fits(phone, "the customer list")
    screenshot(phone, "metrics-customers-phone")
