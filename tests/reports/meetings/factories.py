from datetime import time

from reports.meetings import services


def set_series(organization, *, changed_by=None, invited, **changes):
    """The organization's monthly meeting, set through the service: by default the second Tuesday at 09:00 in
    Paris, for 90 minutes."""
    fields = {
        "week_of_month": 2,
        "weekday": 1,
        "start_time": time(9, 0),
        "time_zone": "Europe/Paris",
        "duration_minutes": 90,
        **changes,
    }
    if "day_of_month" in changes:
        fields["week_of_month"] = fields["weekday"] = None
    return services.set_meeting_series(organization=organization, changed_by=changed_by, invited=invited, **fields)
