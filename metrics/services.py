"""Writes of the customer data: bringing in a CSV file of customer activity or lost-customer reasons.

An import is all or nothing. start_import stores the file and queues it; run_import reads and checks
the whole file first, staging its rows outside any transaction so that its progress can be seen, and
only a file without a single problem is then merged into the organization's data, in one transaction.
"""

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization

from . import selectors
from .imports import Problem, Report, columnar, merge_activity, merge_reasons, staging_for, sum_problems
from .imports.values import parse_text
from .models import (
    ActivityImport,
    Customer,
    CustomerActivity,
    Dataset,
    ImportKind,
    ImportMode,
    ImportStatus,
    LostReason,
)
from .months import month_label
from .sources.mapping import mapped_upload
from .uploads import check_upload

logger = logging.getLogger(__name__)

# The task's hard time limit: within the broker's visibility timeout, so that the broker does not deliver
# an import again while it is still running.
IMPORT_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT
UNEXPECTED = "The import stopped on an unexpected error, and nothing was changed; try again in a moment."
CONNECTION_LOST = "The connection to the database was lost during the import; nothing was changed. Try again."
# Runs of one import that may die with their worker before it is failed rather than delivered again.
MAX_IMPORT_ATTEMPTS = 3
INTERRUPTED = (
    f"The import was interrupted {MAX_IMPORT_ATTEMPTS} times (its worker stopped each time), and nothing was "
    "changed. A file this large may need more memory or time: split it by month and import the parts."
)
TOO_LARGE = "The revenue of a customer and month adds up to more than can be stored; nothing was changed."


@transaction.atomic
def start_import(
    *,
    organization: Organization,
    uploaded_file: File,
    kind: str = ImportKind.ACTIVITY,
    mode: str = ImportMode.REPLACE,
    created_by=None,
    run_later: bool = True,
) -> ActivityImport:
    """Store an uploaded CSV file and queue its import, which runs in the background once this
    transaction commits (`run_later=False` leaves the running to the caller, as the management
    commands do). Refuses an activity file that was already appended to the organization's data:
    appending it again would count its revenue twice. Problems in the file itself are found by the
    import, and reported on it."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ImportKind.values)}})
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose one of: %(modes)s.") % {"modes": ", ".join(ImportMode.values)}})
    check_upload(uploaded_file)
    # A file with the organization's own headers (a billing export, say) is read under the import's names.
    uploaded_file = mapped_upload(organization=organization, uploaded_file=uploaded_file, kind=kind)
    # The hash names the stored file (models.import_upload_path), so it is known before the file is
    # stored: one read of the upload, which Django has already spooled to memory or a local file.
    digest, size = hashlib.sha256(), 0
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        size += len(chunk)
    activity_import = ActivityImport(
        organization=organization,
        kind=kind,
        mode=mode,
        file_name=PurePath(uploaded_file.name or "upload.csv").name[-255:],
        file_size=size,
        sha256=digest.hexdigest(),
        created_by=created_by,
    )
    if problem := _already_appended(activity_import):
        raise ValidationError(problem)
    activity_import.file.save(activity_import.file_name, uploaded_file, save=False)
    activity_import.save()
    record_event(
        action=Action.IMPORT_STARTED,
        organization=organization,
        actor=created_by,
        target=activity_import.file_name,
        **_audit_details(activity_import),
    )
    if run_later:
        # Robust: the file is stored and the import recorded whatever happens to the queue (run in-process,
        # a rejected file must not turn the upload into an error).
        transaction.on_commit(partial(queue_import, activity_import=activity_import), robust=True)
    return activity_import


# An import that gave no sign of life for this long (its worker died, or it was never queued) is queued again;
# well above the seconds between two progress reports of a run, even on a slow machine.
SILENCE = timedelta(minutes=10)
QUEUE_DOWN = "The task queue could not be reached; the import waits for it and is queued again as soon as it answers."


def queue_import(*, activity_import: ActivityImport) -> bool:
    """Hand an import to the workers; when the task queue cannot be reached, say so on the import, which the
    minute sweep (requeue_silent_imports) queues again. Returns whether it was queued."""
    from .tasks import run_import_task

    imports = ActivityImport.objects.filter(organization_id=activity_import.organization_id, pk=activity_import.pk)
    try:
        run_import_task.delay(activity_import.pk)
    except BrokerError:
        logger.warning("Import %s could not be queued: the task queue is down", activity_import.pk, exc_info=True)
        imports.filter(status=ImportStatus.QUEUED).update(waiting_reason=QUEUE_DOWN)
        return False
    imports.filter(status=ImportStatus.QUEUED).update(heartbeat_at=timezone.now(), waiting_reason="")
    return True


def requeue_silent_imports(*, now=None) -> list[int]:
    """Queue again, in every organization, the imports that wait or run without a sign of life for SILENCE,
    or whose queueing failed: within minutes of the queue or a worker coming back, rather than after the
    broker's visibility timeout. A run found alive by the second delivery is left to finish (run_import)."""
    now = now or timezone.now()
    silent = (
        # The sweep spans every organization on purpose.
        ActivityImport.objects.unscoped()
        .filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        .filter(
            Q(waiting_reason__gt="")
            | Q(heartbeat_at__lt=now - SILENCE)
            | Q(heartbeat_at__isnull=True, created_at__lt=now - SILENCE)
        )
    )
    return [activity_import.pk for activity_import in silent if queue_import(activity_import=activity_import)]


def run_import(*, activity_import: ActivityImport, on_progress: Callable[[int], None] | None = None) -> ActivityImport:
    """Read, check and load a queued import, and record how it went; returns it updated.

    Reading updates `rows_done` (and the estimate `rows_total`) every 50,000 rows, committed at once
    when called outside a transaction, as the task and the commands do, so that a poller sees them;
    `on_progress` is told the same. A file with any problem is rejected with all of them counted and
    the first ones kept, and changes nothing. A valid activity file raises the data version and has
    the movements recomputed once it is committed. A finished import is returned as it is.

    An import found running is run again: its worker died, and the broker delivered it once more. Should
    the first run still be alive after all, only one of the two loads the file: the other finds the
    import finished when its turn comes to load.
    """
    unfinished = ActivityImport.objects.filter(
        organization_id=activity_import.organization_id,
        pk=activity_import.pk,
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
    )
    claimed = unfinished.filter(attempts__lt=MAX_IMPORT_ATTEMPTS).update(
        status=ImportStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        waiting_reason="",
        attempts=F("attempts") + 1,
        rows_done=0,
        error_count=0,
        errors=[],
    )
    if not claimed and unfinished.exists():
        # Every run so far died with its worker (killed for its memory, say): stop delivering it again.
        _finish(activity_import, ImportStatus.FAILED, Report(), [Problem(None, None, INTERRUPTED)])
    activity_import.refresh_from_db()
    if not claimed:
        return activity_import
    try:
        _run(activity_import, on_progress)
    except Exception as error:
        logger.exception("Import %s stopped on an unexpected error", activity_import.pk)
        # The COPY path talks to the driver directly, whose errors Django does not wrap: ask the connection.
        lost = isinstance(error, OperationalError | InterfaceError) or not _connection_is_usable()
        reason = CONNECTION_LOST if lost else UNEXPECTED
        if not connection.in_atomic_block:
            # It may have stopped in the middle of a COPY (a time limit), or lost its connection: record the
            # failure on a new one.
            connection.close()
        with contextlib.suppress(DatabaseError):
            _finish(activity_import, ImportStatus.FAILED, Report(), [Problem(None, None, reason)])
        raise
    return activity_import


def _connection_is_usable() -> bool:
    return connection.connection is not None and connection.is_usable()


def _run(activity_import: ActivityImport, on_progress: Callable[[int], None] | None) -> None:
    started = time.monotonic()

    def progress(rows: int, position: int) -> None:
        # The total is estimated from the share of the file read so far, until the end tells it exactly.
        estimate = max(rows, round(rows * activity_import.file_size / position)) if position else None
        ActivityImport.objects.filter(organization_id=activity_import.organization_id, pk=activity_import.pk).update(
            rows_done=rows, rows_total=estimate, heartbeat_at=timezone.now()
        )
        if on_progress is not None:
            on_progress(rows)

    if columnar.applies(connection, kind=activity_import.kind, enabled=settings.METRICS_COLUMNAR):
        with contextlib.ExitStack() as stack:
            try:
                path = activity_import.file.path
            except NotImplementedError:  # a storage without local files
                path = None
            quick = stack.enter_context(columnar.ColumnarImport(path, kind=activity_import.kind)) if path else None
            report = quick.read(on_progress=progress) if quick else None
            read = time.monotonic()
            if (
                quick
                and report
                and quick.within_limits(
                    connection,
                    organization_id=activity_import.organization_id,
                    mode=activity_import.mode,
                    report=report,
                )
            ):
                _load(activity_import, report, grouped=quick)
                _log_run(activity_import, report, started, read)
                return
    with staging_for(connection) as staging, activity_import.file.open("rb") as stored:
        report = staging.read(stored, kind=activity_import.kind, on_progress=progress)
        read = time.monotonic()
        if not report.is_valid:
            _finish(activity_import, ImportStatus.FAILED, report)
            return
        staging.analyze()
        if activity_import.kind == ImportKind.ACTIVITY and (
            too_large := sum_problems(
                connection,
                organization_id=activity_import.organization_id,
                mode=activity_import.mode,
                magnitude=report.magnitude,
            )
        ):
            _finish(
                activity_import,
                ImportStatus.FAILED,
                report,
                [Problem(line, "revenue", message) for line, message in too_large],
            )
            return
        try:
            _load(activity_import, report)
        except (DataError, OperationalError) as error:
            # PostgreSQL says "bigint out of range", SQLite "integer overflow"; anything else is unexpected.
            if not isinstance(error, DataError) and "overflow" not in str(error):
                raise
            _finish(activity_import, ImportStatus.FAILED, report, [Problem(None, "revenue", TOO_LARGE)])
    _log_run(activity_import, report, started, read)


def _log_run(activity_import: ActivityImport, report: Report, started: float, read: float) -> None:
    logger.info(
        "Import %s (%s, %s): %s, %d rows read in %.1f s, loaded in %.1f s",
        activity_import.pk,
        activity_import.kind,
        activity_import.mode,
        activity_import.status,
        report.rows,
        read - started,
        time.monotonic() - read,
    )


@transaction.atomic
def _load(activity_import: ActivityImport, report: Report, grouped: columnar.ColumnarImport | None = None) -> None:
    """Store a checked file's rows: the staged ones, or those `grouped` holds (PostgreSQL's quick path)."""
    organization = activity_import.organization
    dataset, _ = Dataset.objects.get_or_create(organization=organization)
    # One load per organization at a time (and none while its movements are computed).
    dataset = Dataset.objects.select_for_update().get(organization=organization, pk=dataset.pk)
    imports = ActivityImport.objects.for_organization(organization)
    if imports.select_for_update().get(pk=activity_import.pk).status != ImportStatus.RUNNING:
        return  # another run of the same import got there first
    if problem := _already_appended(activity_import):
        _finish(activity_import, ImportStatus.FAILED, report, [Problem(None, None, problem)])
        return

    if activity_import.kind == ImportKind.REASONS:
        merge_reasons(connection, organization_id=organization.pk, mode=activity_import.mode)
    else:
        first_changed = merge_activity(
            connection, organization_id=organization.pk, mode=activity_import.mode, grouped=grouped
        )
        activity = CustomerActivity.objects.for_organization(organization)
        bounds = activity.aggregate(first=Min("month"), last=Max("month"))
        if first_changed is None:
            # Every month came back as it was: only segments may have changed, which the computation of the last
            # month moves for the months before it.
            first_changed = bounds["last"]
        Dataset.objects.filter(organization=organization, pk=dataset.pk).update(
            version=F("version") + 1,
            first_month=bounds["first"],
            last_month=bounds["last"],
            changed_from=Least(Coalesce("changed_from", first_changed), first_changed),
        )
        # Robust: the import has succeeded, whatever becomes of the computation it asks for.
        transaction.on_commit(lambda: queue_computation(organization.pk), robust=True)
    _finish(activity_import, ImportStatus.SUCCEEDED, report)


def retry_computation(*, organization: Organization) -> None:
    """Ask again for figures whose computation failed; the failure stays shown until one succeeds."""
    transaction.on_commit(lambda: queue_computation(organization.pk), robust=True)


COMPUTATION_QUEUE_DOWN = _("The task queue could not be reached; the figures are computed as soon as it answers.")


def queue_computation(organization_id: int) -> bool:
    """Queue the computation of an organization's movements. A queue that does not answer is recorded on the
    dataset, which the dashboard shows as waiting for a worker, and the minute sweep queues it again."""
    from .tasks import compute_movements_task

    datasets = Dataset.objects.filter(organization_id=organization_id)
    try:
        compute_movements_task.delay(organization_id)
    except BrokerError:
        logger.warning("The movements of organization %s could not be queued", organization_id, exc_info=True)
        datasets.update(waiting_reason=COMPUTATION_QUEUE_DOWN)
        return False
    datasets.update(queued_at=timezone.now(), waiting_reason="")
    return True


def computation_started(organization_id: int) -> None:
    """A worker took up the computation: a sign of life, so that the sweep does not queue it once more."""
    Dataset.objects.filter(organization_id=organization_id).update(queued_at=timezone.now(), waiting_reason="")


def requeue_stalled_computations(*, now=None, lease_seconds: int) -> list[int]:
    """Queue again, in every organization, the computations that stay behind the data with no sign of life for
    SILENCE, or whose queueing failed: a worker killed mid-computation would otherwise leave the figures behind
    until the broker's visibility timeout. A computation that failed waits for the CCO's "try again", and one
    split over workers is left alone while its lease (`lease_seconds`) holds."""
    now = now or timezone.now()
    stalled = (
        # The sweep spans every organization on purpose.
        Dataset.objects.unscoped()
        .filter(version__gt=0, failed_at__isnull=True)
        .exclude(computed_version=F("version"))
        .filter(Q(computing_since__isnull=True) | Q(computing_since__lt=now - timedelta(seconds=lease_seconds)))
        .filter(Q(waiting_reason__gt="") | Q(queued_at__isnull=True) | Q(queued_at__lt=now - SILENCE))
    )
    organization_ids = list(stalled.values_list("organization_id", flat=True))
    return [organization_id for organization_id in organization_ids if queue_computation(organization_id)]


def _already_appended(activity_import: ActivityImport) -> str | None:
    """Why the import may not go ahead: the same activity file was appended before. (Appending reasons
    again changes nothing, so it is allowed.)"""
    if activity_import.kind != ImportKind.ACTIVITY or activity_import.mode != ImportMode.APPEND:
        return None
    earlier = (
        ActivityImport.objects.for_organization(activity_import.organization)
        .succeeded()
        .filter(kind=ImportKind.ACTIVITY, mode=ImportMode.APPEND, sha256=activity_import.sha256)
        .exclude(pk=activity_import.pk)
        .order_by("finished_at")
        .first()
    )
    if earlier is None:
        return None
    added_on = timezone.localdate(earlier.finished_at or earlier.created_at)
    return f"This file was already added on {added_on:%-d %B %Y}; adding it again would count its revenue twice."


def _finish(
    activity_import: ActivityImport, status: str, report: Report, problems: list[Problem] | None = None
) -> None:
    problems = report.errors if problems is None else problems
    activity_import.status = status
    activity_import.finished_at = timezone.now()
    activity_import.rows_total = activity_import.rows_done = report.rows
    activity_import.months = report.month_labels
    activity_import.errors = [problem.as_dict() for problem in problems]
    activity_import.error_count = max(report.error_count, len(problems))
    activity_import.save(
        update_fields=["status", "finished_at", "rows_total", "rows_done", "months", "errors", "error_count"]
    )
    record_event(
        action=Action.IMPORT_SUCCEEDED if status == ImportStatus.SUCCEEDED else Action.IMPORT_FAILED,
        organization=activity_import.organization,
        actor=activity_import.created_by,
        target=activity_import.file_name,
        **_audit_details(activity_import),
        rows=report.rows,
        problems=activity_import.error_count,
    )


def _audit_details(activity_import: ActivityImport) -> dict:
    return {"import": activity_import.pk, "kind": activity_import.kind, "mode": activity_import.mode}


@transaction.atomic
def record_reason(*, organization: Organization, customer: str, month: int, reason: str, recorded_by=None) -> None:
    """Write why `customer` (the organization's own key) moved in `month`, as a reasons import would; an empty
    reason removes the one recorded. The reason is checked as an imported one is."""
    try:
        reason = parse_text(reason, required=False, what="reason")
    except ValueError as error:
        raise ValidationError({"reason": str(error)}) from None
    found = Customer.objects.for_organization(organization).filter(external_id=customer).first()
    if found is None:
        raise ValidationError({"customer": _("No customer has the key “%(key)s”.") % {"key": customer}})
    if month not in selectors.months(organization):
        raise ValidationError({"month": _("There is no customer data for this month.")})
    reasons = LostReason.objects.for_organization(organization).filter(customer=found, month=month)
    before = reasons.values_list("reason", flat=True).first()
    if reason:
        updated = reasons.update(reason=reason)
        if not updated:
            LostReason.objects.create(organization=organization, customer=found, month=month, reason=reason)
    else:
        reasons.delete()
    record_event(
        action=Action.REASON_RECORDED,
        organization=organization,
        actor=recorded_by,
        target=f"customer {customer}, {month_label(month)}",
        old=before or "",
        new=reason,
    )
