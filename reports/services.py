"""Writes of the customer-room reports: requesting and computing a month's report exactly once per data
version, marking the ones that fail, refreshing the ones that changed data made stale, and emailing
leadership when a report is ready. The schedule's writes are in schedule.py, the customer-room actions'
in actions.py.

Exactly one report per organization, month and data version, whatever happens:
- the row is unique on (organization, month, data_version) and every write to it is conditional;
- a worker claims the row (status running, its task id) before gathering, in a transaction that locks
  it: another task finds it running and leaves it, a retry or redelivery of the same task takes it back,
  and so does any task once the claim is older than the hard time limit (its worker is gone);
- the figures and status "done" are written in one transaction that locks the row again: a second
  writer finds it done and changes nothing.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.organizations.models import Organization
from metrics import selectors as metrics
from metrics.months import month_index, month_label

from . import emails, selectors
from .figures import build_report_figures
from .models import Report, ReportStatus

logger = logging.getLogger(__name__)

# A task that keeps being started (its worker dies every time, say) is failed at its fourth delivery
# instead of looping; retries count, as they are deliveries too.
MAX_ATTEMPTS = 3
MAX_ERROR_LENGTH = 2000


def current_data_version(organization: Organization) -> int:
    """The data version of the stored movements, which a report computed now would show (0: none yet)."""
    dataset = metrics.dataset(organization)
    return (dataset.computed_version or 0) if dataset else 0


@transaction.atomic
def request_report(*, organization: Organization, month: int) -> Report:
    """Queue the computation of `month`'s report from the current data, once this transaction commits;
    returns its row. A report already done for this data is returned as it is; a failed one is queued
    again (someone asked for it); one running is left to its worker. A month without customer data gets no
    report: it would be an empty page that every role then lands on; the refusal says which months there are."""
    months = metrics.months(organization)
    if month not in months:
        if not months:
            raise ValidationError(
                {"month": _("No customer data has been imported yet: import activity first, then compute its reports.")}
            )
        raise ValidationError(
            {
                "month": _(
                    "There is no customer data for %(month)s: the data runs from %(first)s to %(last)s. Import that "
                    "month's activity first."
                )
                % {"month": month_label(month), "first": month_label(months[0]), "last": month_label(months[-1])}
            }
        )
    version = current_data_version(organization)
    report, _created = Report.objects.get_or_create(organization=organization, month=month, data_version=version)
    report = Report.objects.select_for_update().get(organization=organization, pk=report.pk)
    if report.status in (ReportStatus.DONE, ReportStatus.RUNNING):
        return report
    if report.status == ReportStatus.FAILED:
        report.status, report.error, report.attempts, report.progress, report.task_id = (
            ReportStatus.QUEUED,
            "",
            0,
            0,
            "",
        )
    report.requested_at = timezone.now()
    report.save(update_fields=["status", "error", "attempts", "progress", "task_id", "requested_at", "updated_at"])
    _compute_later(organization.pk, month)
    return report


def request_scheduled_report(*, organization: Organization, today=None) -> Report | None:
    """The monthly run: queue the report of the month before `today`, the last complete month; None, with
    the reason logged, when that month has no customer data yet (the data-change sweep computes it once
    the month is imported)."""
    month = month_index(today or timezone.localdate()) - 1
    try:
        return request_report(organization=organization, month=month)
    except ValidationError as refusal:
        logger.info("Report of %s for %s not scheduled: %s", month_label(month), organization.slug, refusal)
        return None


def _compute_later(organization_id: int, month: int) -> None:
    from .tasks import compute_report_task

    # Robust: the request is recorded whatever becomes of the queue; a report that never runs is marked
    # failed by fail_stalled_reports, and can be asked for again.
    transaction.on_commit(lambda: compute_report_task.delay(organization_id, month), robust=True)


def compute_report(*, organization: Organization, month: int, task_id: str = "", notify: bool = True) -> Report | None:
    """Compute and store the report of `month` from the current data, unless it is already done; returns
    the report as it stands, or None when the data changed during the computation (it is then queued
    again for the new data). Leadership is emailed (with `notify`) when it is the month's first report."""
    report, claimed = _claim(organization, month, task_id)
    if not claimed:
        return report

    def on_progress(percent: int) -> None:
        Report.objects.filter(organization=organization, pk=report.pk, status=ReportStatus.RUNNING).update(
            progress=percent
        )

    figures = build_report_figures(organization, month, on_progress=on_progress)
    return _store(report, figures, notify=notify)


@transaction.atomic
def _claim(organization: Organization, month: int, task_id: str) -> tuple[Report, bool]:
    version = current_data_version(organization)
    Report.objects.get_or_create(organization=organization, month=month, data_version=version)
    report = Report.objects.select_for_update().get(organization=organization, month=month, data_version=version)
    now = timezone.now()
    if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
        return report, False
    lease = timedelta(seconds=settings.REPORTS_TASK_TIME_LIMIT)
    started = report.started_at  # set whenever a task claims it, so a running report has one
    if report.status == ReportStatus.RUNNING and report.task_id != task_id and started and started > now - lease:
        return report, False  # another task is computing it
    if report.attempts >= MAX_ATTEMPTS:
        report.status = ReportStatus.FAILED
        report.error = f"Stopped after {report.attempts} attempts that did not finish. Compute it again to retry."
        report.save(update_fields=["status", "error", "updated_at"])
        return report, False
    report.status, report.progress, report.error = ReportStatus.RUNNING, 5, ""
    report.attempts += 1
    report.task_id, report.started_at = task_id, now
    report.save(update_fields=["status", "progress", "error", "attempts", "task_id", "started_at", "updated_at"])
    # Unfinished computations of older data are superseded by this one.
    Report.objects.for_organization(organization).filter(month=month, data_version__lt=version).filter(
        status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).delete()
    return report, True


@transaction.atomic
def _store(report: Report, figures: dict, *, notify: bool) -> Report | None:
    current = Report.objects.select_for_update().filter(organization_id=report.organization_id, pk=report.pk).first()
    if current is None or current.status == ReportStatus.DONE:
        return current
    # The computed version is committed whole by the movements' computation: as read here it is either the one
    # the figures were gathered from, or a newer one, and then the month is computed again.
    dataset = metrics.dataset(report.organization)
    computed_at = dataset.computed_at.isoformat() if dataset and dataset.computed_at else None
    version_now = (dataset.computed_version or 0) if dataset else 0
    unchanged = figures["data_version"] == current.data_version == version_now
    if not unchanged or figures["data_computed_at"] != computed_at:
        # The movements were computed again while the figures were gathered, which may then mix two
        # versions: this computation is dropped and the month computed again from the data as it is now.
        logger.info("Report %s: the data changed during the computation; computing it again", current.pk)
        current.delete()
        _compute_later(report.organization_id, report.month)
        return None
    is_first = not Report.objects.filter(organization_id=report.organization_id, month=report.month).done().exists()
    current.figures = figures
    current.status, current.progress, current.error = ReportStatus.DONE, 100, ""
    current.computed_at = timezone.now()
    current.data_computed_at = dataset.computed_at if dataset else None
    current.save(
        update_fields=["figures", "status", "progress", "error", "computed_at", "data_computed_at", "updated_at"]
    )
    if notify and is_first:
        _email_later(current.pk)
    return current


def _email_later(report_id: int) -> None:
    from .tasks import send_report_ready_emails_task

    transaction.on_commit(lambda: send_report_ready_emails_task.delay(report_id), robust=True)


def mark_report_failed(*, organization_id: int, month: int, error: BaseException | str, task_id: str = "") -> int:
    """Record that the computation of `month`'s report by `task_id` failed for good, with its error, for the
    CCO to see; returns how many rows were marked (0 when another task has it, or it is done)."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return (
        Report.objects.filter(organization_id=organization_id, month=month)
        .filter(Q(status=ReportStatus.RUNNING, task_id=task_id) | Q(status=ReportStatus.QUEUED))
        .update(status=ReportStatus.FAILED, error=text[:MAX_ERROR_LENGTH], updated_at=timezone.now())
    )


def fail_stalled_reports(*, now=None) -> int:
    """Mark failed the reports left queued or running longer than a lost task can be delivered again (the
    broker's visibility timeout and a time limit): their task is gone, and nothing would finish them."""
    now = now or timezone.now()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    cutoff = now - timedelta(seconds=visibility + 2 * settings.REPORTS_TASK_TIME_LIMIT)
    return (
        # A sweep over every organization's reports.
        Report.objects.unscoped()
        .filter(status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING])
        .filter(Q(started_at__lt=cutoff) | Q(started_at__isnull=True, requested_at__lt=cutoff))
        .update(
            status=ReportStatus.FAILED,
            error="The computation stopped without finishing (its worker was lost). Compute it again.",
            updated_at=now,
        )
    )


def refresh_changed_reports(*, now=None) -> list[tuple[int, int]]:
    """Queue one computation of every report that imports since it was computed have made stale, once
    they have settled (selectors.months_to_refresh), after marking stalled reports failed; returns the
    (organization id, month) pairs queued. Run every minute by beat: ten imports in a row make one."""
    fail_stalled_reports(now=now)
    queued = []
    for organization in selectors.organizations_with_reports():
        for month in selectors.months_to_refresh(organization, now=now):
            request_report(organization=organization, month=month)
            queued.append((organization.pk, month))
    return queued


def send_report_ready_emails(*, report: Report) -> int:
    """Queue the email of a done report's headline figures, with a link to its dashboard and its PDF (attached
    when small enough), to each of emails.recipients, each on its own; once per report, however often it is
    asked. The PDF is made once here for all of them. Returns the emails queued."""
    from .tasks import send_report_ready_email_task

    claimed = Report.objects.filter(
        organization_id=report.organization_id, pk=report.pk, status=ReportStatus.DONE, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return 0
    people = emails.recipients(report)
    if not people:
        return 0
    pdf_delivery = emails.prepare_pdf(report)
    for person in people:
        transaction.on_commit(partial(send_report_ready_email_task.delay, report.pk, person.pk, pdf_delivery.value))
    return len(people)
