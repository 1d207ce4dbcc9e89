"""The customer-room meeting in a real browser: the CCO sets the monthly meeting and schedules the next one, a
leader on a phone finds it and downloads its invitation, the CCO moves it then cancels it, and the leader's
invitation keeps its UID while its sequence rises. Screenshots: tests/artifacts/e2e-meetings-*.png."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from cco_portal.organizations.roles import Role
from metrics import selectors as metric_selectors
from metrics.months import month_label
from reports.meetings import services
from reports.meetings.models import Candidate
from tests.e2e.conftest import ARTIFACTS, PHONE
from tests.reports.meetings.factories import set_series
from tests.reports.snapshots import done_report, load_customer_data

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


def test_two_leaders_propose_and_rank_and_the_room_agrees_two_actions(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Given the next meeting scheduled, when Lee proposes two candidates and Eve (on a phone) one, each ranks them
    and sees only their own ranking, the CCO starts the meeting (both now see the combined ranking), agrees two
    actions with an owner and a due date each and makes one a roadmap milestone, then the meeting shows the
    decision and the third candidate as not chosen."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    lee = member_of(Role.LEADERSHIP, full_name="Lee Leadership", email="lee@example.com")
    eve = member_of(Role.EXECUTIVE, full_name="Eve Executive", email="eve@example.com")
    set_series(organization, invited=[lee, eve])
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco)
    meeting_path = reverse("reports:meeting", kwargs={"org_slug": organization.slug, "meeting_id": meeting.pk})

    lee_page = new_page()
    sign_in(lee_page, lee, meeting_path)
    for title in ("Call every customer lost to price", "Fix the billing errors"):
        lee_page.get_by_label("Candidate action").fill(title)
        lee_page.get_by_role("button", name="Propose", exact=True).click()
        expect(lee_page.get_by_text("Your candidate is proposed.")).to_be_visible()

    eve_phone = new_page(PHONE)
    sign_in(eve_phone, eve, meeting_path)
    eve_phone.get_by_label("Candidate action").fill("Welcome call for new customers")
    eve_phone.get_by_role("button", name="Propose", exact=True).click()
    expect(eve_phone.get_by_text("Your candidate is proposed.")).to_be_visible()
    eve_phone.get_by_label("Fix the billing errors").fill("1")
    eve_phone.get_by_label("Call every customer lost to price").fill("2")
    eve_phone.get_by_role("button", name="Save my ranking").click()
    expect(eve_phone.get_by_text("Your ranking is saved.")).to_be_visible()
    expect(eve_phone.get_by_text("The combined ranking shows to everyone once the meeting has started")).to_be_visible()
    screenshot(eve_phone, "meetings-ranking-before-start-phone")

    lee_page.reload()
    lee_page.get_by_label("Call every customer lost to price").fill("1")
    lee_page.get_by_label("Fix the billing errors").fill("2")
    lee_page.get_by_label("Welcome call for new customers").fill("3")
    lee_page.get_by_role("button", name="Save my ranking").click()
    expect(lee_page.get_by_text("Your ranking is saved.")).to_be_visible()

    sign_in(page, cco, meeting_path)
    page.get_by_role("button", name="Start the meeting").click()
    expect(page.get_by_role("heading", name="The combined ranking")).to_be_visible()
    eve_phone.reload()
    expect(eve_phone.get_by_text("Fix the billing errors — 5 points, ranked by 2 leaders")).to_be_visible()

    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    for title, owner in (("Fix the billing errors", eve), ("Call every customer lost to price", lee)):
        candidate = Candidate.objects.get(meeting=meeting, title=title)
        page.get_by_role("checkbox", name=title).check()
        page.locator(f"#id_owner_{candidate.pk}").select_option(label=owner.display_name)
        page.locator(f"#id_due_{candidate.pk}").fill(due)
    screenshot(page, "meetings-decision-form")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The room agreed 2 actions")).to_be_visible()
    expect(page.get_by_text("Not chosen")).to_be_visible()
    screenshot(page, "meetings-decided")

    page.goto(live_server.url + reverse("reports:actions", kwargs={"org_slug": organization.slug}))
    page.get_by_role("button", name="Make it a milestone “Fix the billing errors”").click()
    expect(page.get_by_text("is now a milestone on the roadmap")).to_be_visible()
    lee_page.reload()
    expect(lee_page.get_by_text("The room decided on")).to_be_visible()
    screenshot(lee_page, "meetings-decided-leader")


def test_one_meeting_from_invitation_to_minutes(
    page, new_page, live_server, sign_in, organization, member_of, screenshot
):
    """Four people, each in their own browser: the CCO schedules the meeting and tells a lost customer's story from
    the list of the month's lost customers; Lee and Eve (on a phone) propose and
    rank; the CCO starts it, records that Lee and Eve came and Max did not, agrees two actions and turns one into a
    roadmap milestone, and closes the meeting, which then refuses changes and sends the minutes; Max opens the
    minutes PDF and the record on the meetings page and the next report. Screenshots: tests/artifacts/e2e-minutes-*."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    lee = member_of(Role.LEADERSHIP, full_name="Lee Leadership", email="lee@example.com")
    eve = member_of(Role.EXECUTIVE, full_name="Eve Executive", email="eve@example.com")
    max_ = member_of(Role.EXECUTIVE, full_name="Max Absent", email="max@example.com")
    series = set_series(organization, invited=[lee, eve, max_])
    meetings_path = reverse("reports:meetings", kwargs={"org_slug": organization.slug})
    # Two years of customers up to the month after the meeting's report: the report it discusses, and the next one.
    report_month = services.next_report_month(series, organization)
    load_customer_data(organization, first=month_label(report_month - 22), months=24)
    done_report(organization, month_label(report_month))
    lost = metric_selectors.customers_behind(organization, report_month, "lost")[:1][0].customer

    sign_in(page, cco, meetings_path)
    page.get_by_role("button", name="Schedule the next meeting").click()
    expect(page.get_by_text("The meeting is scheduled and its invitation sent")).to_be_visible()
    meeting_path = page.url.removeprefix(live_server.url)
    # The story is picked where the CCO reads the month's lost customers, then told on the meeting's page.
    page.get_by_role("link", name="Lost", exact=True).click()
    expect(page.get_by_role("cell", name=lost, exact=True)).to_be_visible()
    drilldown_path = page.url.removeprefix(live_server.url)
    screenshot(page, "minutes-drilldown-cco")
    page.get_by_role("button", name=f"Tell this story at the next customer room ({lost})").click()
    expect(page.get_by_text(f"{lost}'s story will be told at the customer room of")).to_be_visible()
    expect(page.get_by_role("row", name=lost).get_by_text("A story at the next customer room")).to_be_visible()
    screenshot(page, "minutes-drilldown-story-told-cco")
    cco_phone = new_page(PHONE)
    sign_in(cco_phone, cco, drilldown_path)
    expect(
        cco_phone.get_by_role("button", name=re.compile("^Tell this story at the next customer room")).first
    ).to_be_visible()
    screenshot(cco_phone, "minutes-drilldown-cco-phone")
    cco_phone.close()
    page.goto(live_server.url + meeting_path)
    page.get_by_label(f"Your note on {lost}").fill("Twenty years with us; left after three late deliveries.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text(f"The note on {lost} is saved.")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(f"^The value of {lost}, month by month"))).to_be_visible()

    lee_page = new_page()
    sign_in(lee_page, lee, meeting_path)
    for title in ("Call every customer lost to price", "Fix the billing errors"):
        lee_page.get_by_label("Candidate action").fill(title)
        lee_page.get_by_role("button", name="Propose", exact=True).click()
        expect(lee_page.get_by_text("Your candidate is proposed.")).to_be_visible()
    lee_page.get_by_label("Call every customer lost to price").fill("1")
    lee_page.get_by_label("Fix the billing errors").fill("2")
    lee_page.get_by_role("button", name="Save my ranking").click()
    expect(lee_page.get_by_text("Your ranking is saved.")).to_be_visible()

    eve_phone = new_page(PHONE)
    sign_in(eve_phone, eve, meeting_path)
    eve_phone.get_by_label("Fix the billing errors").fill("1")
    eve_phone.get_by_label("Call every customer lost to price").fill("2")
    eve_phone.get_by_role("button", name="Save my ranking").click()
    expect(eve_phone.get_by_text("Your ranking is saved.")).to_be_visible()
    # Nobody changes another's proposal: Eve has no Withdraw button for Lee's candidates.
    expect(eve_phone.get_by_role("button", name=re.compile("^Withdraw"))).to_have_count(0)

    page.reload()
    page.get_by_role("button", name="Start the meeting").click()
    page.get_by_label("Lee Leadership (lee@example.com)").check()
    page.get_by_label("Eve Executive (eve@example.com)").check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Attendance is recorded.")).to_be_visible()
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    for title, owner in (("Fix the billing errors", eve), ("Call every customer lost to price", lee)):
        candidate = Candidate.objects.get(title=title)
        page.get_by_role("checkbox", name=title).check()
        page.locator(f"#id_owner_{candidate.pk}").select_option(label=owner.display_name)
        page.locator(f"#id_due_{candidate.pk}").fill(due)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The room agreed 2 actions")).to_be_visible()
    page.goto(live_server.url + reverse("reports:actions", kwargs={"org_slug": organization.slug}))
    page.get_by_role("button", name="Make it a milestone “Fix the billing errors”").click()
    expect(page.get_by_text("is now a milestone on the roadmap")).to_be_visible()
    page.goto(live_server.url + meeting_path)
    screenshot(page, "minutes-before-closing-cco")
    # Celery runs in the request here (eagerly): closing renders each invited leader's minutes PDF before answering.
    page.set_default_navigation_timeout(60_000)
    page.get_by_role("button", name="Close the meeting and send the minutes").click(timeout=60_000)
    expect(page.get_by_text("The meeting is closed: its minutes are sent")).to_be_visible()
    expect(page.get_by_role("button", name="Record attendance")).to_have_count(0)
    page.get_by_label("Correction").fill("Max sent his apologies in advance.")
    page.get_by_role("button", name="Add the correction").click()
    expect(page.get_by_text("Max sent his apologies in advance.")).to_be_visible()
    screenshot(page, "minutes-closed-cco")
    assert sorted(message.to[0] for message in mail.outbox if "Minutes" in message.subject) == [
        "eve@example.com",
        "lee@example.com",
        "max@example.com",
    ]

    max_page = new_page()
    sign_in(max_page, max_, meeting_path)
    expect(max_page.get_by_text("Closed on")).to_be_visible()
    with max_page.expect_download() as download:
        max_page.get_by_role("link", name="Download the minutes (PDF)").click()
    minutes = download.value.path().read_bytes()
    assert minutes.startswith(b"%PDF")
    (ARTIFACTS / "e2e-minutes.pdf").write_bytes(minutes)
    screenshot(max_page, "minutes-meeting-leader")
    max_page.goto(live_server.url + meetings_path)
    expect(max_page.get_by_text("Of the 1 customer-room meeting due, 1 was held on schedule.")).to_be_visible()
    expect(max_page.get_by_text("Max Absent (0 of 1)")).to_be_visible()
    screenshot(max_page, "minutes-record-leader")
    done_report(organization, month_label(report_month + 1))
    max_page.goto(
        live_server.url
        + reverse("reports:dashboard", kwargs={"org_slug": organization.slug, "month": month_label(report_month + 1)})
    )
    expect(max_page.get_by_text("Of the 1 customer-room meeting due, 1 was held on schedule.")).to_be_visible()
    screenshot(max_page, "minutes-next-report-leader")
