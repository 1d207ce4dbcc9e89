"""Computing a month's report exactly once per data version, and what happens around it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from metrics.models import Dataset
from metrics.months import month_index
from reports import actions, schedule, selectors, services
from reports.figures import build_report_figures
from reports.models import ActionStatus, Report, ReportSchedule, ReportStatus
from roadmap.models import Milestone, Status
from tests.factories import OrganizationFactory
from tests.reports.conftest import MARCH, load_history
from tests.reports.factories import CustomerRoomActionFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_a_report_is_computed_once_per_data_version(organization, customer_data):
    """Given computed data, when March's report is computed twice, then one done report holds the
    figures of that data version, and the second computation changes nothing."""
    first = services.compute_report(organization=organization, month=MARCH)
    second = services.compute_report(organization=organization, month=MARCH)

    assert Report.objects.filter(organization=organization, month=MARCH).count() == 1
    assert first.pk == second.pk
    assert second.status == ReportStatus.DONE
    assert second.progress == 100
    assert second.data_version == customer_data.computed_version
    assert second.data_computed_at == customer_data.computed_at
    assert second.figures == build_report_figures(organization, MARCH)
    assert second.attempts == 1


def test_new_data_makes_a_second_report_beside_the_first(organization, customer_data):
    """Given March's report, when the data changes (a new version) and March is computed again, then a
    second report of the new version exists and is the one leadership reads."""
    old = services.compute_report(organization=organization, month=MARCH)
    load_history(organization, [("zed", "2024-03", "500", "East")])

    new = services.compute_report(organization=organization, month=MARCH)

    assert new.pk != old.pk
    assert new.data_version == old.data_version + 1
    assert selectors.latest_report(organization, MARCH) == new
    assert new.figures["bridge"]["end"]["count"] == 1


def test_a_report_another_task_is_computing_is_left_to_it(organization, customer_data):
    """Given March's report claimed a moment ago by another task, when a second task computes it, then
    it leaves the report to the first and computes nothing."""
    ReportFactory(
        organization=organization,
        month=MARCH,
        data_version=customer_data.computed_version,
        status=ReportStatus.RUNNING,
        figures=None,
        task_id="first-task",
        started_at=timezone.now(),
        attempts=1,
    )

    report = services.compute_report(organization=organization, month=MARCH, task_id="second-task")

    assert report.status == ReportStatus.RUNNING
    assert report.task_id == "first-task"
    assert report.figures is None


def test_a_redelivered_task_takes_its_report_back(organization, customer_data):
    """Given March's report left running by a task whose worker died, when the broker delivers the same
    task again, then it computes the report."""
    ReportFactory(
        organization=organization,
        month=MARCH,
        data_version=customer_data.computed_version,
        status=ReportStatus.RUNNING,
        figures=None,
        task_id="the-task",
        started_at=timezone.now(),
        attempts=1,
    )

    report = services.compute_report(organization=organization, month=MARCH, task_id="the-task")

    assert report.status == ReportStatus.DONE
    assert report.attempts == 2


def test_a_claim_older_than_the_time_limit_is_taken_over(organization, customer_data, settings):
    """Given a report claimed longer ago than the hard time limit (its worker cannot be alive), when
    another task computes it, then that task takes it over."""
    ReportFactory(
        organization=organization,
        month=MARCH,
        data_version=customer_data.computed_version,
        status=ReportStatus.RUNNING,
        figures=None,
        task_id="lost-task",
        started_at=timezone.now() - timedelta(seconds=settings.REPORTS_TASK_TIME_LIMIT + 1),
    )

    report = services.compute_report(organization=organization, month=MARCH, task_id="other-task")

    assert report.status == ReportStatus.DONE


def test_a_report_started_too_often_is_failed_instead_of_looping(organization, customer_data):
    """Given a report whose task has been started the most times allowed (its worker keeps dying), when
    it is delivered once more, then the report is marked failed with why, and not computed."""
    ReportFactory(
        organization=organization,
        month=MARCH,
        data_version=customer_data.computed_version,
        status=ReportStatus.RUNNING,
        figures=None,
        task_id="the-task",
        started_at=timezone.now(),
        attempts=services.MAX_ATTEMPTS,
    )

    report = services.compute_report(organization=organization, month=MARCH, task_id="the-task")

    assert report.status == ReportStatus.FAILED
    assert "attempts" in report.error


def test_figures_gathered_while_the_data_changed_are_dropped(
    organization, customer_data, monkeypatch, django_capture_on_commit_callbacks
):
    """Given the movements are computed again while March's figures are gathered, when the report is
    stored, then it is dropped rather than stored with figures that may mix two versions, and March is
    computed again from the new data."""
    original = build_report_figures
    recomputed = []

    def gather_then_recompute(organization_, month, on_progress=None):
        figures = original(organization_, month, on_progress=on_progress)
        if not recomputed:
            recomputed.append(load_history(organization, [("zed", "2024-03", "500", "East")]))
        return figures

    monkeypatch.setattr(services, "build_report_figures", gather_then_recompute)

    with django_capture_on_commit_callbacks(execute=True):
        dropped = services.compute_report(organization=organization, month=MARCH)

    assert dropped is None

    reports = list(Report.objects.filter(organization=organization, month=MARCH))
    assert [(r.data_version, r.status) for r in reports] == [(recomputed[0].computed_version, ReportStatus.DONE)]


def test_requesting_a_failed_report_queues_it_again(organization, customer_data, django_capture_on_commit_callbacks):
    """Given March's report failed, when the CCO asks for it again, then it is computed afresh."""
    ReportFactory(
        organization=organization,
        month=MARCH,
        data_version=customer_data.computed_version,
        status=ReportStatus.FAILED,
        error="OperationalError: the database went away",
        figures=None,
        attempts=4,
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(organization=organization, month=MARCH)

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE  # in-process, the task ran at commit
    assert report.error == ""
    assert report.attempts == 1


def test_the_scheduled_run_computes_the_month_before(organization, customer_data):
    """Given a day in May, when the monthly run comes, then April's report is computed; in June, with no
    data for May yet, no report is made (the data-change sweep makes it once May is imported)."""
    may, june = (timezone.localdate().replace(year=2024, month=month, day=3) for month in (5, 6))

    report = services.request_scheduled_report(organization=organization, today=may)
    nothing = services.request_scheduled_report(organization=organization, today=june)

    assert report.month == month_index(may) - 1
    assert nothing is None


def test_stalled_reports_are_failed(organization, settings):
    """Given a report running since long before its task could be delivered again, when the stalled
    reports are swept, then it is failed with an explanation; a recent one is left alone."""
    long_ago = timezone.now() - timedelta(days=1)
    stalled = ReportFactory(
        organization=organization, status=ReportStatus.RUNNING, started_at=long_ago, figures=None, month=1
    )
    recent = ReportFactory(
        organization=organization, status=ReportStatus.RUNNING, started_at=timezone.now(), figures=None, month=2
    )

    assert services.fail_stalled_reports() == 1

    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert stalled.status == ReportStatus.FAILED
    assert "worker" in stalled.error
    assert recent.status == ReportStatus.RUNNING


# the schedule


def test_setting_the_schedule_updates_its_periodic_task(organization, admin_user):
    """Given an organization, when the admin sets day 15 at 07:00 and later turns the run off, then one
    PeriodicTask runs the monthly report on that day and hour, and is disabled."""
    schedule.set_report_schedule(organization=organization, day_of_month=15, hour=7, enabled=True)
    task = schedule.periodic_task_of(organization.pk)
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.minute) == ("15", "7", "0")
    assert task.task == "reports.tasks.scheduled_report_task"
    assert task.args == f"[{organization.pk}]"
    assert task.enabled

    schedule.set_report_schedule(
        organization=organization, day_of_month=15, hour=7, enabled=False, updated_by=admin_user
    )

    assert PeriodicTask.objects.filter(task="reports.tasks.scheduled_report_task").count() == 1
    assert not schedule.periodic_task_of(organization.pk).enabled


def test_a_day_every_month_does_not_have_is_refused(organization):
    """Given the schedule form, when day 31 is asked for, then it is refused with a reason."""
    with pytest.raises(ValidationError) as refused:
        schedule.set_report_schedule(organization=organization, day_of_month=31, hour=7, enabled=True)

    assert "day_of_month" in refused.value.message_dict
    assert not ReportSchedule.objects.exists()


def test_every_organization_gets_a_default_schedule(organization, other_organization):
    """Given two organizations without a schedule, when schedules are ensured (twice), then each has the
    default schedule and its periodic task, once."""
    assert schedule.ensure_report_schedules() == 2
    assert schedule.ensure_report_schedules() == 0

    assert ReportSchedule.objects.count() == 2
    assert PeriodicTask.objects.filter(task="reports.tasks.scheduled_report_task").count() == 2
    assert selectors.schedule_of(organization).day_of_month == 1


# customer-room actions


def test_an_action_becomes_a_milestone_of_competency_5_once(organization, cco_user, member_of):
    """Given an action with an owner and due date, when the CCO makes it a milestone, then a milestone of
    competency 5 has its title, owner and due date; a second time is refused."""
    owner = member_of("leadership")
    action = actions.record_action(
        organization=organization,
        month=MARCH,
        title="Call every customer lost to price",
        owner=owner,
        due_date=timezone.localdate() + timedelta(days=30),
        created_by=cco_user,
    )

    milestone = actions.make_action_milestone(action=action, created_by=cco_user)

    assert (milestone.competency.number, milestone.title, milestone.owner, milestone.due_date) == (
        5,
        action.title,
        owner,
        action.due_date,
    )
    assert milestone.status == Status.PLANNED
    action.refresh_from_db()
    assert action.milestone == milestone
    with pytest.raises(ValidationError):
        actions.make_action_milestone(action=action, created_by=cco_user)


def test_an_owner_from_another_organization_is_refused(organization, other_organization, member_of, cco_user):
    """Given a member of another organization, when an action is given to them, then it is refused."""
    outsider = member_of("cco", org=other_organization)

    with pytest.raises(ValidationError) as refused:
        actions.record_action(organization=organization, month=MARCH, title="X", owner=outsider, created_by=cco_user)

    assert "owner" in refused.value.message_dict


def test_a_report_shows_its_months_actions_and_earlier_open_ones(organization, cco_user):
    """Given actions of February (one open, one done in February, one done in March) and of March and
    April, when March's report lists its actions, then it shows March's, February's open one, and the
    one closed in March; not April's, nor the one closed before March."""
    february, april = MARCH - 1, MARCH + 1
    march_start = timezone.make_aware(timezone.datetime(2024, 3, 1))
    still_open = CustomerRoomActionFactory(organization=organization, month=february)
    CustomerRoomActionFactory(
        organization=organization, month=february, status=ActionStatus.DONE, closed_at=march_start - timedelta(days=2)
    )
    closed_in_march = CustomerRoomActionFactory(
        organization=organization, month=february, status=ActionStatus.DONE, closed_at=march_start + timedelta(days=2)
    )
    agreed_in_march = CustomerRoomActionFactory(organization=organization, month=MARCH)
    CustomerRoomActionFactory(organization=organization, month=april)
    CustomerRoomActionFactory(organization=OrganizationFactory(), month=MARCH)

    shown = set(selectors.actions_for_report(organization, MARCH))

    assert shown == {still_open, closed_in_march, agreed_in_march}


def test_closing_an_action_records_when(organization, cco_user):
    """Given an open action, when it is marked done and then reopened, then its closing time is recorded
    and cleared."""
    action = CustomerRoomActionFactory(organization=organization)

    actions.update_action(action=action, status=ActionStatus.DONE)
    action.refresh_from_db()
    assert action.closed_at is not None

    actions.update_action(action=action, status=ActionStatus.OPEN)
    action.refresh_from_db()
    assert action.closed_at is None


def test_the_headline_is_read_from_the_snapshot(organization, customer_data):
    """Given March's report, then its headline is the bridge's end, gains, losses and change."""
    report = services.compute_report(organization=organization, month=MARCH)
    bridge = report.figures["bridge"]

    headline = selectors.headline(report)

    assert headline.active == bridge["end"]["count"]
    assert headline.new == bridge["classes"]["new"]["count"]
    assert headline.active_change == bridge["end"]["count"] - bridge["start"]["count"]
    assert Dataset.objects.get(organization=organization).computed_version == report.data_version


def test_an_action_due_before_the_meeting_that_agreed_it_is_refused(organization, cco_user):
    """An action of the March room due in February makes no sense and is refused with the month named; a
    month like 0000-01 (which once made every report page answer 500) is refused too."""
    with pytest.raises(ValidationError, match="due before the customer room of 2024-03"):
        actions.record_action(
            organization=organization, month=MARCH, title="Call them", created_by=cco_user, due_date=date(2024, 2, 1)
        )
    with pytest.raises(ValidationError, match="from 1900-01 to next month"):
        actions.record_action(organization=organization, month=0, title="Call them", created_by=cco_user)


def test_a_report_leaves_out_an_action_whose_milestone_was_done_before_its_month(organization, cco_user):
    """Given two actions of February that became milestones, one done before March began and one done in
    March, when March's report lists its actions, then it shows only the one done in March: an action
    follows its milestone in the report too, as it follows a status of its own."""
    february = MARCH - 1
    march_start = timezone.make_aware(timezone.datetime(2024, 3, 1))
    done_before, done_in_march = (
        CustomerRoomActionFactory(organization=organization, month=february) for _ in range(2)
    )
    for action, day in (
        (done_before, march_start - timedelta(days=2)),
        (done_in_march, march_start + timedelta(days=2)),
    ):
        milestone = actions.make_action_milestone(action=action, created_by=cco_user)
        Milestone.objects.filter(pk=milestone.pk).update(status=Status.DONE, updated_at=day)

    shown = set(selectors.actions_for_report(organization, MARCH))

    assert shown == {done_in_march}
