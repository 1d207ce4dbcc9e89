"""The reliability log and the moments of truth in a real browser: the CCO files an issue at a touchpoint; the
leader of its area, on a phone, counts a month, moves it on and resolves it; it comes back and is reopened with
its history; the CCO makes the touchpoint a moment of truth and links a milestone. Screenshots:
tests/artifacts/e2e-reliability-*.png."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from roadmap.journey import services as journey
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_issue_is_filed_resolved_and_comes_back_and_a_moment_is_chosen(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Given a touchpoint owned by Operations, led by an executive, when the CCO files an issue there and the
    leader counts it, resolves it and records that it came back on a phone, then the log shows it open and
    recurred once, with its history; and the CCO's moment of truth at the touchpoint lists the linked milestone."""
    cco = member_of(Role.CCO)
    leader = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    area = OperationalAreaFactory(organization=organization, name="Operations", leader=leader)
    stage = journey.add_stage(organization=organization, name="Get started", changed_by=cco)
    journey.add_touchpoint(organization=organization, stage=stage, name="Delivery", area=area, changed_by=cco)
    MilestoneFactory(organization=organization, title="Track every parcel to the door")
    log_path = reverse("roadmap:reliability", kwargs={"org_slug": organization.slug})

    sign_in(page, cco, log_path)
    expect(page.get_by_role("heading", name="No issue in the log yet")).to_be_visible()
    screenshot(page, "reliability-empty")
    filing = page.get_by_role("region", name="File an issue")
    filing.get_by_label("Issue").fill("Parcels left at the wrong door")
    filing.get_by_label("Touchpoint").select_option(label="Get started · Delivery")
    filing.get_by_label("Customers touched").fill("140")
    filing.get_by_role("button", name="File the issue").click()
    expect(page.get_by_text("“Parcels left at the wrong door” is in the log, open.")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, leader, log_path)
    phone.get_by_role("link", name="Parcels left at the wrong door").click()
    counting = phone.get_by_role("region", name="Count a month")
    counting.get_by_label(re.compile(r"^\s*Month")).fill(timezone.localdate().strftime("%Y-%m"))
    counting.get_by_label("Occurrences that month").fill("12")
    counting.get_by_role("button", name="Record the count").click()
    expect(phone.get_by_text("12 occurrences counted in")).to_be_visible()
    moving = phone.get_by_role("region", name="Move it on")
    moving.get_by_label("New status").select_option(label="Resolved")
    moving.get_by_role("button", name="Change the status").click()
    expect(phone.get_by_text("Say what resolved it, so a recurrence can be read against it.")).to_be_visible()
    moving = phone.get_by_role("region", name="Move it on")
    moving.get_by_label("New status").select_option(label="Resolved")
    moving.get_by_label("Why").fill("Drivers photograph the door.")
    moving.get_by_role("button", name="Change the status").click()
    expect(phone.get_by_text("The issue is now resolved.")).to_be_visible()
    back = phone.get_by_role("region", name="It came back")
    back.get_by_label("How it came back").fill("Three parcels at the wrong door on the 4th.")
    back.get_by_role("button", name="Record the recurrence").click()
    expect(phone.get_by_text("The issue recurred: it is open again, with its history.")).to_be_visible()
    expect(phone.get_by_text("Recurred 1 time").first).to_be_visible()
    expect(phone.get_by_text("Resolved → Open")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "reliability-issue-phone")

    page.goto(live_server.url + log_path)
    expect(page.get_by_text("Recurred 1 time")).to_be_visible()
    screenshot(page, "reliability-log")
    phone.goto(live_server.url + log_path)
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "reliability-log-phone")

    page.get_by_role("link", name="Moments of truth").click()
    expect(page.get_by_role("heading", name="No moment of truth chosen yet")).to_be_visible()
    choosing = page.get_by_role("region", name="Choose a moment of truth")
    choosing.get_by_label("Touchpoint").select_option(label="Get started · Delivery")
    choosing.get_by_label("Intended experience").fill("Every order arrives on the day promised, left where asked.")
    choosing.get_by_role("button", name="Choose it").click()
    expect(page.get_by_text("“Delivery” is a moment of truth.")).to_be_visible()
    moment = page.get_by_role("region", name="Delivery")
    moment.get_by_label("Milestone").select_option(label="1 · Track every parcel to the door")
    moment.get_by_role("button", name="Link the milestone").click()
    expect(page.get_by_text("“Track every parcel to the door” now improves “Delivery”.")).to_be_visible()
    expect(page.get_by_role("link", name="Track every parcel to the door")).to_be_visible()
    screenshot(page, "reliability-moments")
    phone.goto(live_server.url + reverse("roadmap:reliability_moments", kwargs={"org_slug": organization.slug}))
    expect(phone.get_by_text("Every order arrives on the day promised, left where asked.")).to_be_visible()
    assert sideways_overflow(phone) <= 0
    screenshot(phone, "reliability-moments-phone")
