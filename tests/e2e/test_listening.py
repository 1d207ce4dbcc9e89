"""The listening path in a real browser: the CCO sees the map's stages as gaps, adds a survey at one stage owned
by an executive and attaches a data source to another; the executive on a phone records the survey's report; the
gaps shrink to the stage nobody hears. Screenshots: tests/artifacts/e2e-listening-*.png."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from roadmap.journey.services import add_stage
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.metrics.factories import DataSourceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cco_lays_out_the_path_and_an_owner_reports_on_a_phone(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Given three stages and a data source, when the CCO adds a monthly survey at "Get help" owned by the
    executive and attaches the data source to "Buy", and the executive records the survey's report on a phone,
    then only "Renew" remains a gap, on a desktop and on a phone."""
    cco = member_of(Role.CCO)
    owner = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    for name in ("Buy", "Get help", "Renew"):
        add_stage(organization=organization, name=name, changed_by=cco)
    DataSourceFactory(organization=organization, name="Shop orders", schedule="0 6 * * *")
    listening_path = reverse("roadmap:listening", kwargs={"org_slug": organization.slug})

    sign_in(page, cco, listening_path)
    expect(page.get_by_text("Nobody listens to customers at “Get help”.")).to_be_visible()
    screenshot(page, "listening-gaps")
    adding = page.get_by_role("region", name="Add a source")
    adding.get_by_label("Name").fill("Satisfaction after a case")
    adding.get_by_label("Kind").select_option(label="Survey")
    adding.get_by_label("Get help").check()
    adding.get_by_label("Owner").select_option(label="Emery Executive")
    adding.get_by_label("Cadence").select_option(label="Monthly")
    adding.get_by_role("button", name="Add the source").click()
    expect(page.get_by_text("“Satisfaction after a case” added to the listening path.")).to_be_visible()
    attaching = page.get_by_role("region", name="Attach a data source")
    attaching.get_by_label("Stage").select_option(label="Buy")
    attaching.get_by_label("Data source").select_option(label="Shop orders")
    attaching.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("The data source now listens at “Buy”.")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, owner, listening_path)
    phone.get_by_role("link", name="Satisfaction after a case").first.click()
    expect(phone.get_by_text("No report yet: record the first one when the source speaks.")).to_be_visible()
    phone.get_by_label("Note").fill("4.3 of 5; 'owned my case to the end'.")
    phone.get_by_role("button", name="Record it").click()
    expect(phone.get_by_text("Report recorded.")).to_be_visible()
    expect(phone.get_by_text(timezone.localdate().strftime("%-d %B %Y")).first).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "listening-source-phone")

    page.goto(live_server.url + listening_path)
    gaps = page.get_by_role("region", name="Gaps")
    expect(gaps.get_by_text("Nobody listens to customers at “Renew”.")).to_be_visible()
    expect(gaps.get_by_text("“Get help”")).to_have_count(0)
    expect(page.get_by_role("region", name="2. Get help").get_by_text("Satisfaction after a case")).to_be_visible()
    expect(page.get_by_role("region", name="1. Buy").get_by_role("link", name="Shop orders")).to_be_visible()
    screenshot(page, "listening-path")

    phone.goto(live_server.url + listening_path)
    expect(phone.get_by_role("region", name="1. Buy").get_by_text("Behavioural data")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "listening-path-phone")
