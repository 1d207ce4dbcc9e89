"""The CCO keeps a round going from its invitees page in a real browser: reminder days, a nudge, an extension.
Screenshots at desktop and phone width: tests/artifacts/e2e-round-calendar-*.png."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Reminder
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cco_sets_reminders_nudges_and_extends_a_round(
    organization, member_of, new_page, sign_in, live_server, screenshot
):
    """Given an open round with two invitees who have not answered, the CCO changes the reminder days, reminds
    one person by hand and extends the round, each confirmed on the page, at desktop and at phone width."""
    # given
    cco = member_of(Role.CCO, full_name="Casey Customer")
    today = timezone.localdate()
    round_ = RoundFactory(organization=organization, title="Readiness, winter", closes_on=today + timedelta(days=5))
    for name in ("Ann Archer", "Bob Baker"):
        InviteeFactory(round=round_, user=member_of(Role.EXECUTIVE, full_name=name))
    url = reverse("assessments:invitees", kwargs={"org_slug": organization.slug, "round_id": round_.pk})

    for width, page in (("desktop", new_page()), ("phone", new_page(PHONE))):
        sign_in(page, cco, url)

        # when
        page.get_by_label("Remind those who have not answered").fill("4, 1, 0")
        page.get_by_role("button", name="Save the reminder days").click()
        expect(page.get_by_text("Reminders will go 4, 1, 0 day(s) before the closing date")).to_be_visible()
        if width == "desktop":
            page.get_by_role("button", name="Remind now").first.click()
            expect(page.get_by_text("A reminder is on its way to")).to_be_visible()
        page.get_by_label("New closing date").fill(
            (today + timedelta(days=12 if width == "desktop" else 20)).isoformat()
        )
        page.get_by_role("button", name="Extend to this date").click()
        screenshot(page, f"round-calendar-{width}")

        # then
        expect(page.get_by_text("is open until")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    round_.refresh_from_db()
    assert round_.reminder_days == [4, 1, 0]
    assert round_.closes_on == today + timedelta(days=20)
    assert Reminder.objects.count() == 1
