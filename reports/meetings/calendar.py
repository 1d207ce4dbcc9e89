"""A customer-room meeting as a calendar invitation (RFC 5545), made with the icalendar library.

Every version of a meeting's invitation carries the meeting's one UID: calendar programs match an update or a
cancellation to the event they already hold by it, and take the version with the highest SEQUENCE. A cancelled
meeting is sent as METHOD:CANCEL with STATUS:CANCELLED. Each person's copy names only them as attendee, so that
nobody learns another's address from it (cco_portal.emails sends each person's message on its own)."""

from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODUCT_ID = "-//CCO Portal//Customer room//EN"


def meeting_title(meeting: Meeting) -> str:
    return _("%(organization)s customer room: the report of %(month)s") % {
        "organization": meeting.organization.name,
        "month": meeting.report_month_label,
    }


def file_name(meeting: Meeting) -> str:
    return f"{meeting.organization.slug}-customer-room-{meeting.report_month_label}.ics"


def meeting_calendar(meeting: Meeting, *, url: str, attendee=None, withdrawn: bool = False) -> bytes:
    """The invitation to `meeting` as it stands (a request, or a cancellation once cancelled), for `attendee`;
    `withdrawn`: a cancellation for an attendee who is no longer invited to a meeting that still takes place."""
    cancelled = meeting.is_cancelled or withdrawn
    invitation = Calendar()
    invitation.add("prodid", PRODUCT_ID)
    invitation.add("version", "2.0")
    invitation.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting.calendar_uid)
    event.add("sequence", meeting.calendar_sequence)
    event.add("dtstamp", timezone.now())
    zone = ZoneInfo(meeting.time_zone)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting_title(meeting))
    event.add(
        "description",
        _(
            "The monthly customer room: last month's actions, the customer-asset bridge, who left and why, "
            "customer stories, the candidate actions and the decision. The agenda: %(url)s"
        )
        % {"url": url},
    )
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    event.add("organizer", organizer)
    if attendee is not None:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(attendee.display_name)
        person.params["role"] = vText("REQ-PARTICIPANT")
        person.params["partstat"] = vText("NEEDS-ACTION")
        person.params["rsvp"] = vText("TRUE")
        event.add("attendee", person)
    invitation.add_component(event)
    invitation.add_missing_timezones()
    return invitation.to_ical()
