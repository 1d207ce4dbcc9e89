"""Imports that the machine lets down: the database connection lost in the middle, and a run that dies
with its worker every time it is delivered."""

from datetime import timedelta

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from cco_portal.celery import app as celery_app
from cco_portal.organizations.roles import Role
from metrics import computation, services, tasks
from metrics.models import ActivityImport, Dataset, ImportStatus
from tests.metrics.import_files import csv_bytes, generated_rows, run, stored_activity

JANUARY = [("ann", "2024-01", "100", "North"), ("bob", "2024-01", "50", "South")]


def _terminate(backend_pid: int) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
        dbname=db["NAME"], autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


@pytest.mark.services
def test_a_lost_database_connection_fails_the_import_and_leaves_nothing_partial(transactional_db, organization):
    """Given data already imported, when the import's database connection is killed while it reads a
    120,000-row file, then the import is marked failed with that reason, and the data is as it was."""
    # given
    run(organization, csv_bytes(JANUARY))
    before = stored_activity(organization)
    queued = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("big.csv", csv_bytes(generated_rows(120_000))),
        run_later=False,
    )
    connection.ensure_connection()
    backend_pid = connection.connection.info.backend_pid

    def kill_connection_once(rows: int) -> None:
        if rows >= 50_000:
            _terminate(backend_pid)

    # when
    with pytest.raises(Exception, match="terminating connection"):
        services.run_import(activity_import=queued, on_progress=kill_connection_once)

    # then
    failed = ActivityImport.objects.get(pk=queued.pk)
    assert failed.status == ImportStatus.FAILED
    assert failed.errors == [{"line": None, "column": None, "message": services.CONNECTION_LOST}]
    assert stored_activity(organization) == before


def test_an_import_whose_runs_all_die_is_failed_instead_of_delivered_again(organization):
    """Given an import whose three runs each died with their worker (left running), when the broker
    delivers it a fourth time, then it is marked failed with why and what to do, and not run."""
    queued = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("activity.csv", csv_bytes(JANUARY)),
        run_later=False,
    )
    ActivityImport.objects.filter(pk=queued.pk).update(status=ImportStatus.RUNNING, attempts=3)

    finished = services.run_import(activity_import=queued)

    assert finished.status == ImportStatus.FAILED
    assert finished.errors == [{"line": None, "column": None, "message": services.INTERRUPTED}]
    assert "split it by month" in services.INTERRUPTED
    assert stored_activity(organization) == {}


def test_each_run_counts_as_an_attempt(organization):
    """A run that starts records itself, so that the deliveries of a dying import can be counted."""
    finished = run(organization, csv_bytes(JANUARY))

    assert (finished.status, finished.attempts) == (ImportStatus.SUCCEEDED, 1)


def test_a_failed_computation_says_so_keeps_the_last_figures_and_can_be_tried_again(
    organization, member_of, monkeypatch, client, django_capture_on_commit_callbacks
):
    """The database failing under the computation after an import: the dataset says it failed and why, the
    dashboard shows that beside the figures computed before, tries are bounded, and "Try again" brings the
    figures up to date once the database answers. (It once stayed "recomputing" forever.)"""
    # given: figures of version 1, then an import of version 2 whose computation fails
    run(organization, csv_bytes([("ann", "2024-01", "100", "North")]))
    computation.compute_customer_movements(organization=organization)
    run(organization, csv_bytes([("ann", "2024-02", "120", "North")]))
    calls = []

    def database_gone(**kwargs):
        calls.append(kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(computation, "compute_customer_movements", database_gone)
    # In-process, as a worker would: each retry runs at once, and the last failure ends the task, not the test.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)

    # when
    result = tasks.compute_movements_task.apply(args=[organization.pk], throw=False)

    # then
    dataset = Dataset.objects.get(organization=organization)
    assert result.failed()
    assert len(calls) == tasks.COMPUTE_RETRIES + 1
    assert dataset.has_failed
    assert dataset.computed_version == 1
    assert "the database did not answer" in dataset.failure
    cco = member_of(Role.CCO)
    client.force_login(cco)
    page = client.get(f"/o/{organization.slug}/metrics/").content.decode()
    assert "The figures could not be brought up to date." in page
    assert "What you see is from data version 1" in page
    assert "Try again" in page

    # and once the database answers, trying again brings the figures up to date
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{organization.slug}/metrics/recompute/")
    dataset.refresh_from_db()
    assert (dataset.computed_version, dataset.has_failed, dataset.failure) == (2, False, "")


def test_an_upload_while_the_queue_is_down_waits_says_so_and_is_queued_again(
    organization, member_of, client, monkeypatch, django_capture_on_commit_callbacks
):
    """The task queue down at the upload: the import is kept, says on its page that it waits for a worker
    and why, and the minute sweep queues it again once the queue answers; it then runs. (It once stayed
    "queued" forever, the error swallowed.)"""
    deliver = tasks.run_import_task.delay

    def queue_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_import_task, "delay", queue_down)
    client.force_login(member_of(Role.CCO))
    with django_capture_on_commit_callbacks(execute=True):
        upload = client.post(
            f"/o/{organization.slug}/metrics/imports/",
            {
                "file": SimpleUploadedFile("a.csv", csv_bytes([("ann", "2024-01", "10", "")]), "text/csv"),
                "kind": "activity",
                "mode": "replace",
            },
        )
    waiting = ActivityImport.objects.get()
    page = client.get(upload["Location"]).content.decode()

    assert waiting.status == ImportStatus.QUEUED
    assert "Waiting for a worker:" in page
    assert "The task queue could not be reached" in page

    # when the queue answers again
    monkeypatch.setattr(tasks.run_import_task, "delay", deliver)
    requeued = services.requeue_silent_imports()

    waiting.refresh_from_db()
    assert requeued == [waiting.pk]
    assert (waiting.status, waiting.waiting_reason) == (ImportStatus.SUCCEEDED, "")


def test_an_import_whose_worker_went_silent_is_queued_again(organization):
    """A run with no sign of life for ten minutes (its worker was killed) is queued again by the sweep,
    rather than after the broker's 40-minute visibility timeout, and finishes."""
    stalled = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("a.csv", csv_bytes([("ann", "2024-01", "10", "")]), "text/csv"),
        run_later=False,
    )
    ActivityImport.objects.filter(pk=stalled.pk).update(
        status=ImportStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    alive = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("b.csv", csv_bytes([("bob", "2024-02", "10", "")]), "text/csv"),
        run_later=False,
    )
    ActivityImport.objects.filter(pk=alive.pk).update(status=ImportStatus.RUNNING, heartbeat_at=timezone.now())

    requeued = services.requeue_silent_imports()

    stalled.refresh_from_db()
    assert requeued == [stalled.pk]
    assert stalled.status == ImportStatus.SUCCEEDED


def test_a_computation_the_queue_refused_waits_says_so_and_is_queued_again(
    organization, member_of, client, monkeypatch, django_capture_on_commit_callbacks
):
    """The task queue down as an import finishes: the import has succeeded, the dashboard says the figures
    wait for a worker and why, and the minute sweep queues the computation once the queue answers. (The
    error was swallowed and the dashboard said "being recomputed" for ever.)"""
    deliver = tasks.compute_movements_task.delay

    def queue_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.compute_movements_task, "delay", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        imported = run(organization, csv_bytes(JANUARY))
    client.force_login(member_of(Role.CCO))
    page = client.get(f"/o/{organization.slug}/metrics/").content.decode()

    dataset = Dataset.objects.get(organization=organization)
    assert imported.status == ImportStatus.SUCCEEDED
    assert (dataset.is_current, dataset.waiting_reason) == (False, services.COMPUTATION_QUEUE_DOWN)
    assert "The figures wait for a worker." in page
    assert "The task queue could not be reached" in page

    # when the queue answers again
    monkeypatch.setattr(tasks.compute_movements_task, "delay", deliver)
    requeued = services.requeue_stalled_computations(lease_seconds=tasks.COMPUTE_TIME_LIMIT)

    dataset.refresh_from_db()
    assert requeued == [organization.pk]
    assert (dataset.is_current, dataset.waiting_reason) == (True, "")


def test_a_computation_whose_worker_went_silent_is_queued_again_and_no_other(
    organization, other_organization, monkeypatch
):
    """Figures behind the data with no sign of life for ten minutes (the worker was killed mid-computation) are
    queued again by the sweep rather than after the broker's visibility timeout. Left alone: a computation
    queued a minute ago, one that failed (it waits for "try again"), one under a live lease of a split
    computation, and figures that are up to date."""
    ten_minutes_ago = timezone.now() - services.SILENCE - timedelta(seconds=1)
    queued = []
    monkeypatch.setattr(tasks.compute_movements_task, "delay", queued.append)
    organizations = {"silent": organization, "recent": other_organization}
    for name in ("failed", "leased", "current"):
        organizations[name] = type(organization).objects.create(name=name.title(), slug=f"org-{name}")
    behind = {"version": 2, "computed_version": 1, "queued_at": ten_minutes_ago}
    rows = {
        "silent": behind,
        "recent": behind | {"queued_at": timezone.now() - timedelta(minutes=1)},
        "failed": behind | {"failed_at": ten_minutes_ago, "failure": "the database did not answer"},
        "leased": behind | {"computing_since": timezone.now() - timedelta(minutes=5)},
        "current": behind | {"computed_version": 2},
    }
    for name, fields in rows.items():
        Dataset.objects.create(organization=organizations[name], **fields)

    requeued = services.requeue_stalled_computations(lease_seconds=tasks.COMPUTE_TIME_LIMIT)

    assert requeued == [organization.pk]
    assert queued == [organization.pk]
    assert Dataset.objects.get(organization=organization).queued_at > ten_minutes_ago
