"""The assessment pages at phone width (390 px): nothing runs past the edge, no table is cut off, and the
comment's live count says when a comment is too long.

Screenshots: tests/artifacts/e2e-assessments-phone-*.png.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Kind
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory, respond
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Elements wider than the page, or wider than their own box (a table scrolled inside its wrapper).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) problems.push("page " + document.documentElement.scrollWidth);
  for (const element of document.querySelectorAll("main *")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5) problems.push(element.tagName + "." + element.className + " " + box.right);
    if (element.classList.contains("table-responsive") && element.scrollWidth > element.clientWidth) {
      problems.push("scrolls: " + element.querySelector("caption")?.textContent);
    }
  }
  return problems;
}"""


def url(name: str, round_) -> str:
    return reverse(f"assessments:{name}", kwargs={"org_slug": round_.organization.slug, "round_id": round_.pk})


def test_results_fit_a_phone(new_page, sign_in, live_server, organization, member_of, screenshot):
    """Two CEO reviews (so the trend shows) and a readiness round: at 390 px nothing is wider than the page."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    leader = member_of(Role.EXECUTIVE, full_name="Lee Lead")
    today = timezone.localdate()
    reviews = []
    for title, days_ago in [("CEO commitment review, a long title of May 2026", 200), ("Review, November", 20)]:
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
        respond(review, leader, "Y" * total, comments={1: "A rather long comment " * 5})
        reviews.append(review)
    readiness = RoundFactory(organization=organization, title="Readiness, spring")
    respond(readiness, leader, "YNYNYNYNYNY")
    respond(readiness, ceo, "YYYYYYYYYYY")
    page = new_page(PHONE)
    sign_in(page, cco, url("results", reviews[-1]))

    for name, round_ in [("review", reviews[-1]), ("readiness", readiness)]:
        page.goto(live_server.url + url("results", round_))
        screenshot(page, f"assessments-phone-{name}")
        problems = page.evaluate(OVERFLOW)
        assert problems == [], (name, problems[:5])


def test_the_comment_count_warns_before_the_limit_is_passed(new_page, sign_in, live_server, organization, member_of):
    """Typing past 2,000 characters turns the count into a warning; nothing is cut."""
    executive = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    round_ = RoundFactory(organization=organization)
    InviteeFactory(round=round_, user=executive)
    page = new_page(PHONE)
    sign_in(page, executive, url("answer", round_))

    comment = page.get_by_label("Comment (optional)")
    comment.fill("x" * 1990)
    expect(page.get_by_text("1,990 of 2,000 characters.")).to_be_visible()
    comment.fill("x" * 2010)
    expect(page.get_by_text("10 characters over the limit of 2,000")).to_be_visible()
    expect(comment).to_have_attribute("aria-invalid", "true")
    assert len(comment.input_value()) == 2010
