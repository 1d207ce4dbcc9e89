"""The timeline's zoom in a real browser: leadership moves from the first year's quarters to the five years of the
path with the keyboard alone, on a laptop and on a phone. Screenshots: tests/artifacts/e2e-timeline-zoom-*.png."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from roadmap.horizon import services
from roadmap.models import Competency, Status
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.roadmap.factories import MilestoneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def path(organization, member_of):
    """A path begun four months ago: a milestone per competency (the first done), and goals for years two to five
    of competency 1 and year 2 of the others."""
    today = timezone.localdate()
    cco = member_of(Role.CCO)
    for competency in Competency.objects.order_by("number"):
        MilestoneFactory(
            organization=organization,
            competency=competency,
            title=f"First step of {competency.short_title or competency.title}",
            start_date=today - timedelta(days=120 - 10 * competency.number),
            due_date=today + timedelta(days=30 * competency.number),
            status=Status.DONE if competency.number == 1 else Status.IN_PROGRESS,
            percent_complete=100 if competency.number == 1 else 20 * competency.number,
        )
        for year in (2, 3, 4, 5) if competency.number == 1 else (2,):
            services.set_yearly_goal(
                organization=organization,
                competency=competency,
                year=year,
                goal=f"Year {year}: {competency.short_title or competency.title} reaches the next stage in every area",
                target_stage=min(year, 5),
                set_by=cco,
            )


def test_leadership_zooms_from_quarters_to_years_with_the_keyboard(
    page, new_page, live_server, sign_in, organization, member_of, path, screenshot
):
    """The timeline opens at quarters; Tab to "Years" and Enter shows the five years side by side, year 1 marked
    as now, with its milestones summed up per competency and the goals of the later years; on a phone the years
    stand one under the other and nothing scrolls sideways."""
    timeline = reverse("roadmap:timeline", kwargs={"org_slug": organization.slug})
    leader = member_of(Role.LEADERSHIP)
    sign_in(page, leader, timeline)
    zoom = page.get_by_role("navigation", name="Zoom the timeline")
    expect(zoom.get_by_role("link", name="Quarters")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="First step of Listening path")).to_be_visible()
    screenshot(page, "timeline-zoom-quarters")

    zoom.get_by_role("link", name="Quarters").focus()
    page.keyboard.press("Tab")
    expect(zoom.get_by_role("link", name="Years")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}{timeline}?zoom=years")
    expect(zoom.get_by_role("link", name="Years")).to_have_attribute("aria-current", "page")
    for year in range(1, 6):
        expect(page.get_by_role("heading", name=f"Year {year}", exact=False)).to_be_visible()
    expect(page.get_by_text("1 of 1 milestone done").first).to_be_visible()
    expect(page.get_by_text("Year 5: Customers as assets reaches the next stage in every area")).to_be_visible()
    screenshot(page, "timeline-zoom-years")

    phone = new_page(PHONE)
    sign_in(phone, leader, f"{timeline}?zoom=years")
    expect(phone.get_by_role("heading", name="Year 5")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "timeline-zoom-years-phone")
    phone.get_by_role("navigation", name="Zoom the timeline").get_by_role("link", name="Quarters").click()
    expect(phone.get_by_role("link", name="First step of Listening path")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "timeline-zoom-quarters-phone")
