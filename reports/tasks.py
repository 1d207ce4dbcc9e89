"""Background work of the reports: computing a month's report, the monthly run, the refresh after
imports, and the email to leadership. Each task loads by id and calls one service."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from cco_portal.emails import deliver
from cco_portal.organizations.models import Organization

from . import emails, schedule, selectors, services
from .meetings import emails as meeting_emails
from .meetings import minutes
from .models import Meeting, Report

logger = logging.getLogger(__name__)

# Errors that a moment's wait may cure: the database or the broker briefly unreachable, a lock timeout.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)
RETRY_BACKOFF, RETRY_BACKOFF_MAX = 5, 120  # seconds: 5, then 10 (with full jitter), never more than 2 minutes


@shared_task(
    bind=True,
    # Acknowledged once done, and given back to the broker when its worker dies, so that a lost worker's
    # report is delivered again; the claim in the service keeps a second delivery from computing it twice.
    acks_late=True,
    reject_on_worker_lost=True,
    # Three deliveries in all (services.MAX_ATTEMPTS): the first and two retries.
    max_retries=2,
    soft_time_limit=settings.REPORTS_TASK_TIME_LIMIT * 9 // 10,
    time_limit=settings.REPORTS_TASK_TIME_LIMIT,
)
def compute_report_task(self, organization_id: int, month: int) -> str | None:
    """Compute the report of an organization's month from the current data; returns its status.

    Transient errors are retried with exponential backoff; when the retries are spent, or on any other
    error, the report is marked failed with the error and the task is not run again. (Written out rather
    than with autoretry_for and on_failure: in-process, Celery raises to the caller before on_failure.)"""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    task_id = self.request.id or ""
    try:
        report = services.compute_report(organization=organization, month=month, task_id=task_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries < self.max_retries and _can_retry(self):
            countdown = get_exponential_backoff_interval(
                RETRY_BACKOFF, self.request.retries, RETRY_BACKOFF_MAX, full_jitter=True
            )
            logger.warning("Report of organization %s, month %s: %r; retrying", organization_id, month, error)
            raise self.retry(exc=error, countdown=countdown) from error
        _fail(organization_id, month, error, task_id)
        raise
    except Exception as error:
        _fail(organization_id, month, error, task_id)
        raise
    return report.status if report else None


def _can_retry(task) -> bool:
    # In-process with errors propagated, a retry would only raise to the caller: fail at once instead.
    return not (task.request.is_eager and task.app.conf.task_eager_propagates)


def _fail(organization_id: int, month: int, error: BaseException, task_id: str) -> None:
    logger.error("Report of organization %s, month %s failed: %r", organization_id, month, error)
    try:
        services.mark_report_failed(organization_id=organization_id, month=month, error=error, task_id=task_id)
    except DatabaseError:
        # The database itself is gone: the report stays running until fail_stalled_reports finds it.
        logger.exception("Could not mark the report of organization %s, month %s failed", organization_id, month)


@shared_task(acks_late=True)
def scheduled_report_task(organization_id: int) -> int | None:
    """The monthly run of one organization (its django-celery-beat PeriodicTask): the month before's report."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    report = services.request_scheduled_report(organization=organization)
    return report.pk if report is not None else None


@shared_task(acks_late=True, soft_time_limit=4 * 60, time_limit=5 * 60)
def refresh_changed_reports_task() -> int:
    """Every minute: queue the reports that settled data changes made stale; returns how many."""
    return len(services.refresh_changed_reports())


@shared_task(acks_late=True)
def ensure_report_schedules_task() -> int:
    return schedule.ensure_report_schedules()


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, max_retries=3, retry_backoff=30)
def send_report_ready_emails_task(report_id: int) -> int:
    """Queue the emails that tell leadership a report is ready; returns how many (0 when already sent)."""
    # Given only the id, the task learns the organization from the row itself.
    report = Report.objects.unscoped().select_related("organization").filter(pk=report_id).first()
    if report is None:
        return 0
    return services.send_report_ready_emails(report=report)


@shared_task(bind=True)
def send_report_ready_email_task(
    self, report_id: int, user_id: int, pdf_delivery: str = emails.PdfDelivery.NOT_ATTACHED
) -> bool:
    """One recipient's email that a report is ready; `pdf_delivery` (emails.PdfDelivery) says whether the
    PDF made for all recipients is attached."""
    # Given only the ids, the task learns the organization from the report itself.
    report = Report.objects.unscoped().select_related("organization").get(pk=report_id)
    user = get_user_model().objects.get(pk=user_id)
    return deliver(
        self,
        lambda: emails.send_report_ready(
            report=report, user=user, headline=selectors.headline(report), pdf_delivery=pdf_delivery
        ),
        organization=report.organization,
        to=user.email,
        what=f"news that the report of {report.month_label} is ready",
    )


@shared_task(bind=True)
def send_meeting_invitation_task(self, meeting_id: int, user_id: int, withdrawn: bool = False) -> bool:
    """One invited leader's calendar invitation to a customer-room meeting, as the meeting stands when it is
    sent (an update or cancellation sent later carries a higher sequence); `withdrawn`: a cancellation for
    someone no longer invited."""
    # Given only the ids, the task learns the organization from the meeting itself.
    meeting = Meeting.objects.unscoped().select_related("organization").filter(pk=meeting_id).first()
    if meeting is None:
        return False
    user = get_user_model().objects.get(pk=user_id)
    return deliver(
        self,
        lambda: meeting_emails.send_invitation(meeting=meeting, user=user, withdrawn=withdrawn),
        organization=meeting.organization,
        to=user.email,
        what=f"the invitation to the customer room of {meeting.report_month_label}",
    )


@shared_task(bind=True)
def send_minutes_email_task(self, meeting_id: int, user_id: int) -> bool:
    """One invited leader's email with the minutes of a closed customer-room meeting."""
    # Given only the ids, the task learns the organization from the meeting itself.
    meeting = Meeting.objects.unscoped().select_related("organization").filter(pk=meeting_id).first()
    if meeting is None:
        return False
    user = get_user_model().objects.get(pk=user_id)
    return deliver(
        self,
        lambda: minutes.send_minutes(meeting=meeting, user=user),
        organization=meeting.organization,
        to=user.email,
        what=f"the minutes of the customer room of {meeting.report_month_label}",
    )
