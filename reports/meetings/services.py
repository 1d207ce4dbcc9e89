"""Writes of the customer-room meetings: when the organization meets each month and whom it invites, scheduling
a month's meeting, changing and cancelling one. Each write is audited, and each sends the invited leaders the
calendar invitation as it now stands, once the change is committed, one message per person."""

from datetime import datetime, time
from functools import partial
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization
from metrics.months import month_index, month_label

from . import selectors
from .models import (
    LAST_WEEK,
    MAX_DURATION,
    MIN_DURATION,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Weekday,
    meeting_month_of,
)
from .record import refuse_if_closed

# Report months a meeting may discuss: from the portal's first month of data to the current month, whose
# meeting is held next month.
FIRST_MONTH = 1900 * 12


def _locked(organization: Organization) -> Organization:
    """The organization's row, locked: its series is created once, and a month gets one meeting."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _audit(organization: Organization, actor, action: Action, target: str, **details) -> None:
    record_event(action=action, organization=organization, actor=actor, target=target, **details)


def _check_rule(*, day_of_month: int | None, week_of_month: int | None, weekday: int | None) -> dict:
    by_day = day_of_month is not None
    by_weekday = week_of_month is not None or weekday is not None
    if by_day == by_weekday:
        return {"day_of_month": _("Choose either a day of the month or a weekday of the month, not both.")}
    if day_of_month is not None and not 1 <= day_of_month <= 28:
        return {"day_of_month": _("Choose a day from 1 to 28, so that every month has it.")}
    if by_weekday and (week_of_month not in range(1, LAST_WEEK + 1) or weekday not in Weekday.values):
        return {"weekday": _("Choose the week (first to fourth, or last) and the weekday.")}
    return {}


def _check_invitation(organization: Organization, *, time_zone: str, duration_minutes: int, invited: list) -> dict:
    errors = {}
    if time_zone not in available_timezones():
        errors["time_zone"] = _("Choose a time zone such as Europe/Paris or America/New_York.")
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = _("A meeting lasts from %(min)s to %(max)s minutes.") % {
            "min": MIN_DURATION,
            "max": MAX_DURATION,
        }
    if not invited:
        errors["invited"] = _("Invite at least one leader.")
    else:
        allowed = set(selectors.leaders(organization).values_list("pk", flat=True))
        if outsiders := [person for person in invited if person.pk not in allowed]:
            errors["invited"] = _("Not a leader of %(organization)s: %(people)s.") % {
                "organization": organization.name,
                "people": ", ".join(person.email for person in outsiders),
            }
    return errors


@transaction.atomic
def set_meeting_series(
    *,
    organization: Organization,
    changed_by,
    start_time: time,
    time_zone: str,
    duration_minutes: int,
    invited: list,
    day_of_month: int | None = None,
    week_of_month: int | None = None,
    weekday: int | None = None,
) -> MeetingSeries:
    """Set when the customer room meets each month (a day of the month, or the nth weekday), at what time in
    which time zone, for how long, and whom it invites. Meetings scheduled and not yet begun move to the new
    rule, and their invited leaders are sent the updated invitation."""
    organization = _locked(organization)
    errors = _check_rule(day_of_month=day_of_month, week_of_month=week_of_month, weekday=weekday)
    errors |= _check_invitation(organization, time_zone=time_zone, duration_minutes=duration_minutes, invited=invited)
    if errors:
        raise ValidationError(errors)
    series = MeetingSeries.objects.for_organization(organization).first() or MeetingSeries(organization=organization)
    series.day_of_month, series.week_of_month, series.weekday = day_of_month, week_of_month, weekday
    series.start_time, series.time_zone, series.duration_minutes = start_time, time_zone, duration_minutes
    series.updated_by = changed_by
    series.save()
    series.invited.set(invited)
    _audit(
        organization,
        changed_by,
        Action.MEETING_SERIES_CHANGED,
        "customer-room meeting series",
        rule=str(series.rule_text),
        time=start_time.strftime("%H:%M"),
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        invited=sorted(person.email for person in invited),
    )
    for meeting in Meeting.objects.for_organization(organization).scheduled().filter(starts_at__gt=timezone.now()):
        _change(
            meeting,
            changed_by=changed_by,
            starts_at=series.starts_in(meeting_month_of(meeting.report_month)),
            duration_minutes=duration_minutes,
            time_zone=time_zone,
            invited=invited,
        )
    return series


@transaction.atomic
def schedule_meeting(*, organization: Organization, report_month: int, scheduled_by, notify: bool = True) -> Meeting:
    """Schedule the meeting that discusses the report of `report_month`, in the month after it, by the series'
    rule and with its invited leaders, who are sent the invitation when the meeting is still to come (and
    `notify`: the demo's sample meetings send nothing)."""
    organization = _locked(organization)
    series = selectors.series_of(organization)
    if series is None:
        raise ValidationError(_("Set when the customer room meets first."))
    if not FIRST_MONTH <= report_month <= month_index(timezone.localdate()):
        raise ValidationError({"report_month": _("Choose the month of a report: from 1900-01 to this month.")})
    if Meeting.objects.for_organization(organization).filter(report_month=report_month).exists():
        raise ValidationError(
            {
                "report_month": _("The meeting on the report of %(month)s is already scheduled.")
                % {"month": month_label(report_month)}
            }
        )
    meeting = Meeting.objects.create(
        organization=organization,
        report_month=report_month,
        starts_at=series.starts_in(meeting_month_of(report_month)),
        duration_minutes=series.duration_minutes,
        time_zone=series.time_zone,
        created_by=scheduled_by,
    )
    invited = list(series.invited.all())
    meeting.invited.set(invited)
    _audit(
        organization,
        scheduled_by,
        Action.MEETING_SCHEDULED,
        str(meeting),
        starts_at=meeting.starts_at.isoformat(),
        invited=sorted(person.email for person in invited),
    )
    if notify and meeting.ends_at > timezone.now():
        _send_later(meeting, [person.pk for person in invited])
    return meeting


def next_report_month(series: MeetingSeries, organization: Organization, *, now: datetime | None = None) -> int:
    """The report month of the series' next meeting not yet scheduled: the first month from this one whose
    meeting is still to come and has no meeting yet (a cancelled one counts as scheduled)."""
    now = now or timezone.now()
    month = month_index(now.astimezone(ZoneInfo(series.time_zone)).date())
    taken = set(Meeting.objects.for_organization(organization).values_list("report_month", flat=True))
    while series.starts_in(month) <= now or month - 1 in taken:
        month += 1
    return month - 1


@transaction.atomic
def schedule_next_meeting(
    *, organization: Organization, scheduled_by, now: datetime | None = None, notify: bool = True
) -> Meeting:
    """Schedule the series' next meeting that is not scheduled yet (see next_report_month)."""
    series = selectors.series_of(_locked(organization))
    if series is None:
        raise ValidationError(_("Set when the customer room meets first."))
    report_month = next_report_month(series, organization, now=now)
    if report_month > month_index(timezone.localdate()):
        raise ValidationError(
            _("The next meeting, on the report of %(month)s, is scheduled already.")
            % {"month": month_label(report_month - 1)}
        )
    return schedule_meeting(
        organization=organization, report_month=report_month, scheduled_by=scheduled_by, notify=notify
    )


def _refuse_changes(meeting: Meeting) -> None:
    refuse_if_closed(meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled: schedule another instead."))
    if meeting.has_started:
        raise ValidationError(_("This meeting has begun: it can no longer be moved or cancelled."))


def _change(
    meeting: Meeting, *, changed_by, starts_at: datetime, duration_minutes: int, time_zone: str, invited: list
) -> Meeting:
    before = {person.pk for person in meeting.invited.all()}
    after = {person.pk for person in invited}
    changed = (
        meeting.starts_at != starts_at
        or meeting.duration_minutes != duration_minutes
        or meeting.time_zone != time_zone
        or before != after
    )
    if not changed:
        return meeting
    meeting.starts_at, meeting.duration_minutes, meeting.time_zone = starts_at, duration_minutes, time_zone
    meeting.calendar_sequence += 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "time_zone", "calendar_sequence", "updated_at"])
    meeting.invited.set(invited)
    _audit(
        meeting.organization,
        changed_by,
        Action.MEETING_RESCHEDULED,
        str(meeting),
        starts_at=starts_at.isoformat(),
        duration_minutes=duration_minutes,
        sequence=meeting.calendar_sequence,
        invited=sorted(person.email for person in invited),
    )
    _send_later(meeting, sorted(after))
    _send_later(meeting, sorted(before - after), withdrawn=True)
    return meeting


@transaction.atomic
def reschedule_meeting(
    *, meeting: Meeting, changed_by, starts_at: datetime, duration_minutes: int, invited: list | None = None
) -> Meeting:
    """Move a meeting not yet begun, change its length or whom it invites; its invitation keeps its UID and
    raises its sequence. The invited are sent the update, those no longer invited a cancellation."""
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("organization")
        .get(organization_id=meeting.organization_id, pk=meeting.pk)
    )
    _refuse_changes(meeting)
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Give the time with its time zone.")})
    invited = list(meeting.invited.all()) if invited is None else invited
    if errors := _check_invitation(
        meeting.organization, time_zone=meeting.time_zone, duration_minutes=duration_minutes, invited=invited
    ):
        raise ValidationError(errors)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time still to come.")})
    return _change(
        meeting,
        changed_by=changed_by,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        time_zone=meeting.time_zone,
        invited=invited,
    )


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, cancelled_by) -> Meeting:
    """Cancel a meeting not yet begun: its invited leaders are sent the cancellation (same UID, higher
    sequence), and the month's meeting stays on the record as cancelled."""
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("organization")
        .get(organization_id=meeting.organization_id, pk=meeting.pk)
    )
    _refuse_changes(meeting)
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, timezone.now()
    meeting.calendar_sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "calendar_sequence", "updated_at"])
    _audit(
        meeting.organization, cancelled_by, Action.MEETING_CANCELLED, str(meeting), sequence=meeting.calendar_sequence
    )
    _send_later(meeting, [person.pk for person in meeting.invited.all()])
    return meeting


def _send_later(meeting: Meeting, user_ids: list[int], *, withdrawn: bool = False) -> None:
    from ..tasks import send_meeting_invitation_task

    for user_id in user_ids:
        transaction.on_commit(
            partial(send_meeting_invitation_task.delay, meeting.pk, user_id, withdrawn=withdrawn), robust=True
        )
