"""The layout faults of issue 15 stay fixed: the admin's navigation is one line on a 1366 px laptop, and on a
phone the CEO review's trend table shows its Gap column, its "CEO … · leaders …" counts stay on the screen, and
the customer dashboard's month-by-month tables fit. Screenshots: tests/artifacts/e2e-layout-*.png.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Kind
from cco_portal.organizations.roles import Role
from tests.assessments.factories import RoundFactory, respond
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.populated import populate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}

# The tops and heights of the navigation bar's parts: one line when every part starts on the same line and the
# bar is no taller than its tallest part.
NAVIGATION_LINES = """() => {
  const bar = document.querySelector("nav.navbar > .container").getBoundingClientRect();
  const parts = [...document.querySelectorAll("nav.navbar .navbar-brand, nav.navbar .navbar-nav > .nav-item")];
  const boxes = parts.map((part) => part.getBoundingClientRect());
  return {
    bar: bar.height,
    tallest: Math.max(...boxes.map((box) => box.height)),
    tops: boxes.map((box) => Math.round(box.top + box.height / 2)),
    visible: parts.filter((part) => part.offsetParent !== null).length,
    // A name broken over two lines ("Overvi / ew") makes the line taller, not the bar wider: count its lines.
    broken: parts
      .filter((part) => {
        const lines = new Set();
        const texts = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
        while (texts.nextNode()) {
          if (texts.currentNode.parentElement.closest(".visually-hidden")) continue;
          const range = document.createRange();
          range.selectNodeContents(texts.currentNode);
          for (const rect of range.getClientRects()) if (rect.width > 0) lines.add(Math.round(rect.bottom));
        }
        return lines.size > 1;
      })
      .map((part) => part.innerText.trim()),
  };
}"""

# The elements in `selector` that reach past their container's right edge or the window's.
OUTSIDE = """(selector) => {
  const problems = [];
  for (const element of document.querySelectorAll(selector)) {
    const own = element.getBoundingClientRect();
    const container = element.parentElement.getBoundingClientRect();
    const edge = Math.min(container.right, window.innerWidth);
    if (own.right > edge + 0.5 || own.left < Math.max(container.left, 0) - 0.5) {
      problems.push(`${element.tagName}.${element.className} "${element.textContent.trim().slice(0, 40)}"`);
    }
  }
  return problems;
}"""


def test_the_admin_navigation_is_one_line_at_1366_px(organization, new_page, sign_in, live_server, screenshot):
    """Given an admin, whose bar has every page (Members, Settings, Audit log among them), the organization
    switcher and the account menu, when a page is opened 1366 px wide, then every item sits on one line and the
    bar is no taller than one of them."""
    organization.name = "Acme Outfitters International"
    organization.save(update_fields=["name"])
    objects = populate(organization, tag="acme", first_month="2024-01")
    page = new_page(LAPTOP)

    sign_in(page, objects["admin"], reverse("metrics:dashboard", kwargs={"org_slug": organization.slug}))
    screenshot(page, "layout-navigation-1366")

    lines = page.evaluate(NAVIGATION_LINES)
    assert lines["visible"] >= 11, lines
    assert lines["broken"] == [], lines
    assert max(lines["tops"]) - min(lines["tops"]) <= 2, lines
    assert lines["bar"] <= lines["tallest"] + 1, lines
    assert sideways_overflow(page) <= 0


def test_the_ceo_review_trend_and_counts_stay_on_a_phone(organization, member_of, new_page, sign_in, live_server):
    """Given two closed CEO reviews, when the later one's results are opened at phone width, then its trend table
    shows the Gap of each review inside the screen, every "CEO … · leaders …" count stays inside its row, and the
    page does not scroll sideways."""
    ceo, leader = member_of(Role.ADMIN, full_name="Cleo CEO"), member_of(Role.EXECUTIVE, full_name="Lee Lead")
    today = timezone.localdate()
    for title, days_ago in [("CEO commitment review of May", 200), ("CEO commitment review of November", 20)]:
        review = RoundFactory(
            organization=organization,
            kind=Kind.COMMITMENT,
            ceo=ceo,
            title=title,
            opens_on=today - timedelta(days=days_ago + 14),
            closes_on=today - timedelta(days=days_ago),
        )
        total = review.questionnaire.questions.count()
        respond(review, ceo, "Y" * total)
        respond(review, leader, "Y" * total)
    page = new_page(PHONE)

    sign_in(page, ceo, reverse("assessments:results", kwargs={"org_slug": organization.slug, "round_id": review.pk}))

    gaps = page.locator("#trend-heading ~ * td[data-label='Gap']")
    assert gaps.count() == 2
    for index in range(2):
        box = gaps.nth(index).bounding_box()
        assert box["width"] > 0, box
        assert box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate(OUTSIDE, ".bar-row-scores .bar-counts, .table-scores tbody > tr > *") == []
    assert sideways_overflow(page) <= 0


def test_the_customer_dashboard_tables_fit_a_phone(organization, new_page, sign_in, live_server, screenshot):
    """Given three months of customer data, when the dashboard is opened at phone width and its month-by-month
    tables are shown, then every column of them is inside the screen and the page does not scroll sideways."""
    objects = populate(organization, tag="acme", first_month="2024-01")
    page = new_page(PHONE)

    sign_in(page, objects["member"], reverse("metrics:dashboard", kwargs={"org_slug": organization.slug}))
    for summary in page.locator("details.chart-table > summary").all():
        summary.click()
    screenshot(page, "layout-dashboard-phone")

    assert page.evaluate(OUTSIDE, "details.chart-table tbody > tr > *") == []
    assert sideways_overflow(page) <= 0
