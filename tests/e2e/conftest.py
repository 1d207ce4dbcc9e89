"""A real browser (Debian's chromium, driven by Playwright) against pytest-django's live server.

The browser starts once per session; every test gets a fresh context, so no cookies leak between tests.
Screenshots go to tests/artifacts/, which git ignores.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Long enough for a cold live server, short enough that a broken page fails the test quickly.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _new_page(browser: Browser, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-GB", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (one per call, e.g. for a second person); closed after the test."""
    pages: list[Page] = []

    def open_page(viewport: dict = DESKTOP) -> Page:
        page = _new_page(browser, viewport)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()


@pytest.fixture
def page(new_page):
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    return new_page(PHONE)


@pytest.fixture
def sign_in(live_server):
    """Sign `user` in through the login form, starting at `path` (the page they wanted to open)."""

    def submit(page: Page, user, path: str = "/") -> None:
        page.goto(live_server.url + path)
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return submit


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as tests/artifacts/e2e-<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"e2e-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save
