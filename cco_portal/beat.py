"""The one way the portal writes django-celery-beat's rows: a named periodic task on a crontab in the portal's
time zone. The monthly reports (reports/schedule.py) and the data sources' pulls (metrics/sources/schedule.py)
keep theirs through it, beside the fixed schedule of settings.CELERY_BEAT_SCHEDULE."""

import json

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask


def save_periodic_task(
    *, name: str, task: str, crontab: str, args: list, enabled: bool, description: str
) -> PeriodicTask:
    """Create or change the periodic task `name`: `task` called with `args` at `crontab` ("minute hour
    day-of-month month day-of-week"), in the portal's time zone."""
    minute, hour, day_of_month, month_of_year, day_of_week = crontab.split()
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=settings.TIME_ZONE,
    )
    periodic_task, _ = PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            "crontab": schedule,
            "args": json.dumps(args),
            "enabled": enabled,
            "description": description,
        },
    )
    return periodic_task
