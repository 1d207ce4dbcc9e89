"""The journey map in a real browser: the CCO starts from the example stages, adds a touchpoint owned by an area
and names the area's leader; an executive on a phone proposes a priority there and commits to it; the CCO records
it as chosen and the map shows it. Screenshots: tests/artifacts/e2e-journey-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.roadmap.factories import OperationalAreaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cco_draws_the_map_and_a_leader_commits_to_a_priority(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Given a CCO, an executive and an area, when the CCO starts the map, adds a touchpoint and names the area's
    leader, and the executive proposes a priority and commits on a phone, then the CCO chooses it and the map
    shows it at its touchpoint, in version 4, on a desktop and on a phone."""
    cco = member_of(Role.CCO)
    leader = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    OperationalAreaFactory(organization=organization, name="Customer service")
    journey_path = reverse("roadmap:journey", kwargs={"org_slug": organization.slug})

    sign_in(page, cco, journey_path)
    expect(page.get_by_role("heading", name="No journey map yet")).to_be_visible()
    screenshot(page, "journey-empty")
    page.get_by_role("button", name="Start with the six example stages").click()
    expect(page.get_by_text("The map starts with six example stages")).to_be_visible()
    adding = page.get_by_role("region", name="Add a touchpoint")
    adding.get_by_label("Touchpoint").fill("Help desk")
    adding.get_by_label("Stage").select_option(label="Get help")
    adding.get_by_label("Owning area").select_option(label="Customer service")
    adding.get_by_role("button", name="Add touchpoint").click()
    expect(page.get_by_text("Touchpoint “Help desk” added to “Get help”.")).to_be_visible()

    page.get_by_role("navigation", name="Roadmap").get_by_role("link", name="Areas").click()
    page.get_by_label("Leader of Customer service").select_option(label="Emery Executive")
    page.get_by_role("button", name="Save Customer service").click()
    expect(page.get_by_text("Customer service saved.")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, leader, journey_path)
    expect(phone.get_by_text("Customer service · led by Emery Executive")).to_be_visible()
    phone.get_by_role("link", name="Priority experiences").click()
    phone.get_by_label("Touchpoint").select_option(label="Get help · Help desk")
    phone.get_by_label("Experience").fill("A person answers within one working day.")
    phone.get_by_role("button", name="Put it on the table").click()
    phone.get_by_label("Dissent").check()
    phone.get_by_role("button", name="Record my stance").click()
    expect(phone.get_by_text("Say why you dissent, so the other leaders can answer it.")).to_be_visible()
    phone.get_by_label("Commit").check()
    phone.get_by_role("button", name="Record my stance").click()
    expect(phone.get_by_text("Your stance is recorded.")).to_be_visible()
    expect(phone.get_by_text("1 committed, 0 dissented, 1 not yet.")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "journey-priority-phone")

    page.goto(live_server.url + journey_path)
    page.get_by_role("link", name="Priority experiences").click()
    page.get_by_role("link", name="A person answers within one working day.").click()
    page.get_by_label("Chosen: show it on the map").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision is recorded in a new version of the map.")).to_be_visible()
    page.goto(live_server.url + journey_path)
    expect(page.locator(".journey-priorities").get_by_text("A person answers within one working day.")).to_be_visible()
    expect(page.get_by_text("Version 4, of")).to_be_visible()
    screenshot(page, "journey-map")

    phone.goto(live_server.url + journey_path)
    expect(phone.locator(".journey-priorities").get_by_text("A person answers within one working day.")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "journey-map-phone")
