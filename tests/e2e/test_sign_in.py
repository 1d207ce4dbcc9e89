"""Signing in and finding one's way: the navigation each role sees, and the organization switcher."""

import re

import pytest
from playwright.sync_api import Page, expect

from cco_portal.organizations.roles import Role
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def test_cco_signs_in_and_switches_to_the_other_organization(
    page, live_server, sign_in, screenshot, organization, other_organization, member_of
):
    """CCO in Acme, leadership in Globex: a link to Acme, the login form, Acme's overview, then Globex."""
    # given: a person who is CCO in one organization and on the leadership team of another
    user = member_of(Role.CCO, full_name="Casey Customer")
    MembershipFactory(organization=other_organization, user=user, role=Role.LEADERSHIP)

    # when: they open a link to the first organization and sign in through the form
    sign_in(page, user, path=f"/o/{organization.slug}/")

    # then: they land on its overview, with the navigation of a CCO (no administration)
    expect(page).to_have_url(f"{live_server.url}/o/{organization.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    expect(page).to_have_title(re.compile(organization.name))
    expect(page.get_by_text("Chief Customer Officer", exact=True)).to_be_visible()
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Members")).to_have_count(0)
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    screenshot(page, "sign-in-overview")

    # when: they switch organization through the navbar switcher
    switcher = nav.get_by_role("button", name=f"Organization: {organization.name}")
    switcher.click()
    expect(switcher).to_have_attribute("aria-expanded", "true")
    screenshot(page, "sign-in-switcher-open")
    nav.get_by_role("link", name=other_organization.name).click()

    # then: the other organization's overview, with the navigation and role held there
    expect(page).to_have_url(f"{live_server.url}/o/{other_organization.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(other_organization.name)
    expect(page).to_have_title(re.compile(other_organization.name))
    expect(nav.get_by_role("button", name=f"Organization: {other_organization.name}")).to_be_visible()
    expect(page.get_by_text("Leadership", exact=True)).to_be_visible()
    expect(page.get_by_text("Chief Customer Officer", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="Members")).to_have_count(0)
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    screenshot(page, "sign-in-switched")


def test_admin_sees_members_and_settings(page, live_server, sign_in, screenshot, organization, admin_user):
    """An admin of one organization goes straight to it and finds the administration in the navigation."""
    sign_in(page, admin_user)

    expect(page).to_have_url(f"{live_server.url}/o/{organization.slug}/")
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Members")).to_be_visible()
    expect(nav.get_by_role("link", name="Settings")).to_be_visible()
    screenshot(page, "sign-in-admin-overview")

    nav.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Members of {organization.name}")
    expect(nav.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")


def test_person_of_two_organizations_chooses_one_after_signing_in(
    page, live_server, sign_in, screenshot, organization, other_organization, member_of
):
    """Signing in at the front door with two organizations shows the choice, not one of them at random."""
    user = member_of(Role.EXECUTIVE)
    MembershipFactory(organization=other_organization, user=user, role=Role.LEADERSHIP)

    sign_in(page, user)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organizations")
    screenshot(page, "sign-in-choose")
    page.get_by_role("main").get_by_role("link", name=re.compile(other_organization.name)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(other_organization.name)


def test_phone_navbar_toggler_opens_the_menu(phone_page, live_server, sign_in, screenshot, organization, admin_user):
    """At 390 px the navigation collapses behind the toggler, which opens it."""
    page = phone_page
    sign_in(page, admin_user)
    expect(page).to_have_url(f"{live_server.url}/o/{organization.slug}/")

    nav = main_nav(page)
    toggler = nav.get_by_role("button", name="Show navigation")
    members = nav.get_by_role("link", name="Members")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(members).to_be_hidden()
    screenshot(page, "sign-in-phone-collapsed")

    toggler.click()

    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(members).to_be_visible()
    expect(nav.get_by_role("button", name=f"Organization: {organization.name}")).to_be_visible()
    screenshot(page, "sign-in-phone-menu-open")

    members.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Members of {organization.name}")
