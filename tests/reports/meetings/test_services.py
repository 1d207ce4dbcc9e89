"""Writes of the customer-room meetings: the monthly series, scheduling, moving and cancelling a meeting; each
audited, each sending the invited leaders the invitation as it stands, one message per person."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from metrics.months import month_index
from reports.meetings import services
from reports.meetings.models import Meeting, MeetingSeries, MeetingStatus
from tests.factories import MembershipFactory, UserFactory
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(member_of):
    return [member_of(Role.LEADERSHIP, email="lee@example.com"), member_of(Role.EXECUTIVE, email="eve@example.com")]


def invitation_of(message):
    """The .ics attached to an email, parsed: (METHOD, the event)."""
    [(name, content, content_type)] = message.attachments
    assert name.endswith(".ics")
    assert content_type == "text/calendar"
    invitation = Calendar.from_ical(content)
    return str(invitation["method"]), invitation.walk("VEVENT")[0]


def test_the_nth_weekday_and_the_last_one_fall_on_the_right_days(organization, cco_user, leaders):
    """Given "the second Tuesday" and "the last Friday", their days in March 2025 are the 11th and the 28th;
    "day 5" is the 5th."""
    march = 2025 * 12 + 2
    assert set_series(organization, invited=leaders, week_of_month=2, weekday=1).day_in(march) == date(2025, 3, 11)
    assert set_series(organization, invited=leaders, week_of_month=5, weekday=4).day_in(march) == date(2025, 3, 28)
    assert set_series(organization, invited=leaders, day_of_month=5).day_in(march) == date(2025, 3, 5)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day_of_month": 3, "week_of_month": 2, "weekday": 1}, "day_of_month"),
        ({"week_of_month": None, "weekday": None}, "day_of_month"),
        ({"week_of_month": 2, "weekday": 9}, "weekday"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"duration_minutes": 5}, "duration_minutes"),
    ],
)
def test_a_series_that_does_not_say_when_is_refused(organization, leaders, changes, field):
    """A rule with both a day and a weekday or neither, an unknown weekday or time zone, or a five-minute
    meeting is refused, naming the field, and nothing is saved."""
    fields = {"week_of_month": 2, "weekday": 1, "start_time": time(9), "time_zone": "UTC", "duration_minutes": 60}
    with pytest.raises(ValidationError) as refusal:
        services.set_meeting_series(
            organization=organization, changed_by=None, invited=leaders, **{**fields, **changes}
        )
    assert field in refusal.value.message_dict
    assert not MeetingSeries.objects.for_organization(organization).exists()


def test_only_leaders_of_the_organization_are_invited(organization, other_organization, leaders):
    """An invited person who is not a member of the organization is refused; so is inviting nobody."""
    outsider = UserFactory(email="out@example.com")
    MembershipFactory(organization=other_organization, user=outsider, role=Role.LEADERSHIP)
    with pytest.raises(ValidationError, match=r"out@example\.com"):
        set_series(organization, invited=[*leaders, outsider])
    with pytest.raises(ValidationError) as refusal:
        set_series(organization, invited=[])
    assert "invited" in refusal.value.message_dict


def test_scheduling_the_next_meeting_emails_each_invited_leader_the_invitation(
    organization, cco_user, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    """Given a series inviting two leaders, when the CCO schedules the next meeting, then it is the first
    occurrence still to come, on the month before's report, and each leader gets one email of their own with the
    invitation (METHOD:REQUEST, the meeting's UID, sequence 0); the scheduling is audited."""
    set_series(organization, changed_by=cco_user, invited=leaders)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)

    assert meeting.starts_at > timezone.now()
    assert meeting.report_month == month_index(meeting.local_starts_at.date()) - 1
    assert meeting.starts_at - timezone.now() < timedelta(days=62)
    assert sorted(m.to for m in mailoutbox) == [["eve@example.com"], ["lee@example.com"]]
    for message in mailoutbox:
        assert message.subject.startswith("Invitation: Acme Outfitters customer room")
        method, event = invitation_of(message)
        assert (method, str(event["uid"]), int(event["sequence"])) == ("REQUEST", meeting.calendar_uid, 0)
        assert str(event["attendee"]) == f"mailto:{message.to[0]}"
    event = AuditEvent.objects.get(action=Action.MEETING_SCHEDULED)
    assert (event.organization, event.actor) == (organization, cco_user)


def test_the_next_meeting_after_a_scheduled_one_is_the_month_after(organization, cco_user, leaders):
    """Given the next meeting is scheduled, scheduling the next again schedules the month after's."""
    set_series(organization, invited=leaders)
    first = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    if first.report_month == month_index(timezone.localdate()):
        with pytest.raises(ValidationError, match="scheduled already"):
            services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    else:
        second = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
        assert second.report_month == first.report_month + 1


def test_one_meeting_per_report_month(organization, cco_user, leaders):
    set_series(organization, invited=leaders)
    month = month_index(timezone.localdate()) - 3
    services.schedule_meeting(organization=organization, report_month=month, scheduled_by=cco_user)
    with pytest.raises(ValidationError) as refusal:
        services.schedule_meeting(organization=organization, report_month=month, scheduled_by=cco_user)
    assert "report_month" in refusal.value.message_dict
    assert Meeting.objects.for_organization(organization).count() == 1


def test_a_past_meeting_is_recorded_without_invitations(
    organization, cco_user, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    """A meeting of a month gone by (recorded late, or by the demo) sends no invitation."""
    set_series(organization, invited=leaders)
    month = month_index(timezone.localdate()) - 3
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(organization=organization, report_month=month, scheduled_by=cco_user)
    assert meeting.ends_at < timezone.now()
    assert mailoutbox == []


def test_scheduling_needs_a_series(organization, cco_user):
    with pytest.raises(ValidationError, match="Set when the customer room meets"):
        services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)


def test_moving_a_meeting_sends_the_update_and_a_cancellation_to_who_is_no_longer_invited(
    organization, cco_user, leaders, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    """Given a scheduled meeting inviting two leaders, when the CCO moves it a day later and invites a third
    leader instead of the second, then the first and third get the update (same UID, sequence 1, "Updated") and
    the second a cancellation of the same UID; the change is audited."""
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    newcomer = member_of(Role.LEADERSHIP, email="new@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(
            meeting=meeting,
            changed_by=cco_user,
            starts_at=meeting.starts_at + timedelta(days=1),
            duration_minutes=60,
            invited=[leaders[0], newcomer],
        )

    by_person = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_person) == ["eve@example.com", "lee@example.com", "new@example.com"]
    for address in ("lee@example.com", "new@example.com"):
        method, event = invitation_of(by_person[address])
        assert (method, str(event["uid"]), int(event["sequence"])) == ("REQUEST", meeting.calendar_uid, 1)
        assert by_person[address].subject.startswith("Updated: ")
    method, event = invitation_of(by_person["eve@example.com"])
    assert (method, str(event["status"]), str(event["uid"])) == ("CANCEL", "CANCELLED", meeting.calendar_uid)
    assert by_person["eve@example.com"].subject.startswith("Cancelled: ")
    assert AuditEvent.objects.filter(action=Action.MEETING_RESCHEDULED, actor=cco_user).count() == 1


def test_saving_a_meeting_unchanged_sends_nothing(
    organization, cco_user, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        same = services.reschedule_meeting(
            meeting=meeting, changed_by=cco_user, starts_at=meeting.starts_at, duration_minutes=meeting.duration_minutes
        )
    assert callbacks == []
    assert same.calendar_sequence == 0
    assert mailoutbox == []


def test_cancelling_sends_every_invited_leader_the_cancellation(
    organization, cco_user, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    """When the CCO cancels the next meeting, it stays on the record as cancelled, each invited leader gets
    METHOD:CANCEL with the meeting's UID and a higher sequence, and it is audited; a cancelled meeting can be
    neither moved nor cancelled again."""
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_meeting(meeting=meeting, cancelled_by=cco_user)

    assert cancelled.status == MeetingStatus.CANCELLED
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        method, event = invitation_of(message)
        assert (method, str(event["uid"]), int(event["sequence"])) == ("CANCEL", meeting.calendar_uid, 1)
    assert AuditEvent.objects.filter(action=Action.MEETING_CANCELLED).count() == 1
    with pytest.raises(ValidationError, match="cancelled"):
        services.cancel_meeting(meeting=cancelled, cancelled_by=cco_user)
    with pytest.raises(ValidationError, match="cancelled"):
        services.reschedule_meeting(
            meeting=cancelled, changed_by=cco_user, starts_at=meeting.starts_at, duration_minutes=30
        )


def test_a_meeting_that_has_begun_is_not_moved(organization, cco_user, leaders, clock):
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    clock.current = meeting.starts_at + timedelta(minutes=5)
    with pytest.raises(ValidationError, match="begun"):
        services.cancel_meeting(meeting=meeting, cancelled_by=cco_user)
    with pytest.raises(ValidationError, match="begun"):
        services.reschedule_meeting(
            meeting=meeting, changed_by=cco_user, starts_at=clock.current + timedelta(days=1), duration_minutes=30
        )


def test_changing_the_series_moves_the_meetings_to_come(
    organization, cco_user, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    """Given the next meeting scheduled on the second Tuesday, when the CCO moves the series to the 20th at
    14:00, then the meeting moves to its month's 20th at 14:00, keeps its UID with sequence 1, and the
    invited are sent the update; the series change is audited."""
    set_series(organization, invited=leaders)
    meeting = services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)
    with django_capture_on_commit_callbacks(execute=True):
        set_series(organization, changed_by=cco_user, invited=leaders, day_of_month=20, start_time=time(14))

    meeting.refresh_from_db()
    assert (meeting.local_starts_at.day, meeting.local_starts_at.hour) == (20, 14)
    assert meeting.calendar_sequence == 1
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action=Action.MEETING_SERIES_CHANGED).count() == 2
