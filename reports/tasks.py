"""Background work of the reports: computing a month's report, the monthly run, the refresh after
imports, and the email to leadership. Each task loads by id and calls one service."""

import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from cco_portal.organizations.models import Organization

from . import schedule, services
from .models import Report

logger = logging.getLogger(__name__)

# Errors that a moment's wait may cure: the database or the broker briefly unreachable, a lock timeout.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)


class ComputeReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Retries exhausted, or an error no retry would cure: the report is marked failed with it, for the
        CCO to see, and the task is not run again."""
        organization_id, month = [*args, kwargs.get("organization_id"), kwargs.get("month")][:2]
        logger.error("Report of organization %s, month %s failed: %r", organization_id, month, exc)
        services.mark_report_failed(organization_id=organization_id, month=month, error=exc, task_id=task_id)


@shared_task(
    bind=True,
    base=ComputeReportTask,
    # Acknowledged once done, and given back to the broker when its worker dies, so that a lost worker's
    # report is delivered again; the claim in the service keeps a second delivery from computing it twice.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=settings.REPORTS_TASK_TIME_LIMIT * 9 // 10,
    time_limit=settings.REPORTS_TASK_TIME_LIMIT,
)
def compute_report_task(self, organization_id: int, month: int) -> str | None:
    """Compute the report of an organization's month from the current data; returns its status."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    report = services.compute_report(organization=organization, month=month, task_id=self.request.id or "")
    return report.status if report else None


@shared_task(acks_late=True)
def scheduled_report_task(organization_id: int) -> int | None:
    """The monthly run of one organization (its django-celery-beat PeriodicTask): the month before's report."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    return services.request_scheduled_report(organization=organization).pk


@shared_task(acks_late=True, time_limit=5 * 60)
def refresh_changed_reports_task() -> int:
    """Every minute: queue the reports that settled data changes made stale; returns how many."""
    return len(services.refresh_changed_reports())


@shared_task(acks_late=True)
def ensure_report_schedules_task() -> int:
    return schedule.ensure_report_schedules()


@shared_task(acks_late=True, autoretry_for=(OSError, *TRANSIENT_ERRORS), max_retries=3, retry_backoff=30)
def send_report_ready_emails_task(report_id: int) -> int:
    """Email leadership that a report is ready; returns the emails sent (0 when they were already sent)."""
    report = Report.objects.select_related("organization").filter(pk=report_id).first()
    if report is None:
        return 0
    return services.send_report_ready_emails(report=report)
