"""The demo's customer room: the last 12 months of reports, and a few actions, one a milestone."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cco_portal.organizations.models import Organization
from reports.accountability import accountability
from reports.demo import demo_report_months
from reports.models import CustomerRoomAction, Meeting, Report, ReportStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_produces_the_last_12_months_of_reports(django_capture_on_commit_callbacks):
    """Given a fresh database, when seed_demo runs (twice, as it may), then the demo organization has one
    done report of each of the last 12 months with customer figures, its monthly schedule, and five
    actions, one of them a milestone of competency 5."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=None)

    demo = Organization.objects.get(slug="demo")
    reports = Report.objects.filter(organization=demo)
    assert sorted(reports.values_list("month", flat=True)) == demo_report_months()
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.DONE}
    assert all(report.figures["bridge"]["end"]["count"] > 100 for report in reports)
    actions = CustomerRoomAction.objects.filter(organization=demo)
    assert actions.count() == 5
    assert [a.milestone.competency.number for a in actions if a.milestone] == [5]
    assert PeriodicTask.objects.filter(task="reports.tasks.scheduled_report_task").exists()


def test_seed_demo_holds_three_meetings_and_schedules_the_next(django_capture_on_commit_callbacks, mailoutbox):
    """The demo's customer room: three meetings held and closed, each with attendance (someone absent at two),
    customer stories, a decision whose actions are the demo's, and the next meeting scheduled; no invitation or
    minutes emailed."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=None)

    demo = Organization.objects.get(slug="demo")
    meetings = list(Meeting.objects.filter(organization=demo).order_by("report_month"))
    held, upcoming = meetings[:3], meetings[3:]
    assert all(meeting.is_closed and meeting.is_decided for meeting in held)
    assert [len(upcoming), upcoming[0].is_closed, upcoming[0].starts_at > timezone.now()] == [1, False, True]
    assert [m.report_month for m in meetings] == list(range(held[0].report_month, held[0].report_month + 4))
    for meeting in held:
        assert meeting.stories.count() >= 2
        assert meeting.attendance.count() == 3
        assert meeting.candidates.filter(action__isnull=False).exists()
    assert [m.attendance.filter(present=False).count() for m in held] == [0, 1, 1]
    agreed = CustomerRoomAction.objects.filter(organization=demo, candidate__isnull=False)
    assert agreed.count() >= 3
    assert accountability(demo).meetings_on_schedule == 3
    assert [m.subject for m in mailoutbox if "Minutes" in m.subject or "Invitation" in m.subject] == []
