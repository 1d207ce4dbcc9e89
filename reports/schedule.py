"""Writes of the monthly report's schedule: each organization's ReportSchedule, mirrored into one
django-celery-beat PeriodicTask (written through cco_portal.beat, as the data sources' are), which the
DatabaseScheduler runs beside CELERY_BEAT_SCHEDULE."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.beat import save_periodic_task
from cco_portal.organizations.models import Organization

from .models import ReportSchedule

SCHEDULED_TASK = "reports.tasks.scheduled_report_task"


def periodic_task_name(organization_id: int) -> str:
    # The id, not the slug: an organization may be renamed, its schedule must not be duplicated.
    return f"reports: monthly report of organization {organization_id}"


def sync_periodic_task(schedule: ReportSchedule) -> PeriodicTask:
    """Create or update the PeriodicTask of `schedule`: at minute 0 of its hour on its day of every month,
    in the portal's time zone; disabled when the schedule is."""
    return save_periodic_task(
        name=periodic_task_name(schedule.organization_id),
        task=SCHEDULED_TASK,
        crontab=f"0 {schedule.hour} {schedule.day_of_month} * *",
        args=[schedule.organization_id],
        enabled=schedule.enabled,
        description=f"The monthly customer-room report of {schedule.organization}, for the month before.",
    )


def periodic_task_of(organization_id: int) -> PeriodicTask | None:
    return PeriodicTask.objects.filter(name=periodic_task_name(organization_id)).first()


@transaction.atomic
def set_report_schedule(
    *, organization: Organization, day_of_month: int, hour: int, enabled: bool, updated_by=None
) -> ReportSchedule:
    """Set the day of the month (1 to 28) and the hour at which the month before's report is computed,
    or turn the monthly run off; beat follows the change at its next check of the schedule."""
    schedule = ReportSchedule.objects.select_for_update().filter(organization=organization).first()
    schedule = schedule or ReportSchedule(organization=organization)
    before = {"day_of_month": schedule.day_of_month, "hour": schedule.hour, "enabled": schedule.enabled}
    schedule.day_of_month, schedule.hour, schedule.enabled = day_of_month, hour, enabled
    schedule.updated_by = updated_by
    errors = {}
    if not 1 <= day_of_month <= 28:
        errors["day_of_month"] = "Choose a day from 1 to 28, so that every month has it."
    if not 0 <= hour <= 23:
        errors["hour"] = "Choose an hour from 0 to 23."
    if errors:
        raise ValidationError(errors)
    schedule.save()
    sync_periodic_task(schedule)
    after = {"day_of_month": day_of_month, "hour": hour, "enabled": enabled}
    if after != before:
        record_event(
            action=Action.REPORT_SCHEDULE_CHANGED,
            organization=organization,
            actor=updated_by,
            target="monthly report",
            old=before,
            new=after,
        )
    return schedule


def ensure_report_schedules() -> int:
    """Give every organization without a report schedule the default one (day 1 at 06:00); returns how
    many were added. Run by beat, so that new organizations get their monthly report."""
    added = 0
    for organization in Organization.objects.filter(report_schedule__isnull=True):
        with transaction.atomic():
            schedule, created = ReportSchedule.objects.get_or_create(organization=organization)
            if created:
                sync_periodic_task(schedule)
                added += 1
    return added
