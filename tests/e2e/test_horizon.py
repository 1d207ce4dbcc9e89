"""The five-year path in a real browser: the CCO sets a competency's goal for year 2 and leadership reads the path
on a phone. Screenshots: tests/artifacts/e2e-horizon-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE, sideways_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cco_sets_a_yearly_goal_and_leadership_reads_the_path(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """When the CCO sets competency 3's goal for year 2, aiming for stage 3, leadership sees it on a phone under
    that competency, with the year of the path the organization is in."""
    horizon_path = reverse("roadmap:horizon", kwargs={"org_slug": organization.slug})
    sign_in(page, member_of(Role.CCO), horizon_path)
    expect(page.get_by_role("heading", name="Year 1 of 5")).to_be_visible()
    form = page.get_by_role("region", name="Set a yearly goal")
    form.get_by_label("Competency").select_option(index=2)
    form.get_by_label("Year of the path").select_option(label="Year 2")
    form.get_by_label("Goal").fill("Every stage of the journey has a source, each with an owner.")
    form.get_by_label("Stage it aims for").select_option(index=3)
    form.get_by_role("button", name="Set the goal").click()
    expect(page.get_by_text("The goal is set.")).to_be_visible()
    screenshot(page, "horizon")

    phone = new_page(PHONE)
    sign_in(phone, member_of(Role.LEADERSHIP), horizon_path)
    expect(phone.get_by_text("Every stage of the journey has a source, each with an owner.")).to_be_visible()
    expect(phone.get_by_role("region", name="Set a yearly goal")).to_have_count(0)
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "horizon-phone")
