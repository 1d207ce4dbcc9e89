"""Every page people meet, on a desktop and a phone: it renders, fits the width, and is saved as a screenshot.

The screenshots (tests/artifacts/e2e-page-*.png) are for a person to look at; the assertions catch what a
person would: the page's own heading, and no sideways scrolling on a phone.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cco_portal.organizations import services
from cco_portal.organizations.roles import Role
from tests.e2e.conftest import DESKTOP, PHONE
from tests.factories import InvitationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture(params=VIEWPORTS)
def viewport(request):
    return request.param


@pytest.fixture
def look(viewport, screenshot):
    """Check the page shows `heading` and fits the viewport, then save it as e2e-page-<name>-<viewport>.png."""
    width = "phone" if viewport == PHONE else "desktop"

    def check(page: Page, name: str, heading: str | re.Pattern) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        screenshot(page, f"page-{name}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport['width']}px"

    return check


@pytest.fixture
def browse(new_page, viewport):
    return lambda: new_page(viewport)


def test_login_page(browse, live_server, look):
    page = browse()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("Email address")).to_be_visible()
    look(page, "login", "Sign in")

    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    look(page, "login-errors", "Sign in")


def test_admin_pages(browse, live_server, sign_in, look, organization, admin_user, member_of):
    # The longest names the bar shows, cut short: the bar must still fit a desktop window.
    organization.name = "Acme Outfitters International Holdings"
    organization.save(update_fields=["name"])
    admin_user.full_name = "Maximilianus Featherstonehaugh"
    admin_user.save(update_fields=["full_name"])
    member = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    member_of(Role.CCO, full_name="Casey Customer")
    InvitationFactory(organization=organization, email="robin@example.com", role=Role.CCO, invited_by=admin_user)
    page = browse()
    sign_in(page, admin_user)

    look(page, "overview-admin", organization.name)

    page.goto(f"{live_server.url}/o/{organization.slug}/members/")
    expect(page.get_by_role("cell", name=re.compile("^robin@example.com"))).to_be_visible()
    look(page, "members", f"Members of {organization.name}")

    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_role("radio", name=re.compile("^Leadership")).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to sam@example.com as Leadership.")
    look(page, "members-invitation-sent", f"Members of {organization.name}")

    page.goto(f"{live_server.url}/o/{organization.slug}/members/{member.pk}/")
    expect(page.get_by_role("checkbox", name=re.compile("^Executive"))).to_be_checked()
    look(page, "member-roles", f"Roles of {member.display_name}")

    page.goto(f"{live_server.url}/o/{organization.slug}/members/invite/")
    look(page, "invite", f"Invite someone to {organization.name}")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    look(page, "invite-errors", f"Invite someone to {organization.name}")

    page.goto(f"{live_server.url}/o/{organization.slug}/members/{member.pk}/remove/")
    look(page, "member-remove", f"Remove {member.display_name}?")

    page.goto(f"{live_server.url}/o/{organization.slug}/settings/")
    look(page, "settings", f"Settings of {organization.name}")


def test_admin_members_without_invitations(browse, live_server, sign_in, look, organization, admin_user):
    page = browse()
    sign_in(page, admin_user, path=f"/o/{organization.slug}/members/")
    look(page, "members-no-invitations", f"Members of {organization.name}")


def test_invitation_pages(browse, live_server, look, organization, admin_user):
    new_person = InvitationFactory(organization=organization, role=Role.EXECUTIVE, invited_by=admin_user)
    page = browse()
    page.goto(f"{live_server.url}/invitations/{services.invitation_token(new_person)}/")
    expect(page.get_by_label("Your name")).to_be_visible()
    look(page, "accept-invitation", f"Join {organization.name}")

    existing = UserFactory()
    for_account = InvitationFactory(organization=organization, email=existing.email, invited_by=admin_user)
    page.goto(f"{live_server.url}/invitations/{services.invitation_token(for_account)}/")
    expect(page.get_by_role("link", name="Sign in to accept")).to_be_visible()
    look(page, "accept-invitation-existing-account", f"Join {organization.name}")

    services.revoke_invitation(invitation=new_person)
    page.goto(f"{live_server.url}/invitations/{services.invitation_token(new_person)}/")
    expect(page.get_by_text("withdrawn")).to_be_visible()
    look(page, "invitation-unusable", "This invitation cannot be used")


def test_forbidden_page(browse, live_server, sign_in, look, organization, cco_user):
    page = browse()
    sign_in(page, cco_user)
    response = page.goto(f"{live_server.url}/o/{organization.slug}/members/")
    assert response.status == 403
    look(page, "403", "You cannot open this page")


def test_not_found_page(browse, live_server, sign_in, look, organization, cco_user):
    page = browse()
    sign_in(page, cco_user)
    response = page.goto(f"{live_server.url}/o/no-such-organization/")
    assert response.status == 404
    look(page, "404", "This page does not exist")


def test_without_organization(browse, live_server, sign_in, look):
    page = browse()
    sign_in(page, UserFactory())
    look(page, "no-organization", "Your organizations")


def test_password_reset_page(browse, live_server, look):
    page = browse()
    page.goto(f"{live_server.url}/accounts/password_reset/")
    look(page, "password-reset", "Reset your password")


def focus_by_keyboard(page: Page, target) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would get there."""
    for _ in range(20):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("Tab never reached the element")


def outline_of(locator) -> dict:
    return locator.evaluate(
        "element => { const s = getComputedStyle(element); return {style: s.outlineStyle,"
        " width: parseFloat(s.outlineWidth), color: s.outlineColor, background: s.backgroundColor}; }"
    )


def test_keyboard_focus_is_visible(page, live_server, sign_in, screenshot, organization, admin_user):
    """Tabbing shows the skip link first, then a clear ring on the navbar's controls and in menus."""
    sign_in(page, admin_user)
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    page.reload()  # a fresh document: the mouse click of the sign-in is forgotten

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    switcher = page.get_by_role("button", name=f"Organization: {organization.name}")
    focus_by_keyboard(page, switcher)
    ring = outline_of(switcher)
    assert ring["style"] == "solid"
    assert ring["width"] >= 2
    assert ring["color"] == "rgb(240, 180, 41)"  # amber on the dark navbar

    page.keyboard.press("Enter")
    expect(switcher).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    item = page.get_by_role("link", name=organization.name, exact=True)
    expect(item).to_be_focused()
    ring = outline_of(item)
    assert ring["style"] == "solid"
    assert ring["color"] != ring["background"], "the ring must stand out from the active item's background"
    screenshot(page, "keyboard-focus-switcher")

    page.keyboard.press("Escape")
    members_card_link = page.get_by_role("main").get_by_role("link", name="Manage members")
    focus_by_keyboard(page, members_card_link)
    ring = outline_of(members_card_link)
    assert ring["style"] == "solid"
    assert ring["color"] == "rgb(31, 78, 121)"  # brand blue on white
    screenshot(page, "keyboard-focus-card")
