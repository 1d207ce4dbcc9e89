"""The second factor in a real browser: an admin, whom the organization's rule requires to have one, is sent to
set it up at sign-in and can open nothing else; they read the key off the page, enter the code an app would show
(computed here from that key), keep the recovery codes, and next time sign in with a code after the password."""

import re

import pytest
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD
from tests.second_factor.codes import current_code_for_secret, next_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_is_made_to_set_up_a_second_factor_then_signs_in_with_it(
    page, phone_page, live_server, sign_in, screenshot, organization, member_of, second_factor_enforced
):
    # given: an admin without a second factor, in an organization that requires one of admins (the default)
    admin = member_of(Role.ADMIN, email="ada@example.com", full_name="Ada Admin")

    # when: they sign in, wanting the members page
    sign_in(page, admin, path=f"/o/{organization.slug}/members/")

    # then: they are on the set-up page, and any other page sends them back there
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    expect(page.get_by_text("Your role requires a second factor")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of your new authenticator account")).to_be_visible()
    screenshot(page, "second-factor-setup")
    page.goto(f"{live_server.url}/o/{organization.slug}/settings/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))

    # when: they type the key into their app (here: compute its code) and enter the code
    secret = page.get_by_test_id("secret").inner_text()
    page.get_by_label("Code from the app").fill(current_code_for_secret(secret))
    page.get_by_role("button", name="Turn on the second factor").click()

    # then: ten recovery codes, shown once, and the way on to the page they last wanted
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    screenshot(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page).to_have_url(f"{live_server.url}/o/{organization.slug}/settings/")

    # when: they sign out, and sign in again on a phone
    page.get_by_role("button", name=re.compile(r"^Account:")).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    phone_page.goto(f"{live_server.url}/o/{organization.slug}/")
    phone_page.get_by_label("Email address").fill(admin.email)
    phone_page.get_by_label("Password").fill(PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()

    # then: the code is asked for; a wrong one is refused with the reason, the app's next one lets them in
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    phone_page.get_by_label("Code").fill("000000")
    phone_page.get_by_role("button", name="Continue").click()
    expect(phone_page.get_by_text("That code is wrong")).to_be_visible()
    screenshot(phone_page, "second-factor-verify-phone")
    phone_page.get_by_label("Code").fill(next_code(admin.totpdevice_set.get()))
    phone_page.get_by_role("button", name="Continue").click()
    expect(phone_page).to_have_url(f"{live_server.url}/o/{organization.slug}/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(organization.name)
