"""Accountability from the record: of the customer-room actions due before a day, the share done by their due
date, and who holds the overdue ones; an action that became a milestone is done when the milestone was."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics.months import parse_month_label
from reports import actions, exports, selectors, services
from reports.accountability import accountability
from reports.meetings import record as meeting_record
from reports.meetings import services as meeting_services
from reports.models import ActionStatus, Report, ReportStatus
from roadmap.models import Status
from tests.reports.factories import CustomerRoomActionFactory
from tests.reports.meetings.factories import set_series
from tests.roadmap.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

MARCH = 2024 * 12 + 2


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


@pytest.fixture
def record(organization, member_of, clock):
    """Actions of March 2024 due 10 April: done on 5 April, done on 20 April, open (Ann), dropped, and one that
    became a milestone done on 8 April; one of April due 10 May, open (Bob)."""
    ann = member_of(Role.EXECUTIVE, full_name="Ann Archer")
    bob = member_of(Role.LEADERSHIP, full_name="Bob Baker")
    due = date(2024, 4, 10)

    def action(**fields):
        return CustomerRoomActionFactory(organization=organization, month=MARCH, due_date=due, **fields)

    action(status=ActionStatus.DONE, closed_at=at(date(2024, 4, 5)), owner=ann)
    action(status=ActionStatus.DONE, closed_at=at(date(2024, 4, 20)), owner=bob)
    action(owner=ann)
    action(status=ActionStatus.DROPPED, closed_at=at(date(2024, 4, 1)), owner=bob)
    clock.current = at(date(2024, 3, 20))
    milestone = MilestoneFactory(organization=organization, owner=bob)
    action(owner=bob, milestone=milestone)
    clock.current = at(date(2024, 4, 8))
    milestone.status, milestone.percent_complete = Status.DONE, 100
    milestone.save()
    CustomerRoomActionFactory(organization=organization, month=MARCH + 1, due_date=date(2024, 5, 10), owner=bob)
    clock.current = at(date(2024, 6, 1))
    return {"ann": ann, "bob": bob}


def test_the_share_done_by_the_due_date_and_the_overdue_by_owner(organization, record):
    """As of 30 April, for March's actions: four were due (the dropped one aside), two were done by 10 April
    (one of them through its milestone), one was done late, and Ann's is still overdue."""
    march = accountability(organization, as_of=date(2024, 4, 30), month=MARCH)

    assert (march.due, march.on_time, march.on_time_percent) == (4, 2, 50)
    assert [(owner.name, owner.overdue) for owner in march.overdue_by_owner] == [("Ann Archer", 1)]


def test_an_action_done_late_was_overdue_until_it_was_done(organization, record):
    """As of 15 April, the action done on 20 April was still overdue, beside Ann's. As of today (1 June), April's
    action is due too, and overdue: Bob's."""
    mid_april = accountability(organization, as_of=date(2024, 4, 15), month=MARCH)
    assert sorted((owner.name, owner.overdue) for owner in mid_april.overdue_by_owner) == [
        ("Ann Archer", 1),
        ("Bob Baker", 1),
    ]

    today = accountability(organization)
    assert (today.due, today.on_time) == (5, 2)
    assert [(owner.name, owner.overdue) for owner in today.overdue_by_owner] == [("Ann Archer", 1), ("Bob Baker", 1)]


def test_a_milestone_reopened_after_its_due_date_is_not_done_on_time(organization, record, clock):
    """Given the milestone reopened and done again after the due date, its action was done late."""
    action = organization.customer_room_actions.get(milestone__isnull=False)
    milestone = action.milestone
    for status in (Status.IN_PROGRESS, Status.DONE):
        clock.advance(days=1)
        milestone.status = status
        milestone.save()

    assert accountability(organization, as_of=date(2024, 4, 30), month=MARCH).on_time == 1


def test_the_actions_page_and_an_older_report_show_the_record_read_now(client, api_client, organization, record):
    """The actions page says it in words. A report computed before reports kept the record in their snapshot is
    not recomputed: its API gives the record read now, as of the report's day, and says so (read_live)."""
    client.force_login(record["ann"])
    page = client.get(reverse("reports:actions", kwargs={"org_slug": organization.slug})).content.decode()
    assert "Of the 5 actions due before 1 June 2024, 2 (40%) were done by their due date." in page
    assert "Ann Archer</span> (1)" in page

    april = Report.objects.create(
        organization=organization,
        month=MARCH + 1,
        data_version=1,
        status=ReportStatus.DONE,
        figures={"organization": organization.name, "month": "2024-04", "data_version": 1, "bridge": None},
    )
    api_client.force_authenticate(record["bob"])
    answer = api_client.get(reverse("api-report-detail", kwargs={"org_slug": organization.slug, "month": "2024-04"}))
    assert answer.data["accountability"] == {
        "as_of": "2024-04-30",
        "due": 4,
        "on_time": 2,
        "on_time_percent": 50,
        "overdue_by_owner": [{"owner": "Ann Archer", "overdue": 1}],
        "meetings_due": 0,
        "meetings_on_schedule": 0,
        "attendance_by_leader": [],
        "read_live": True,
    }
    assert april.pk == answer.data["id"]


def test_a_report_keeps_the_record_as_it_stood_when_it_was_computed(
    client, api_client, organization, record, cco_user, django_capture_on_commit_callbacks
):
    """Given the report of June 2024 computed on 1 June, with Ann's and Bob's actions overdue and the meeting on
    April's report due in May but not held, when Bob's action is then done and the meeting held and closed, then
    the actions page moves on (Bob no longer overdue, the meeting held on schedule), while the report's page, PDF
    context, CSV tables and API still show the record as it stood when the report was computed."""
    set_series(organization, invited=[record["ann"], record["bob"]])
    meeting = meeting_services.schedule_meeting(
        organization=organization, report_month=parse_month_label("2024-04"), scheduled_by=cco_user, notify=False
    )
    june = services.compute_report(organization=organization, month=MARCH + 3, notify=False)
    stored = june.figures["accountability"]
    assert (stored["due"], stored["on_time"], stored["meetings_due"], stored["meetings_on_schedule"]) == (5, 2, 1, 0)
    assert stored["overdue_by_owner"] == [{"owner": "Ann Archer", "overdue": 1}, {"owner": "Bob Baker", "overdue": 1}]

    # when: Bob's action is done and the meeting held, after the report was computed
    bobs = organization.customer_room_actions.get(month=MARCH + 1)
    actions.update_action(action=bobs, status=ActionStatus.DONE)
    meeting_record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[record["bob"]])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_record.close_meeting(meeting=meeting, closed_by=cco_user, notify=False)

    # then: the live record moves on
    live = accountability(organization)
    assert [(owner.name, owner.overdue) for owner in live.overdue_by_owner] == [("Ann Archer", 1)]
    assert (live.meetings_due, live.meetings_on_schedule) == (1, 1)
    client.force_login(record["ann"])
    page = client.get(reverse("reports:actions", kwargs={"org_slug": organization.slug})).content.decode()
    assert "Bob Baker</span> (1)" not in page
    assert "Of the 1 customer-room meeting due, 1 was held on schedule." in page

    # and the report's does not
    june.refresh_from_db()
    shown = selectors.report_accountability(june)
    assert shown.as_dict() == stored
    assert not shown.read_live
    report_page = client.get(
        reverse("reports:dashboard", kwargs={"org_slug": organization.slug, "month": "2024-06"})
    ).content.decode()
    assert "Bob Baker</span> (1)" in report_page
    assert "Of the 1 customer-room meeting due, 0 was held on schedule." in report_page
    assert "rather than as it stood" not in report_page
    api_client.force_authenticate(record["bob"])
    answer = api_client.get(reverse("api-report-detail", kwargs={"org_slug": organization.slug, "month": "2024-06"}))
    assert answer.data["accountability"] == {**stored, "read_live": False}
    tables = exports.report_tables(june.figures, [], shown)
    assert tables["overdue-by-owner.csv"][1] == [["Ann Archer", 1], ["Bob Baker", 1]]
    assert tables["accountability.csv"][1] == [["2024-06-01", 5, 2, 40, 1, 0, True]]
