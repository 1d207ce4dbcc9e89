"""The email that carries a customer-room meeting's calendar invitation to one invited leader: the first
invitation, an update, or a cancellation, with the .ics attached."""

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cco_portal.emails import send_email

from . import calendar, selectors
from .models import Meeting


def subject(meeting: Meeting, *, cancelled: bool) -> str:
    when = date_format(meeting.local_starts_at, "j F Y, H:i")
    values = {"title": calendar.meeting_title(meeting), "when": when}
    if cancelled:
        return _("Cancelled: %(title)s, %(when)s") % values
    if meeting.calendar_sequence:
        return _("Updated: %(title)s, %(when)s") % values
    return _("Invitation: %(title)s, %(when)s") % values


def send_invitation(*, meeting: Meeting, user, withdrawn: bool = False) -> None:
    """Email `user` the meeting's invitation as it stands now; `withdrawn`: they are no longer invited to it."""
    url = selectors.meeting_url(meeting)
    cancelled = meeting.is_cancelled or withdrawn
    context = {
        "meeting": meeting,
        "organization": meeting.organization,
        "user": user,
        "url": url,
        "cancelled": cancelled,
        "withdrawn": withdrawn,
        "when": date_format(meeting.local_starts_at, "l j F Y, H:i"),
    }
    send_email(
        to=user.email,
        subject=subject(meeting, cancelled=cancelled),
        body=render_to_string("reports/meetings/email/invitation.txt", context),
        attachments=[
            (
                calendar.file_name(meeting),
                calendar.meeting_calendar(meeting, url=url, attendee=user, withdrawn=withdrawn),
                "text/calendar",
            )
        ],
    )
