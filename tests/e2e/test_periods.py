"""The bridge by quarter and by year in a real browser: a leader switches the dashboard from months to quarters,
reads a quarter's bridge and trend, and opens the customers behind its lost figure; the same on a phone, and by
year. The screenshots (tests/artifacts/e2e-periods-*.png) are for a person to look at."""

import csv
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cco_portal.organizations.roles import Role
from metrics import periods
from metrics.computation import compute_customer_movements
from metrics.demo import demo_files
from tests.e2e.conftest import DESKTOP, PHONE
from tests.metrics.activity import load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def metrics_url(organization, name: str) -> str:
    return reverse(f"metrics:{name}", kwargs={"org_slug": organization.slug})


def assert_fits(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


@pytest.fixture
def two_years(organization):
    """The demo's customers from January 2023 to March 2025: nine quarters, the last one complete."""
    activity, _ = demo_files(list(range(2023 * 12, 2025 * 12 + 3)))
    load(
        organization,
        [(r["customer_id"], r["period"], r["revenue"], r["segment"]) for r in csv.DictReader(io.StringIO(activity))],
    )
    compute_customer_movements(organization=organization)
    return organization


def test_a_leader_switches_to_quarters_and_opens_the_lost_customers(
    new_page, live_server, sign_in, screenshot, two_years, member_of
):
    leader = member_of(Role.LEADERSHIP)
    quarter = periods.parse_period_label("2025-Q1", 3)
    lost = periods.customers_behind_period(two_years, 3, quarter, "lost").count()

    # given: the dashboard by month
    page = new_page(DESKTOP)
    sign_in(page, leader, path=metrics_url(two_years, "dashboard"))
    expect(page.get_by_role("heading", name="The bridge of March 2025")).to_be_visible()

    # when: the leader shows it by quarter
    page.get_by_label("Show by").select_option("quarter")
    page.get_by_role("button", name="Show").click()

    # then: the last quarter's bridge, the quarters' trend and its table
    expect(page.get_by_role("heading", name="The bridge of Q1 2025")).to_be_visible()
    expect(page.get_by_label("Quarter", exact=True)).to_have_value("2025-Q1")
    expect(page.get_by_role("heading", name="The 8 quarters to Q1 2025")).to_be_visible()
    page.get_by_text("The customers of every quarter as a table").click()
    expect(page.get_by_role("row", name=re.compile("^Q2 2023"))).to_be_visible()
    expect(page.locator(".bridge-lost .bridge-count")).to_contain_text(f"{lost:,}")
    screenshot(page, "periods-dashboard-quarter-desktop")

    # when: the leader opens the lost customers of the quarter
    page.locator(".bridge-lost .bridge-count").click()

    # then: the list of the quarter's lost customers, with the quarter still chosen
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lost")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Q1 2025")
    expect(page.get_by_role("status")).to_contain_text(f"{lost:,} customer")
    expect(page.get_by_label("Show by")).to_have_value("quarter")
    expect(page.get_by_role("link", name="Back to the bridge of Q1 2025")).to_be_visible()
    screenshot(page, "periods-customers-quarter-desktop")


def test_quarters_and_years_on_a_phone(new_page, live_server, sign_in, screenshot, two_years, member_of):
    leader = member_of(Role.LEADERSHIP)

    phone = new_page(PHONE)
    sign_in(phone, leader, path=metrics_url(two_years, "dashboard") + "?by=quarter&period=2024-Q4")
    expect(phone.get_by_role("heading", name="The bridge of Q4 2024")).to_be_visible()
    assert_fits(phone, "the dashboard by quarter")
    screenshot(phone, "periods-dashboard-quarter-phone")

    phone.locator(".bridge-decreased .bridge-count").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Q4 2024")
    assert_fits(phone, "the customers of a quarter")
    screenshot(phone, "periods-customers-quarter-phone")

    phone.goto(live_server.url + metrics_url(two_years, "dashboard") + "?by=year")
    expect(phone.get_by_role("heading", name="The bridge of 2025")).to_be_visible()
    expect(phone.get_by_text("This year is still open: its figures are to date, to March 2025.")).to_be_visible()
    assert_fits(phone, "the dashboard by year")
    screenshot(phone, "periods-dashboard-year-phone")
