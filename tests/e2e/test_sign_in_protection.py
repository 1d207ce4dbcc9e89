"""Sign-in protection in the browser: the lockout page after repeated failures, and the API documentation working
under the Content-Security-Policy (the fixtures fail a test on any console error, a policy violation included)."""

import re

import pytest
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_five_wrong_passwords_pause_sign_in_with_a_page_that_says_when(page, live_server, screenshot, member_of):
    """Four wrong passwords show the form's error; the fifth shows the pause, in the portal's layout, with the
    time to try again and a way to a new password."""
    # given
    person = member_of(Role.CCO)
    page.goto(live_server.url + "/accounts/login/")

    # when
    for attempt in range(5):
        page.get_by_label("Email address").fill(person.email)
        page.get_by_label("Password").fill(f"wrong password {attempt}")
        page.get_by_role("button", name="Sign in").click()
        if attempt < 4:
            expect(page.get_by_text("Please enter a correct email address and password")).to_be_visible()

    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    expect(page).to_have_title(re.compile("Sign-in paused"))
    expect(page.get_by_text(re.compile(r"Try again in 15 minutes, after \d\d:\d\d"))).to_be_visible()
    expect(page.get_by_role("link", name="choose a new one")).to_have_attribute("href", "/accounts/password_reset/")
    screenshot(page, "sign-in-locked-out")


def test_the_api_documentation_runs_under_the_policy(page, live_server, sign_in, screenshot, organization, member_of):
    """Swagger UI loads from the portal's own static files, its nonce'd script starts it, and a call made from
    it with the browser's session answers."""
    # given
    sign_in(page, member_of(Role.CCO))

    # when
    page.goto(live_server.url + "/api/docs/")
    operation = page.locator("#operations-organizations-orgs_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    # then
    expect(page.get_by_role("heading", name=re.compile("CCO Portal API"))).to_be_visible()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text(organization.slug)
    screenshot(page, "api-docs")
