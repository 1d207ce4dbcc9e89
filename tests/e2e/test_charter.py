"""The customer-asset charter in a real browser: the CCO proposes it, a leader objects then agrees on a phone,
the CCO records it as agreed and the page shows it in force. Screenshots: tests/artifacts/e2e-charter-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_leaders_sign_the_charter_the_cco_proposed(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Given a CCO and a leader, when the CCO proposes the charter, the leader objects without saying why (and is
    told to), then agrees, and the CCO records it, then the charter is in force, agreed by 1 of 1 leader."""
    cco = member_of(Role.CCO)
    leader = member_of(Role.LEADERSHIP, full_name="Lee Leadership")
    charter_path = reverse("metrics:charter", kwargs={"org_slug": organization.slug})

    sign_in(page, cco, charter_path)
    expect(page.get_by_role("heading", name="No charter yet")).to_be_visible()
    screenshot(page, "charter-empty")
    page.get_by_role("link", name="Propose the charter").click()
    page.get_by_label("Our intent").fill("We count customers as the asset the whole company earns or loses.")
    page.get_by_role("button", name="Propose for signature").click()
    expect(page.get_by_role("heading", name="Open for signatures: version 1")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, leader, charter_path)
    phone.get_by_label("Object").check()
    phone.get_by_role("button", name="Record my decision").click()
    expect(phone.get_by_text("Say what you object to, so the CCO can answer it.")).to_be_visible()
    phone.get_by_label("Agree").check()
    phone.get_by_role("button", name="Record my decision").click()
    expect(phone.get_by_text("Your decision on the charter is recorded.")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "charter-signed-phone")

    page.reload()
    page.get_by_role("button", name="Record as agreed").click()
    expect(page.get_by_role("heading", name="In force: version 1")).to_be_visible()
    expect(page.get_by_text("Definitions agreed by 1 of 1 leader on")).to_be_visible()
    screenshot(page, "charter-in-force")
