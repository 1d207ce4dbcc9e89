"""The customer-room meeting in a real browser: the CCO sets the monthly meeting and schedules the next one, a
leader on a phone finds it and downloads its invitation, the CCO moves it then cancels it, and the leader's
invitation keeps its UID while its sequence rises. Screenshots: tests/artifacts/e2e-meetings-*.png."""

import re

import pytest
from django.urls import reverse
from icalendar import Calendar
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def download_invitation(page):
    with page.expect_download() as download:
        page.get_by_role("link", name="(.ics)").first.click()
    invitation = Calendar.from_ical(download.value.path().read_bytes())
    return str(invitation["method"]), invitation.walk("VEVENT")[0]


def test_the_cco_schedules_moves_and_cancels_the_meeting_a_leader_holds_in_their_calendar(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Given a CCO and two leaders, when the CCO sets the meeting on the second Tuesday at 09:00 in Paris and
    schedules the next one, a leader finds it and downloads its invitation; when the CCO moves it to 14:30 and then
    cancels it, the leader's invitations carry the same UID with sequences 0, 1 and 2, the last a cancellation."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    leader = member_of(Role.LEADERSHIP, full_name="Lee Leadership", email="lee@example.com")
    member_of(Role.EXECUTIVE, full_name="Eve Executive", email="eve@example.com")
    meetings_path = reverse("reports:meetings", kwargs={"org_slug": organization.slug})

    sign_in(page, cco, meetings_path)
    expect(page.get_by_text("No monthly meeting is set yet")).to_be_visible()
    page.get_by_role("link", name="Set the monthly meeting").click()
    page.get_by_label("a weekday of the month").check()
    page.get_by_label("Week", exact=True).select_option(label="second")
    page.get_by_label("Weekday", exact=True).select_option(label="Tuesday")
    page.locator("#id_start_time").fill("09:00")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_label("Duration in minutes").fill("90")
    page.get_by_label("Lee Leadership (lee@example.com)").check()
    page.get_by_label("Eve Executive (eve@example.com)").check()
    screenshot(page, "meetings-series-form")
    page.get_by_role("button", name="Save the monthly meeting").click()
    expect(page.get_by_text("On the second Tuesday of every month, at 09:00 (Europe/Paris)")).to_be_visible()
    page.get_by_role("button", name="Schedule the next meeting").click()
    expect(page.get_by_text("The meeting is scheduled and its invitation sent")).to_be_visible()
    # Shown on the meeting's own wall clock, whatever the portal's time zone.
    expect(page.get_by_text(re.compile(r"Tuesday \d+ \w+ \d{4}, 09:00 \u2013 10:30 \(Europe/Paris\)"))).to_be_visible()
    expect(page.get_by_text("Eve Executive, Lee Leadership")).to_be_visible()
    screenshot(page, "meetings-meeting-cco")

    phone = new_page(PHONE)
    sign_in(phone, leader, meetings_path)
    expect(phone.get_by_role("heading", name="Next meeting")).to_be_visible()
    expect(phone.get_by_role("button", name="Schedule the next meeting")).to_have_count(0)
    screenshot(phone, "meetings-list-leader-phone")
    method, first = download_invitation(phone)
    assert (method, int(first["sequence"])) == ("REQUEST", 0)
    assert first.decoded("dtstart").strftime("%H:%M %A") == "09:00 Tuesday"
    assert str(first["attendee"]) == "mailto:lee@example.com"

    page.get_by_role("link", name="Change the day, time or invited").click()
    page.locator("#id_start_time").fill("14:30")
    page.get_by_role("button", name="Save and send the update").click()
    expect(page.get_by_text("The meeting is changed")).to_be_visible()
    phone.reload()
    method, moved = download_invitation(phone)
    assert (method, str(moved["uid"]), int(moved["sequence"])) == ("REQUEST", str(first["uid"]), 1)
    assert moved.decoded("dtstart").strftime("%H:%M") == "14:30"

    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_text("The meeting is cancelled")).to_be_visible()
    expect(page.get_by_text(re.compile(r", 14:30 \u2013 16:00 \(Europe/Paris\), cancelled"))).to_be_visible()
    screenshot(page, "meetings-cancelled-cco")
    phone.goto(live_server.url + meetings_path)
    expect(phone.get_by_text("No meeting is scheduled.")).to_be_visible()
    phone.get_by_role("link", name="Tue").first.click()
    method, cancelled = download_invitation(phone)
    assert (method, str(cancelled["status"]), str(cancelled["uid"]), int(cancelled["sequence"])) == (
        "CANCEL",
        "CANCELLED",
        str(first["uid"]),
        2,
    )
    screenshot(phone, "meetings-cancelled-leader-phone")
