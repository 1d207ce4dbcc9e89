"""A real browser (Debian's chromium, driven by Playwright) against pytest-django's live server.

The browser starts once per session; every test gets a fresh context, so no cookies leak between tests.
Screenshots go to tests/artifacts/, which git ignores. A test fails when a page it opened reports an error in
the browser's console (a Content-Security-Policy violation among them) or throws an uncaught exception.
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


def _new_page(browser: Browser, viewport: dict, problems: list[str]) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-GB", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    _watch_console(page, problems)
    return page


def _watch_console(page: Page, problems: list[str]) -> None:
    """Collect what the browser reports as errors. A page the test opened that answers 403 or 404 on purpose is
    reported as a failed load too; only its own document is let through, never a script, style or fetch."""
    documents = set()

    def on_request(request):
        if request.resource_type == "document":
            documents.add(request.url)

    def on_console(message):
        url = message.location.get("url", "")
        if message.type != "error" or (message.text.startswith("Failed to load resource") and url in documents):
            return
        problems.append(f"console: {message.text} ({url})")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (one per call, e.g. for a second person); closed after the test,
    which then fails if the browser reported an error on any of them."""
    pages: list[Page] = []
    problems: list[str] = []

    def open_page(viewport: dict = DESKTOP) -> Page:
        page = _new_page(browser, viewport, problems)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()
    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


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


def sideways_overflow(page: Page) -> int:
    """How many pixels wider than the window the page is (0 or less: it does not scroll sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
