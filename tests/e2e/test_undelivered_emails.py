"""The CCO learns on the organization's overview of an email that could not be delivered. Screenshots at
desktop and phone width: tests/artifacts/e2e-undelivered-emails-*.png."""

import pytest
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from roadmap import tasks
from tests.e2e.conftest import PHONE
from tests.roadmap.factories import MilestoneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cco_sees_an_undelivered_email_on_the_overview(
    organization, member_of, refusing_mail, new_page, sign_in, screenshot
):
    """Given the mail server refused a milestone owner's address, the CCO's overview names the email and the
    address, readable at desktop and at phone width."""
    # given
    cco = member_of(Role.CCO, full_name="Casey Customer")
    owner = member_of(Role.EXECUTIVE, email="olive.owner@example.com")
    milestone = MilestoneFactory(organization=organization, title="Agree the metrics\nwith finance", owner=owner)
    refusing_mail.refuse("olive.owner@example.com")
    tasks.notify_milestone_owner_task.delay(milestone.pk)

    for width, page in (("desktop", new_page()), ("phone", new_page(PHONE))):
        # when
        sign_in(page, cco, f"/o/{organization.slug}/")
        screenshot(page, f"undelivered-emails-{width}")

        # then
        notice = page.get_by_role("status")
        expect(notice).to_contain_text("An email could not be delivered")
        expect(notice).to_contain_text("olive.owner@example.com")
        expect(notice).to_contain_text("“Agree the metrics with finance”")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
