"""The report through the real parts: Celery workers and beat in their own processes, on PostgreSQL and
Redis. Whatever happens (the monthly run, a task delivered twice, two beat processes, a worker killed in
the middle), exactly one report per organization, month and data version; a task queued in a
transaction that rolls back never runs."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.celery import app as celery_app
from cco_portal.organizations.roles import Role
from metrics.months import month_index, month_label
from reports import schedule, services, tasks
from reports.models import Report, ReportStatus
from tests.reports.conftest import MARCH, load_history
from tests.reports.snapshots import done_report
from tests.services import BASE_DIR, _database_url, wait_for

pytestmark = pytest.mark.services

QUEUE = "celery"


def _queued_messages(queue: str = QUEUE) -> int:
    with celery_app.connection_for_read() as connection:
        return connection.default_channel.client.llen(queue)


def _worker_is_idle() -> bool:
    """Nothing waits in the queue and the session worker runs nothing."""
    active = celery_app.control.inspect(timeout=1).active() or {}
    return _queued_messages() == 0 and not any(active.values())


def _last_month() -> int:
    return month_index(timezone.localdate()) - 1


def _start(command: list[str], log_name: str, **env) -> subprocess.Popen:
    """A celery process on the test database and broker, in its own process group, logging to artifacts."""
    log_path = BASE_DIR / "tests" / "artifacts" / log_name
    log_path.parent.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cco_portal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **env,
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cco_portal", *command],
            cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    process.log_path = log_path
    return process


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)


@pytest.fixture
def data_to_last_month(organization):
    """Activity up to the month before today, computed: the monthly run has a month of data to report."""
    last = _last_month()
    return load_history(
        organization,
        rows=[
            ("ann", month_label(last - 1), "100", "North"),
            ("ann", month_label(last), "120", "North"),
            ("bob", month_label(last), "50", "South"),
        ],
    )


def test_the_scheduled_run_produces_the_report(real_celery, organization, data_to_last_month):
    """Given the organization's schedule, when its PeriodicTask's task is sent as beat sends it, then the
    worker computes the report of the month before: one, done, from the current data."""
    periodic = schedule.sync_periodic_task(schedule.set_report_schedule(
        organization=organization, day_of_month=1, hour=6, enabled=True
    ))  # fmt: skip

    celery_app.send_task(periodic.task, args=json.loads(periodic.args))

    report = wait_for(lambda: Report.objects.filter(organization=organization, status=ReportStatus.DONE).first())
    assert report.month == _last_month()
    assert report.data_version == data_to_last_month.computed_version
    assert report.figures["roadmap"]
    assert Report.objects.filter(organization=organization).count() == 1


def test_the_same_task_delivered_twice_makes_one_report(real_celery, organization, customer_data):
    """Given March's computation queued twice under one task id (a duplicate delivery), when the worker
    has run both, then there is one done report, computed once, and its email was claimed once."""
    task_id = str(uuid.uuid4())

    tasks.compute_report_task.apply_async((organization.pk, MARCH), task_id=task_id)
    tasks.compute_report_task.apply_async((organization.pk, MARCH), task_id=task_id)

    wait_for(lambda: Report.objects.filter(organization=organization, status=ReportStatus.DONE).exists())
    wait_for(_worker_is_idle)
    report = Report.objects.get(organization=organization, month=MARCH)
    assert report.status == ReportStatus.DONE
    assert report.attempts == 1
    assert report.emailed_at is not None


def _due_schedule(organization) -> PeriodicTask:
    """The organization's monthly run set to a day and hour that passed since its last run: due now."""
    now = timezone.localtime()
    occurrence = now.replace(day=min(now.day, 28), minute=0, second=0, microsecond=0)
    if occurrence > now:
        occurrence -= timedelta(days=1)
    schedule.set_report_schedule(
        organization=organization, day_of_month=occurrence.day, hour=occurrence.hour, enabled=True
    )
    periodic = schedule.periodic_task_of(organization.pk)
    PeriodicTask.objects.filter(pk=periodic.pk).update(last_run_at=occurrence - timedelta(hours=1))
    return periodic


def test_two_beat_processes_make_one_report(real_celery, organization, data_to_last_month):
    """Given the monthly run due now, when two beat processes (the database scheduler) run, and the run
    is sent once more as a beat would that missed the first one's record of it, then the worker runs
    every send and there is still one report of the month before."""
    periodic = _due_schedule(organization)
    # The test settings run tasks in-process; beat must send them to the broker, as in production.
    beats = [
        _start(
            ["beat", "--loglevel=INFO", "-S", "django_celery_beat.schedulers:DatabaseScheduler"],
            f"beat-{n}.log",
            DJANGO_SETTINGS_MODULE="cco_portal.settings.local",
        )
        for n in (1, 2)
    ]
    try:
        sent = f"Sending due task {periodic.name}"
        # The first beat to send it records the run, and the other may then find it not due any more.
        wait_for(lambda: any(sent in beat.log_path.read_text() for beat in beats), timeout=60)
        celery_app.send_task(periodic.task, args=json.loads(periodic.args))
        wait_for(lambda: Report.objects.filter(organization=organization, status=ReportStatus.DONE).exists())
        wait_for(_worker_is_idle, timeout=60)
    finally:
        for beat in beats:
            _stop(beat)

    reports = Report.objects.filter(organization=organization)
    assert [(r.month, r.status) for r in reports] == [(_last_month(), ReportStatus.DONE)]


VISIBILITY_TIMEOUT = 5


def _unacknowledged_long_enough() -> bool:
    with celery_app.connection_for_read() as connection:
        delivered = connection.default_channel.client.zrange("unacked_index", 0, -1, withscores=True)
    return bool(delivered) and all(time.time() - at > VISIBILITY_TIMEOUT + 1 for _, at in delivered)


def test_a_worker_killed_mid_report_leaves_one_report_after_a_restart(real_celery, organization, customer_data):
    """Given a worker computing March's report held midway (the roadmap's table locked), when it is killed
    with SIGKILL and a new worker starts, then the broker delivers the task again and the new worker
    finishes it: one done report, started twice."""
    queue = f"reports-kill-{uuid.uuid4().hex[:8]}"
    # Redis gives an unacknowledged task back after the visibility timeout: short here, to see it soon.
    worker_command = ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "-Q", queue]
    lock = psycopg.connect(_database_url())
    lock.execute("LOCK TABLE roadmap_milestone IN ACCESS EXCLUSIVE MODE")
    first = _start(
        [*worker_command, "-n", f"first-{queue}@localhost"],
        "worker-killed.log",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    second = None
    try:
        tasks.compute_report_task.apply_async((organization.pk, MARCH), queue=queue)
        # The figures of the customers are gathered (60 %); the roadmap's wait for the lock.
        wait_for(
            lambda: Report.objects.filter(organization=organization, status=ReportStatus.RUNNING, progress=60).exists(),
            timeout=60,
        )
        _stop(first, signal.SIGKILL)
        lock.rollback()
        # A worker gives back tasks unacknowledged for longer than the visibility timeout when it starts
        # (later only every so often): start the new one once the killed worker's task is that old.
        wait_for(_unacknowledged_long_enough, timeout=60)
        second = _start(
            [*worker_command, "-n", f"second-{queue}@localhost"],
            "worker-restarted.log",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        )

        report = wait_for(
            lambda: Report.objects.filter(organization=organization, status=ReportStatus.DONE).first(), timeout=90
        )
    finally:
        lock.close()
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second)

    assert Report.objects.filter(organization=organization).count() == 1
    assert report.month == MARCH
    assert report.attempts == 2


def test_a_task_queued_in_a_rolled_back_transaction_never_runs(real_celery, organization, customer_data):
    """Given a report asked for inside a transaction that then fails, when the worker has run what was
    queued after it, then nothing reached the broker and there is no report."""

    def ask_then_fail():
        with transaction.atomic():
            services.request_report(organization=organization, month=MARCH)
            raise RuntimeError("the page failed after asking")

    with pytest.raises(RuntimeError):
        ask_then_fail()

    assert _queued_messages() == 0
    # A task queued after it is done, so the worker had its turn at anything queued before.
    assert tasks.ensure_report_schedules_task.delay().get(timeout=30) >= 0
    assert not Report.objects.filter(organization=organization).exists()


def test_the_worker_makes_the_pdf_once_and_every_recipients_email_carries_it(
    real_celery, organization, customer_data, member_of
):
    """Given March's done report and two leaders, when the worker sends the report-ready emails, then it makes
    the PDF once and keeps it where each person's task, a task of its own, reads it; every email goes."""
    # given
    leaders = [member_of(Role.LEADERSHIP, email=f"{name}@acme.example") for name in ("ann", "bob")]
    report = done_report(organization, "2024-03")

    # when
    queued = tasks.send_report_ready_emails_task.delay(report.pk).get(timeout=120)
    wait_for(_worker_is_idle, timeout=120)

    # then
    assert queued == len(leaders)
    report.refresh_from_db()
    kept = real_celery.media_root / report.email_pdf.name
    assert kept.name == "acme-customer-room-2024-03.pdf"
    assert kept.read_bytes().startswith(b"%PDF-")
    assert not AuditEvent.objects.filter(action=Action.EMAIL_UNDELIVERED).exists()
