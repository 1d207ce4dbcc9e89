"""The demo's customer room: the last 12 months of reports, and a few actions, one a milestone."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from cco_portal.organizations.models import Organization
from reports.demo import demo_report_months
from reports.models import CustomerRoomAction, Report, ReportStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_produces_the_last_12_months_of_reports(django_capture_on_commit_callbacks):
    """Given a fresh database, when seed_demo runs (twice, as it may), then the demo organization has one
    done report of each of the last 12 months with customer figures, its monthly schedule, and four
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
    assert actions.count() == 4
    assert [a.milestone.competency.number for a in actions if a.milestone] == [5]
    assert PeriodicTask.objects.filter(task="reports.tasks.scheduled_report_task").exists()
