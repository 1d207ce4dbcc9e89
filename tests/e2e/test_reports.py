"""The customer-room report in a real browser: a leader opens it from the navigation, switches month with
the picker, and downloads the PDF; the same report on a phone.

The organization has the demo's data (two years of customers with lost reasons, a roadmap, readiness
rounds and CEO reviews) and done reports of its last two months, stored as the worker stores them. The
screenshots (tests/artifacts/e2e-reports-*.png) and the downloaded PDF are for a person to look at.
"""

import io
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cco_portal.organizations.roles import Role
from metrics import selectors
from metrics.months import month_label
from reports.models import CustomerRoomAction
from reports.templatetags.report_tags import month_title
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.reports.snapshots import done_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reported(organization, member_of):
    """The demo's data for `organization`, done reports of its last two months and two actions; returns
    the leader and the two months (YYYY-MM), the later first."""
    people = {role: member_of(role, full_name=f"{role.label} Person") for role in Role}
    for app in ("assessments", "roadmap", "metrics"):
        import_module(f"{app}.demo").seed_demo(organization=organization, people=people)
    later, earlier = (month_label(month) for month in selectors.months(organization)[-1:-3:-1])
    for month in (earlier, later):
        done_report(organization, month)
    for title, days in (("Call the ten largest lost Trade customers", 14), ("Fix the delivery-date promise", 30)):
        CustomerRoomAction.objects.create(
            organization=organization,
            month=selectors.months(organization)[-1],
            title=title,
            owner=people[Role.EXECUTIVE],
            due_date=timezone.localdate() + timedelta(days=days),
        )
    return people[Role.LEADERSHIP], later, earlier


def record_requests(page: Page) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def assert_fits(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def test_a_leader_reads_switches_month_and_downloads_the_pdf(
    new_page, live_server, sign_in, screenshot, organization, reported
):
    """A leader opens the customer room from the navigation and sees the newest month with its charts,
    switches to the month before with the picker, and downloads that month's PDF: a valid PDF with the
    organization's name and the month in its text. No request leaves the portal."""
    leader, later, earlier = reported

    # given: the leader signed in, on the organization's overview
    page = new_page(DESKTOP)
    requested = record_requests(page)
    sign_in(page, leader, path=reverse("organizations:home", kwargs={"org_slug": organization.slug}))

    # when: they open the customer room
    page.get_by_role("link", name="Customer room").click()

    # then: the newest month's report with both waterfalls, the trend and the actions
    expect(page).to_have_url(re.compile(rf"/reports/{later}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(month_title(later))
    expect(page.get_by_role("heading", name=f"The customer-asset bridge of {month_title(later)}")).to_be_visible()
    expect(page.get_by_role("img", name=f"Customer bridge of {month_title(later)}")).to_be_visible()
    expect(page.get_by_role("img", name=f"Value bridge of {month_title(later)}")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Customers who moved, month by month"))).to_be_visible()
    expect(page.get_by_role("cell", name="Call the ten largest lost Trade customers")).to_be_visible()
    screenshot(page, "reports-dashboard-desktop")

    # when: they pick the month before and press Show
    page.get_by_label("Month", exact=True).select_option(earlier)
    page.get_by_role("button", name="Show").click()

    # then: that month's report
    expect(page).to_have_url(re.compile(rf"/reports/{earlier}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(month_title(earlier))
    expect(page.get_by_label("Month", exact=True)).to_have_value(earlier)

    # when: they download the PDF
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value

    # then: a PDF of that month, named after the organization and month
    assert download.suggested_filename == f"{organization.slug}-customer-room-{earlier}.pdf"
    content = download.path().read_bytes()
    (ARTIFACTS / "e2e-reports-download.pdf").write_bytes(content)  # for a person to look at
    assert content.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert organization.name in text
    assert month_title(earlier) in text

    # and: every request the pages made went to the portal itself (no CDN, no chart service)
    assert requested
    outside = [address for address in requested if not address.startswith(live_server.url)]
    assert outside == []


def test_the_report_on_a_phone(new_page, live_server, sign_in, screenshot, organization, reported):
    """On a phone the report fits the screen's width (the trend is drawn narrow, for it), and its
    table of every month opens."""
    leader, later, _ = reported

    phone = new_page(PHONE)
    sign_in(phone, leader, path=reverse("reports:latest", kwargs={"org_slug": organization.slug}))

    expect(phone.get_by_role("heading", level=1)).to_have_text(month_title(later))
    assert_fits(phone, "the report")
    phone.get_by_text("Every class, month by month, as a table").click()
    expect(phone.get_by_role("row", name=re.compile(f"^{month_title(later)}"))).to_be_visible()
    screenshot(phone, "reports-dashboard-phone")


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, PHONE], ids=["1366px", "phone"])
def test_the_trend_shows_every_month_without_scrolling(
    new_page, live_server, sign_in, screenshot, organization, reported, viewport
):
    """At 1366 px and on a phone, each trend chart scales to its frame: the reported month's bars and name
    are inside the chart's visible area, nothing in a chart frame scrolls sideways, and no two axis
    labels of any chart overlap on screen."""
    leader, later, _ = reported
    page = new_page(viewport)
    sign_in(page, leader, path=reverse("reports:dashboard", kwargs={"org_slug": organization.slug, "month": later}))

    for name in ("Customers who moved, month by month", "Value gained and lost, month by month"):
        chart = page.get_by_role("img", name=re.compile(f"^{name}"))
        frame = chart.locator("xpath=ancestor::figure[1]")
        frame_box, chart_box = frame.bounding_box(), chart.bounding_box()
        last_bar = chart.locator("rect.chart-bar").last.bounding_box()
        last_name = chart.locator("text", has_text=re.compile(r"^[A-Z][a-z]{2}$")).last
        assert last_name.text_content() == month_title(later).split()[0][:3]
        for box in (last_bar, last_name.bounding_box()):
            assert box["x"] + box["width"] <= min(frame_box["x"] + frame_box["width"], viewport["width"]) + 0.5
            assert box["x"] + box["width"] <= chart_box["x"] + chart_box["width"] + 0.5
    scrolling = page.evaluate(
        "[...document.querySelectorAll('.report-figure, .report-figure *')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible').length"
    )
    assert scrolling == 0
    overlaps = page.evaluate(
        """[...document.querySelectorAll('svg')].flatMap(svg => {
            const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
            return boxes.flatMap(([a, p], i) => boxes.slice(i + 1).filter(([, q]) =>
                p.width && q.width && p.left < q.right - 0.5 && q.left < p.right - 0.5
                && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5).map(([b]) => a + ' / ' + b));
        })"""
    )
    assert overlaps == []
    assert_fits(page, "the report")
    screenshot(page, f"reports-trend-{viewport['width']}")
