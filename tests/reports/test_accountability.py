"""Accountability from the record: of the customer-room actions due before a day, the share done by their due
date, and who holds the overdue ones; an action that became a milestone is done when the milestone was."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from reports.accountability import accountability
from reports.models import ActionStatus, Report, ReportStatus
from roadmap.models import Status
from tests.reports.factories import CustomerRoomActionFactory
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


def test_the_actions_page_and_the_report_api_show_the_record(client, api_client, organization, record):
    """The actions page says it in words; the report's API gives the figures."""
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
    }
    assert april.pk == answer.data["id"]
