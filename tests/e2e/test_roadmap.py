"""The roadmap in a real browser: the CCO applies the starter roadmap, marks a milestone done, lets another
slip past its due date, and sees the roll-up and the timeline follow.

The screenshots (tests/artifacts/e2e-roadmap-*.png) are for a person to look at, at desktop and phone
width; the assertions check what that person would: the counts per competency, the status on the
timeline, today's line, the overdue mark in words, and the history of the change.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from cco_portal.organizations.roles import Role
from roadmap import services
from roadmap.models import Competency, Milestone
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AGREE_METRICS = "Agree the customer-asset metrics with the leadership team"
INVENTORY = "Inventory the listening sources"


def roadmap_url(live_server, organization, name: str, **kwargs) -> str:
    return live_server.url + reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def rollup_card(page: Page, number: int):
    return page.locator(".rollup-card").nth(number - 1)


def timeline_row(page: Page, title: str):
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title, exact=True))


def assert_fits(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def test_cco_applies_the_starter_roadmap_and_steers_it(
    new_page, live_server, sign_in, screenshot, organization, member_of
):
    """The CCO starts from an empty roadmap, applies the starter, sets competency 1's stage, marks its first
    milestone done and moves another's dates into the past; the roll-up counts 1 of 3 done, the stage and
    1 overdue, and the timeline shows the first as done and the second as overdue, in words beside the colour."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    member_of(Role.EXECUTIVE, full_name="Emery Executive")
    today = timezone.localdate()

    # given: the CCO opens the roadmap of an organization that has not planned yet
    page = new_page(DESKTOP)
    sign_in(page, cco, path=reverse("roadmap:overview", kwargs={"org_slug": organization.slug}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer leadership roadmap")
    expect(page.get_by_role("heading", name="No milestones yet")).to_be_visible()
    screenshot(page, "roadmap-empty-desktop")

    # when: they apply the starter roadmap
    page.get_by_role("button", name="Apply the starter roadmap").click()

    # then: every competency has its starter milestones, none done yet
    expect(page.get_by_role("status")).to_contain_text("14 starter milestones added")
    expect(rollup_card(page, 1)).to_contain_text("0 of 3 done")
    expect(rollup_card(page, 4)).to_contain_text("0 of 3 done")
    expect(page.locator(".summary-figures")).to_contain_text("0 of 14")
    screenshot(page, "roadmap-overview-desktop")

    # and: the timeline shows the milestone as planned, with today's line
    page.get_by_role("navigation", name="Roadmap").get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    expect(timeline_row(page, AGREE_METRICS)).to_contain_text("Planned")
    expect(page.locator(".timeline-axis .today-label")).to_have_text("Today")
    expect(page.locator(".timeline-now line")).to_have_count(1)
    expect(page.get_by_text(f"Today, {today:%-d %b %Y}")).to_be_visible()
    expect(timeline_row(page, "Establish a recurring customer data feed")).to_contain_text(
        f"Waits for: {AGREE_METRICS}"
    )
    screenshot(page, "roadmap-timeline-before-desktop")

    # when: the CCO opens the board of competency 1 and the milestone on it
    page.get_by_role("navigation", name="Roadmap").get_by_role("link", name="Competencies").click()
    rollup_card(page, 1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Honor and manage customers as assets")
    planned = page.get_by_role("region", name=re.compile("^Planned"))
    expect(planned.get_by_role("article")).to_have_count(3)
    screenshot(page, "roadmap-board-desktop")

    # and: records the competency's maturity stage with a note
    stage_form = page.get_by_role("region", name="Set the maturity stage")
    stage_form.get_by_role("radio", name="2 · Emerging").check()
    stage_form.get_by_label("Why this stage").fill("Leaders talk about customers; nobody counts them yet.")
    stage_form.get_by_role("button", name="Record the stage").click()
    expect(page.get_by_role("status")).to_contain_text("Customers as assets: stage 2 recorded.")
    expect(page.get_by_role("region", name="Maturity over time")).to_contain_text("Stage 2 of 5 · Emerging")
    planned = page.get_by_role("region", name=re.compile("^Planned"))
    planned.get_by_role("link", name=AGREE_METRICS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(AGREE_METRICS)
    screenshot(page, "roadmap-milestone-desktop")

    # and: marks it done
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save changes"))
    form.get_by_role("radio", name="Done").check()
    form.get_by_role("button", name="Save changes").click()

    # then: the milestone is done, complete, and the change is in its history with who made it
    expect(page.get_by_role("status")).to_contain_text(f"“{AGREE_METRICS}” saved.")
    expect(page.locator(".milestone-status-line")).to_have_text(re.compile(r"Done"))
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("listitem").first).to_contain_text("Casey Customer changed it")
    expect(history.get_by_role("listitem").first).to_contain_text(re.compile(r"Status: .*Planned.*Done"))
    expect(history.get_by_role("listitem").first).to_contain_text(re.compile(r"Percent complete: .*0.*100"))
    screenshot(page, "roadmap-milestone-done-desktop")

    # when: they add an operational area, then give another milestone an owner and that area, and move its
    # dates into the past, so that it is overdue
    page.get_by_role("navigation", name="Roadmap").get_by_role("link", name="Areas").click()
    page.get_by_label("Name").fill("Customer service")
    page.get_by_role("button", name="Add area").click()
    expect(page.get_by_role("status")).to_contain_text("Customer service added.")
    screenshot(page, "roadmap-areas-desktop")
    page.goto(roadmap_url(live_server, organization, "milestones") + "?competency=3")
    screenshot(page, "roadmap-milestones-desktop")
    page.get_by_role("link", name=INVENTORY).click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save changes"))
    form.get_by_label("Owner").select_option(label="Emery Executive")
    form.get_by_role("checkbox", name="Customer service").check()
    form.get_by_label("Start date").fill((today - timedelta(days=40)).isoformat())
    form.get_by_label("Due date").fill((today - timedelta(days=10)).isoformat())
    form.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{INVENTORY}” saved.")
    expect(page.locator(".milestone-status-line")).to_contain_text("Overdue")

    # then: the roll-up counts one done in competency 1 and one overdue in competency 3
    page.get_by_role("navigation", name="Roadmap").get_by_role("link", name="Competencies").click()
    expect(rollup_card(page, 1)).to_contain_text("1 of 3 done (33%)")
    expect(rollup_card(page, 1)).to_contain_text("Stage 2 of 5 · Emerging")
    expect(rollup_card(page, 3)).to_contain_text("1 overdue")
    expect(page.locator(".summary-figures")).to_contain_text("1 of 14")
    screenshot(page, "roadmap-overview-after-desktop")

    # and: the timeline shows the first as done and the second as overdue, in words and in the bar
    page.get_by_role("navigation", name="Roadmap").get_by_role("link", name="Timeline").click()
    expect(timeline_row(page, AGREE_METRICS)).to_contain_text("Done")
    expect(timeline_row(page, AGREE_METRICS).locator("rect.bar-done")).to_have_count(1)
    expect(timeline_row(page, INVENTORY)).to_contain_text("Overdue")
    expect(timeline_row(page, INVENTORY)).to_contain_text("Emery Executive")
    expect(timeline_row(page, INVENTORY).locator("rect.bar.is-overdue")).to_have_count(1)
    screenshot(page, "roadmap-timeline-after-desktop")

    # and: on a phone, the roll-up fits the screen and the timeline scrolls inside its frame
    phone = new_page(PHONE)
    sign_in(phone, cco, path=reverse("roadmap:overview", kwargs={"org_slug": organization.slug}))
    expect(rollup_card(phone, 1)).to_contain_text("1 of 3 done (33%)")
    assert_fits(phone, "the roll-up")
    screenshot(phone, "roadmap-overview-phone")
    phone.goto(roadmap_url(live_server, organization, "timeline"))
    expect(timeline_row(phone, INVENTORY)).to_contain_text("Overdue")
    assert_fits(phone, "the timeline page")
    frame = phone.get_by_role("region", name="Timeline")
    assert frame.evaluate("element => element.scrollWidth > element.clientWidth"), "the timeline should scroll"
    screenshot(phone, "roadmap-timeline-phone")
    phone.goto(roadmap_url(live_server, organization, "board", number=1))
    assert_fits(phone, "the board")
    screenshot(phone, "roadmap-board-phone")
    phone.get_by_role("link", name=AGREE_METRICS).click()
    assert_fits(phone, "the milestone")
    screenshot(phone, "roadmap-milestone-phone")


def test_owner_updates_progress_on_a_phone_and_is_told_what_blocks_done(
    new_page, live_server, sign_in, screenshot, organization, member_of
):
    """An executive who owns a milestone that waits for another updates its progress from a phone, then tries
    to mark it done: the form says which milestone is not done yet and that the CCO may override."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    owner = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    services.apply_starter_roadmap(organization=organization, created_by=cco)
    feed = Milestone.objects.for_organization(organization).get(title="Establish a recurring customer data feed")
    services.update_milestone(milestone=feed, changed_by=cco, may_edit_all=True, owner=owner)

    # given: the owner opens My milestones on a phone
    phone = new_page(PHONE)
    sign_in(phone, owner, path=reverse("roadmap:mine", kwargs={"org_slug": organization.slug}))
    expect(phone.get_by_role("heading", level=1)).to_have_text("My milestones")
    assert_fits(phone, "my milestones")
    screenshot(phone, "roadmap-mine-phone")

    # when: they open their milestone and record progress
    phone.get_by_role("link", name=feed.title).click()
    phone.get_by_role("link", name="Update your progress").click()
    form = phone.locator("form").filter(has=phone.get_by_role("button", name="Save changes"))
    expect(form.get_by_label("Title")).to_have_count(0)
    form.get_by_role("radio", name="In progress").check()
    form.get_by_label("Percent complete").fill("60")
    form.get_by_label("Progress notes").fill("Finance sends a monthly extract; IT automates it next.")
    form.get_by_role("button", name="Save changes").click()

    # then: it is saved with their name in the history
    expect(phone.get_by_role("status")).to_contain_text(f"“{feed.title}” saved.")
    expect(phone.get_by_role("region", name="History").get_by_role("listitem").first).to_contain_text(
        "Emery Executive changed it"
    )

    # when: they mark it done while the milestone it waits for is not
    form = phone.locator("form").filter(has=phone.get_by_role("button", name="Save changes"))
    form.get_by_role("radio", name="Done").check()
    form.get_by_role("button", name="Save changes").click()

    # then: the form names what is not done, and the status stays in progress
    expect(phone.get_by_role("alert")).to_contain_text(
        "It depends on milestones that are not done: Agree the customer-asset metrics with the leadership team"
    )
    expect(phone.get_by_role("alert")).to_contain_text("ask the CCO to override")
    expect(phone.locator(".milestone-status-line")).to_contain_text("In progress")
    assert_fits(phone, "the refused update")
    screenshot(phone, "roadmap-owner-refused-phone")

    # and: on the timeline, the milestone is in progress with its done part drawn darker
    desk = new_page(DESKTOP)
    sign_in(desk, owner, path=reverse("roadmap:timeline", kwargs={"org_slug": organization.slug}))
    expect(timeline_row(desk, feed.title)).to_contain_text("In progress")
    expect(timeline_row(desk, feed.title).locator("rect.bar-progress")).to_have_attribute("width", "60%")
    screenshot(desk, "roadmap-timeline-in-progress-desktop")


def test_cco_adds_a_milestone_and_is_refused_a_dependency_loop(
    new_page, live_server, sign_in, screenshot, organization, member_of
):
    """The CCO adds a milestone that depends on another, then tries to make the other depend on it: the form
    names the loop, and nothing changes."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    metrics = services.create_milestone(
        organization=organization,
        competency=Competency.objects.get(number=1),
        title="Agree the metrics",
        created_by=cco,
    )

    # given: the CCO opens the form for a new milestone of competency 1
    page = new_page(DESKTOP)
    sign_in(
        page, cco, path=reverse("roadmap:milestone_create", kwargs={"org_slug": organization.slug}) + "?competency=1"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("New milestone")
    expect(page.get_by_label("Competency")).to_have_value("1")
    screenshot(page, "roadmap-milestone-new-desktop")

    # when: they add one that depends on "Agree the metrics"
    page.get_by_label("Title").fill("Set up the data feed")
    page.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_label("Depends on").select_option(label="Agree the metrics")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.get_by_role("status")).to_contain_text("“Set up the data feed” added to Customers as assets.")

    # and: then make "Agree the metrics" depend on the new one
    page.goto(roadmap_url(live_server, organization, "milestone", milestone_id=metrics.pk))
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save changes"))
    form.get_by_label("Depends on").select_option(label="Set up the data feed")
    form.get_by_role("button", name="Save changes").click()

    # then: the form names the loop, focused first, and the dependency is not saved
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "That would make a loop: Agree the metrics → Set up the data feed → Agree the metrics."
    )
    expect(alert).to_be_focused()
    screenshot(page, "roadmap-dependency-loop-desktop")
    assert not metrics.dependencies.exists()
