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


WIDE_LAPTOP = {"width": 1366, "height": 768}

# Every chart shown: its text boxes, in the page's pixels, and whether its container scrolls sideways.
CHART_GEOMETRY = """() => [...document.querySelectorAll("svg[class^='report-']")]
  .filter((svg) => svg.getBoundingClientRect().width > 0).map((svg) => {
  const frame = svg.parentElement.getBoundingClientRect();
  return {
    name: svg.classList[0],
    frame: {left: frame.left, right: frame.right},
    scrolls: [svg.parentElement, svg.closest("figure")].some((box) => box.scrollWidth > box.clientWidth + 1),
    texts: [...svg.querySelectorAll("text")].map((text) => {
      const box = text.getBoundingClientRect();
      return {text: text.textContent, left: box.left, right: box.right, top: box.top, bottom: box.bottom};
    }),
  };
})"""


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    """The pairs of a chart's labels whose boxes overlap (touching is fine)."""
    return [
        (one["text"], other["text"])
        for index, one in enumerate(texts)
        for other in texts[index + 1 :]
        if one["left"] < other["right"] - 0.5
        and other["left"] < one["right"] - 0.5
        and one["top"] < other["bottom"] - 0.5
        and other["top"] < one["bottom"] - 0.5
    ]


@pytest.mark.parametrize("viewport", [WIDE_LAPTOP, PHONE], ids=["1366px", "phone"])
def test_every_month_of_the_trend_is_in_sight_and_no_labels_overlap(
    new_page, live_server, sign_in, screenshot, organization, reported, viewport
):
    """At 1366 px and on a phone, each chart scales to the width it has instead of scrolling inside a box:
    the reported month's label and bars are inside the chart's visible frame, no chart's container scrolls
    sideways, and no two labels of a chart overlap (a year beside the next, "20242025")."""
    leader, later, _ = reported

    # given: a leader on the newest month's report, at the width of a common laptop or a phone
    page = new_page(viewport)
    sign_in(page, leader, path=reverse("reports:latest", kwargs={"org_slug": organization.slug}))
    expect(page.get_by_role("heading", level=1)).to_have_text(month_title(later))

    # when: the charts are measured as the browser drew them
    charts = page.evaluate(CHART_GEOMETRY)
    screenshot(page, f"reports-charts-{viewport['width']}")

    # then: every chart is whole, the last month in sight, and its labels apart
    assert {chart["name"] for chart in charts} >= {"report-waterfall", "report-trend", "report-reasons"}
    for chart in charts:
        assert not chart["scrolls"], f"{chart['name']} scrolls sideways"
        inside = [t for t in chart["texts"] if chart["frame"]["left"] - 0.5 <= t["left"]]
        inside = [t for t in inside if t["right"] <= chart["frame"]["right"] + 0.5]
        assert inside == chart["texts"], f"{chart['name']} has labels outside its frame"
        assert overlapping(chart["texts"]) == [], f"{chart['name']} has labels on top of each other"
    last_month = month_title(later).split()[0][:3]
    for trend in (chart for chart in charts if chart["name"] == "report-trend"):
        assert trend["texts"][-1]["text"] in (last_month, later[:4])
