"""Single sign-on through a real OpenID provider (oidc-provider, tests/e2e/oidc/provider.mjs): the whole sign-in
through the provider's own login and consent pages, the sign-out that ends the provider's session too, and the
refusals of an unverified email, of a replayed state, of an ID token for another audience and of an expired one (the
provider asked to issue them, signed with its own key) and of an address whose domain belongs to no organization."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.models import Membership
from cco_portal.organizations.roles import Role
from cco_portal.sso.services import save_identity_provider
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.e2e.test_accessibility import AXE, AXE_OPTIONS, RUN_AXE, SEVERE
from tests.factories import InvitationFactory
from tests.sso.oidc_provider import EXPIRED, UNVERIFIED, VERIFIED, WRONG_AUDIENCE, running_provider

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def oidc_provider(live_server):
    with running_provider([live_server.url]) as provider:
        yield provider


@pytest.fixture
def acme_signs_on(organization, admin_user, oidc_provider):
    """Acme's admin connected the provider for acme.test, with no role for a newcomer."""
    return save_identity_provider(
        organization=organization,
        acting_user=admin_user,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret=oidc_provider.client_secret,
        domains=["acme.test"],
    )


def offline_provider_pages(page: Page, provider_url: str) -> None:
    """The provider's development pages load a web font from Google and ask for a favicon it has not got; the
    tests run offline, so both are answered empty, as the browser would report them as errors otherwise."""
    page.route("https://fonts.googleapis.com/**", lambda route: route.fulfill(body="", content_type="text/css"))
    page.route(f"{provider_url}/favicon.ico", lambda route: route.fulfill(status=204))


def start_company_sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your company's account").click()
    page.get_by_label("Your work email address").fill(email)
    page.get_by_role("button", name="Continue").click()


def sign_in_at_the_provider(page: Page, login: str, screenshot=None) -> None:
    """The provider's own development login page, then its consent page."""
    expect(page.locator("input[name=login]")).to_be_visible()
    if screenshot:
        screenshot(page, "sso-provider-login")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the test provider checks none")
    page.locator("button[type=submit]").click()
    # The consent page: the portal asks for the email and the profile.
    expect(page.locator("button[type=submit]")).to_be_visible()
    page.locator("button[type=submit]").click()


def test_invited_person_signs_in_with_the_company_account_and_signs_out_of_both(
    page, live_server, screenshot, organization, acme_signs_on, oidc_provider
):
    """Given an invitation to ada@acme.test, when Ada signs in through Acme's provider (its login and consent
    pages), then the invitation is accepted, she lands on Acme's overview as an executive, the sign-in is audited
    as single sign-on; signing out ends the portal's session and then the provider's."""
    InvitationFactory(organization=organization, email=VERIFIED, role=Role.EXECUTIVE)
    offline_provider_pages(page, oidc_provider.issuer)
    callbacks: list[str] = []
    page.on("request", lambda request: callbacks.append(request.url) if "/sso/callback/" in request.url else None)

    start_company_sign_in(page, live_server, VERIFIED)
    sign_in_at_the_provider(page, VERIFIED, screenshot)

    expect(page).to_have_url(f"{live_server.url}/o/{organization.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    expect(page.get_by_text("Executive", exact=True)).to_be_visible()
    screenshot(page, "sso-signed-in")
    assert Membership.objects.filter(organization=organization, user__email=VERIFIED, role=Role.EXECUTIVE).exists()
    signed_in = AuditEvent.objects.get(action=Action.SIGNED_IN, target=VERIFIED)
    assert signed_in.details == {"via": "single sign-on"}
    assert len(callbacks) == 1

    # when: the same callback (its state, its code) is opened again
    page.goto(callbacks[0])

    # then: refused, and recorded with the reason
    expect(page.get_by_role("alert")).to_contain_text("already used")
    screenshot(page, "sso-replayed-state")
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, details__reason="state").exists()

    # when: Ada signs out of the portal
    page.goto(f"{live_server.url}/o/{organization.slug}/")
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()

    # then: the provider asks to end its own session too, and comes back to the portal's sign-in page
    expect(page).to_have_url(re.compile(r"127\.0\.0\.1:\d+/session/end"))
    screenshot(page, "sso-provider-sign-out")
    page.locator("button[autofocus], button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/o/{organization.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_newcomer_without_a_role_is_told_whom_to_ask(
    page, live_server, screenshot, organization, admin_user, acme_signs_on, oidc_provider
):
    """Given no invitation and no role for a first sign-in, when Ada signs in through the provider, then she has an
    account but no role, and the page names Acme's admins to ask."""
    offline_provider_pages(page, oidc_provider.issuer)
    start_company_sign_in(page, live_server, VERIFIED)
    sign_in_at_the_provider(page, VERIFIED)

    expect(page).to_have_url(f"{live_server.url}/sso/welcome/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome to {organization.name}")
    expect(page.get_by_role("link", name=admin_user.email)).to_be_visible()
    screenshot(page, "sso-no-role")
    assert not Membership.objects.filter(user__email=VERIFIED).exists()


def test_unverified_email_is_refused(page, live_server, screenshot, organization, acme_signs_on, oidc_provider):
    """Given the provider has not verified eve@acme.test, when Eve signs in through it, then the portal refuses
    her with what to do, creates no account, and audits the refusal with the reason."""
    offline_provider_pages(page, oidc_provider.issuer)
    start_company_sign_in(page, live_server, UNVERIFIED)
    sign_in_at_the_provider(page, UNVERIFIED)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in refused")
    expect(page.get_by_role("alert")).to_contain_text("not verified")
    screenshot(page, "sso-unverified-email")
    assert not Membership.objects.filter(user__email=UNVERIFIED).exists()
    refusal = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED, target=UNVERIFIED)
    assert refusal.details["reason"] == "email_unverified"


@pytest.fixture
def faulty_id_tokens(oidc_provider):
    """Makes the provider (shared by the module) issue ID tokens with a fault; honest again after the test."""
    yield oidc_provider.issue_faulty_id_tokens
    oidc_provider.issue_faulty_id_tokens("")


@pytest.mark.parametrize(
    ("fault", "reason", "what_happened"),
    [
        (WRONG_AUDIENCE, "audience", "The ID token's audience is not the one expected."),
        (EXPIRED, "expired", "The provider's ID token has expired."),
    ],
)
def test_id_token_with_a_faulty_claim_is_refused(
    page,
    live_server,
    screenshot,
    organization,
    acme_signs_on,
    oidc_provider,
    faulty_id_tokens,
    fault,
    reason,
    what_happened,
):
    """Given the provider issues ID tokens for another client, or expired an hour ago, both signed with its own
    published key, when Ada signs in through its login page, then the portal refuses on the claim: the page says
    what happened and what to do, she is not signed in, no account is made, and the refusal is audited with the
    reason and the organization whose provider was used."""
    faulty_id_tokens(fault)
    offline_provider_pages(page, oidc_provider.issuer)
    start_company_sign_in(page, live_server, VERIFIED)
    sign_in_at_the_provider(page, VERIFIED)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in refused")
    expect(page.get_by_role("alert")).to_have_text(what_happened)
    expect(page.get_by_text("Start again from the sign-in page.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in with your company's account")).to_be_visible()
    screenshot(page, f"sso-refused-{fault}")
    refusal = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert refusal.details["reason"] == reason
    assert refusal.details["provider_of"] == organization.slug
    assert not AuditEvent.objects.filter(action=Action.SIGNED_IN).exists()
    assert not get_user_model().objects.filter(email=VERIFIED).exists()
    page.goto(f"{live_server.url}/o/{organization.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_address_of_no_organization_is_told_what_to_do(page, live_server, screenshot, acme_signs_on):
    """Given only acme.test signs on, when Bob gives bob@nowhere.test on the company sign-in page, then he stays on
    it, told that no organization signs in with that domain and what to do instead, and the refusal is audited."""
    start_company_sign_in(page, live_server, "bob@nowhere.test")

    expect(page).to_have_url(f"{live_server.url}/sso/")
    expect(page.get_by_text("No organization signs in with nowhere.test here")).to_be_visible()
    expect(page.get_by_text("Sign in with your email and password instead")).to_be_visible()
    expect(page.get_by_label("Your work email address")).to_have_value("bob@nowhere.test")
    screenshot(page, "sso-unknown-domain")
    refusal = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED, target="bob@nowhere.test")
    assert refusal.details["reason"] == "domain"
    assert refusal.details["provider_of"] == ""


@pytest.fixture
def phone_for_axe(browser):
    """A phone-sized page that axe-core can be loaded into: the portal's Content-Security-Policy refuses scripts it
    did not send, so this context bypasses it, as the accessibility suite's does."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(viewport=PHONE, locale="en-GB", reduced_motion="reduce", bypass_csp=True)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_admin_connects_the_provider_on_a_phone(
    phone_for_axe, live_server, sign_in, screenshot, organization, admin_user
):
    """On a phone, the admin finds single sign-on from the settings, saves it (the secret is not shown back), and
    the page has no serious accessibility fault; the company sign-in refuses a domain of no organization with what
    to do."""
    page = phone_for_axe()
    sign_in(page, admin_user, f"/o/{organization.slug}/settings/")
    page.get_by_role("link", name="Single sign-on settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    page.get_by_label("Issuer URL").fill("https://acme.okta.com")
    page.get_by_label("Client ID").fill("0oa-portal")
    page.get_by_label("Client secret").fill("the-secret-of-acme")
    page.get_by_label("Email domains").fill("acme.test")
    page.get_by_role("button", name="Save single sign-on").click()

    expect(page.get_by_text("Single sign-on saved.")).to_be_visible()
    expect(page.get_by_label("Client secret")).to_have_value("")
    expect(page.get_by_text("A secret is stored")).to_be_visible()
    assert sideways_overflow(page) <= 0
    assert severe_accessibility_faults(page) == []
    screenshot(page, "sso-settings-phone")

    visitor = phone_for_axe()
    visitor.goto(f"{live_server.url}/sso/")
    visitor.get_by_label("Your work email address").fill("bob@nowhere.test")
    visitor.get_by_role("button", name="Continue").click()
    expect(visitor.get_by_text("No organization signs in with nowhere.test here")).to_be_visible()
    assert severe_accessibility_faults(visitor) == []
    screenshot(visitor, "sso-unknown-domain-phone")


def severe_accessibility_faults(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page."""
    page.add_script_tag(path=AXE)
    violations = page.evaluate(RUN_AXE, AXE_OPTIONS)
    return [violation["id"] for violation in violations if violation["impact"] in SEVERE]
