"""Each data source's schedule mirrored into one django-celery-beat PeriodicTask (as reports.schedule does for
the monthly report): created, changed and deleted by the source services, run by beat's DatabaseScheduler."""

from datetime import date, timedelta

from celery.schedules import crontab
from django_celery_beat.models import PeriodicTask

from cco_portal.beat import save_periodic_task

from .models import DataSource

PULL_TASK = "metrics.sources.tasks.pull_data_source_task"


def periodic_task_name(source_id: int) -> str:
    # The id, not the name: a source may be renamed, its schedule must not be duplicated.
    return f"metrics: pull data source {source_id}"


def check_schedule(schedule: str) -> None:
    """ValueError unless `schedule` is empty (pulled on demand only) or a crontab of five fields."""
    if not schedule.strip():
        return
    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError("Write the schedule as a crontab: minute hour day month weekday, e.g. 0 6 * * *.")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    crontab(minute, hour, day_of_week, day_of_month, month_of_year)


def cadence_days(schedule: str) -> int | None:
    """The most days that pass between two days on which `schedule` pulls, over a year (a leap one, so that a
    schedule on the 29th of February is seen): 1 for a daily schedule, 7 for a weekly one, 31 for the first of
    every month. None for a source pulled on demand only."""
    if not schedule.strip():
        return None
    minute, hour, day_of_month, month_of_year, day_of_week = schedule.split()
    rule = crontab(minute, hour, day_of_week, day_of_month, month_of_year)
    first = date(2024, 1, 1)
    days = [
        offset
        for offset in range(366)
        if (day := first + timedelta(days=offset)).month in rule.month_of_year
        and day.day in rule.day_of_month
        and day.isoweekday() % 7 in rule.day_of_week
    ]
    if not days:
        return None
    # The year wraps: the gap from the last pulling day to the first one of the next year counts too.
    return max(later - earlier for earlier, later in zip(days, [*days[1:], days[0] + 366], strict=True))


def sync_periodic_task(source: DataSource) -> PeriodicTask | None:
    """Create, change or delete the PeriodicTask of `source`; none when it has no schedule."""
    if not source.schedule.strip():
        delete_periodic_task(source.pk)
        return None
    return save_periodic_task(
        name=periodic_task_name(source.pk),
        task=PULL_TASK,
        crontab=source.schedule,
        args=[source.pk],
        enabled=source.enabled,
        description=f"Pull the data source “{source.name}” of {source.organization}.",
    )


def delete_periodic_task(source_id: int) -> None:
    PeriodicTask.objects.filter(name=periodic_task_name(source_id)).delete()


def periodic_task_of(source_id: int) -> PeriodicTask | None:
    return PeriodicTask.objects.filter(name=periodic_task_name(source_id)).first()
