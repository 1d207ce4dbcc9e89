"""Running an import: the queue, a run delivered twice, progress as the file is read, failures, and the
same stored rows whichever way the rows were staged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from metrics import services
from metrics.imports import CopyStaging, Staging, merge_activity, read_file
from metrics.imports import reading as reading_module
from metrics.models import ActivityImport, ImportKind, ImportMode, ImportStatus
from tests.metrics.import_files import (
    csv_bytes,
    expected_activity,
    generated_rows,
    run,
    stored_activity,
    stored_segments,
)

pytestmark = pytest.mark.django_db

JANUARY = [("ann", "2024-01", "100", "North"), ("bob", "2024-01", "50", "South")]
FEBRUARY = [("ann", "2024-02", "80", "North"), ("cy", "2024-02", "10", "")]


def test_start_import_stores_the_file_and_runs_it_after_commit(
    organization, cco_user, django_capture_on_commit_callbacks
):
    """The file is kept under its hash, and the queued import runs once the transaction commits."""
    # given
    content = csv_bytes(JANUARY)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = services.start_import(
            organization=organization, uploaded_file=SimpleUploadedFile("jan.csv", content), created_by=cco_user
        )
        status_before_commit = queued.status

    # then
    activity_import = ActivityImport.objects.get(pk=queued.pk)
    assert status_before_commit == ImportStatus.QUEUED
    assert len(callbacks) == 2  # the import, then the movements it asks for
    assert activity_import.status == ImportStatus.SUCCEEDED
    assert (activity_import.file_name, activity_import.file_size, activity_import.created_by) == (
        "jan.csv",
        len(content),
        cco_user,
    )
    assert activity_import.file.name == f"imports/{organization.pk}/{activity_import.sha256}.csv"
    assert activity_import.file.read() == content
    assert activity_import.started_at <= activity_import.finished_at


def test_a_finished_import_is_not_run_again(organization):
    """A task delivered twice finds the import finished and leaves it, and the data, as they are."""
    # given
    imported = run(organization, csv_bytes(JANUARY), mode=ImportMode.APPEND)

    # when
    again = services.run_import(activity_import=imported)

    # then
    assert again.finished_at == imported.finished_at
    assert stored_activity(organization)[("ann", "2024-01")] == (1_000_000, "North")


def test_progress_is_recorded_as_the_file_is_read(organization, monkeypatch):
    """Every PROGRESS_EVERY rows the import records how far it got, and the estimated total."""
    # given
    monkeypatch.setattr(reading_module, "PROGRESS_EVERY", 100)
    queued = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("big.csv", csv_bytes(generated_rows(350))),
        run_later=False,
    )
    seen = []

    def look(rows: int) -> None:
        seen.append((rows, *ActivityImport.objects.values_list("rows_done", "status").get(pk=queued.pk)))

    # when
    finished = services.run_import(activity_import=queued, on_progress=look)

    # then
    assert seen == [(n, n, ImportStatus.RUNNING) for n in (100, 200, 300)]
    assert (finished.rows_done, finished.rows_total) == (350, 350)


def test_a_generated_file_is_stored_as_its_rows_say(organization):
    """Hundreds of rows of every kind: exactly the sums and segments worked out in Python. The suite runs
    on SQLite (rows staged with executemany) and on PostgreSQL (with COPY)."""
    # given
    rows = generated_rows(600)

    # when
    imported = run(organization, csv_bytes(rows))

    # then
    activity, segments = expected_activity(rows)
    assert imported.status == ImportStatus.SUCCEEDED, imported.errors
    assert stored_activity(organization) == activity
    assert stored_segments(organization) == segments


@pytest.mark.services
def test_copy_staging_stores_the_same_rows_as_executemany_staging(organization, other_organization):
    """On PostgreSQL the same file staged with COPY and with executemany gives the same stored rows."""
    if connection.vendor != "postgresql":
        pytest.fail("This test compares PostgreSQL's COPY with executemany: set DATABASE_URL=postgres://…")
    # given
    rows = generated_rows(3000, seed=11)
    content = csv_bytes(rows)

    # when
    for staging_class, target in ((CopyStaging, organization), (Staging, other_organization)):
        with staging_class(connection) as staging:
            report = read_file(io.BytesIO(content), kind=ImportKind.ACTIVITY, on_batch=staging.add, batch_size=700)
            merge_activity(connection, organization_id=target.pk, mode=ImportMode.REPLACE)
        assert report.is_valid

    # then
    activity, segments = expected_activity(rows)
    assert stored_activity(organization) == stored_activity(other_organization) == activity
    assert stored_segments(organization) == stored_segments(other_organization) == segments


@pytest.mark.services
def test_progress_can_be_seen_from_another_connection_while_the_import_runs(transactional_db, organization):
    """Outside a transaction, as the worker runs it, the progress is committed as it goes."""
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL=postgres://…")
    # given
    queued = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("big.csv", csv_bytes(generated_rows(120_000, seed=3))),
        run_later=False,
    )
    seen = []

    def look_from_elsewhere(rows: int) -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT rows_done, status FROM metrics_activityimport WHERE id = %s", [queued.pk])
                seen.append(cursor.fetchone())
        finally:
            other.close()

    # when
    finished = services.run_import(activity_import=queued, on_progress=look_from_elsewhere)

    # then
    assert seen == [(50_000, ImportStatus.RUNNING), (100_000, ImportStatus.RUNNING)]
    assert finished.status == ImportStatus.SUCCEEDED


def test_an_unexpected_error_fails_the_import_and_changes_nothing(organization, monkeypatch):
    """Whatever breaks while loading, the import is recorded as failed, the data is as it was, and the
    error goes on to the task, which logs it."""
    # given
    run(organization, csv_bytes(JANUARY))
    before = stored_activity(organization)

    def break_down(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "merge_activity", break_down)

    # when
    with pytest.raises(RuntimeError):
        run(organization, csv_bytes(FEBRUARY))

    # then
    failed = ActivityImport.objects.for_organization(organization).first()
    assert failed.status == ImportStatus.FAILED
    assert failed.errors == [{"line": None, "column": None, "message": services.UNEXPECTED}]
    assert stored_activity(organization) == before


def test_revenue_too_large_to_store_rejects_the_file(organization):
    """Rows that each fit but add up past what the figures hold, for one customer's month and for a month of
    every customer: refused at the import with the lines named, nothing changed, never found later."""
    # given: 12 digits before the point is the most one row takes
    one_customer = [("ann", "2024-01", "999999999999.99", "")] * 11
    every_customer = [(f"c{n}", "2024-02", "999999999999.99", "") for n in range(21)]

    # when
    rejected = run(organization, csv_bytes([*one_customer, *every_customer, ("bob", "2024-03", "10", "")]))

    # then
    assert rejected.status == ImportStatus.FAILED
    assert rejected.errors == [
        {
            "line": 2,
            "column": "revenue",
            "message": "The revenue of customer “ann” in 2024-01 (lines 2 to 12) adds up to more than "
            "10,000,000,000,000, the most one customer's month can hold.",
        },
        {
            "line": 13,
            "column": "revenue",
            "message": "The revenue of every customer in 2024-02 adds up to more than 20,000,000,000,000, the "
            "most one month can hold; the largest amount is on this line.",
        },
    ]
    assert stored_activity(organization) == {}


def test_appending_past_what_a_customers_month_holds_is_refused(organization):
    """An appended file whose amounts, added to what is kept, pass the limit is refused and changes nothing."""
    run(organization, csv_bytes([("ann", "2024-01", "999999999999.99", "")] * 6))

    rejected = run(organization, csv_bytes([("ann", "2024-01", "999999999999.99", "")] * 6), mode=ImportMode.APPEND)

    assert rejected.status == ImportStatus.FAILED
    assert "adds up to more than 10,000,000,000,000" in rejected.errors[0]["message"]
    assert stored_activity(organization)[("ann", "2024-01")][0] == 6 * 9_999_999_999_999_900


def test_the_sums_are_checked_only_when_the_amounts_could_pass_the_limit(organization):
    """The two grouping queries that look for sums past the limit are skipped when the file's amounts, all
    taken positive and added to what appending keeps, stay within it; the file is stored all the same."""
    # given: a file whose amounts add up to far below the limit, and one whose amounts could pass it
    small = csv_bytes(JANUARY)
    large = csv_bytes([("ann", "2024-01", "999999999999.99", ""), ("bob", "2024-01", "-999999999999.99", "")] * 6)

    # when
    with CaptureQueriesContext(connection) as small_queries:
        stored = run(organization, small)
    with CaptureQueriesContext(connection) as large_queries:
        large_import = run(organization, large, mode=ImportMode.APPEND)

    # then: the large file's sums are looked at, and none of its customer-months passes the limit
    assert stored.status == ImportStatus.SUCCEEDED
    assert not [query for query in small_queries.captured_queries if "HAVING ABS" in query["sql"]]
    assert [query for query in large_queries.captured_queries if "HAVING ABS" in query["sql"]]
    assert large_import.status == ImportStatus.SUCCEEDED
    assert stored_activity(organization)[("ann", "2024-01")][0] == 100 * 10_000 + 6 * 9_999_999_999_999_900
