"""Imports that the machine lets down: the database connection lost in the middle, and a run that dies
with its worker every time it is delivered."""

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from metrics import services
from metrics.models import ActivityImport, ImportStatus
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
