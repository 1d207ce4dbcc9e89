"""A closed meeting's minutes: who attended, the decision and its actions, the customer stories, and the
corrections written since, as a PDF made the way the report's is (reports.pdf), and the email that carries it to
each invited leader when the CCO closes the meeting."""

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cco_portal.emails import send_email

from .. import charts, pdf
from . import selectors
from .models import Meeting


def file_name(meeting: Meeting) -> str:
    """acme-customer-room-minutes-2024-03.pdf, for the meeting on the report of March 2024."""
    return f"{meeting.organization.slug}-customer-room-minutes-{meeting.report_month_label}.pdf"


def minutes_context(meeting: Meeting) -> dict:
    candidates = selectors.candidates(meeting)
    return {
        "meeting": meeting,
        "organization": meeting.organization,
        "attendance": selectors.attendance(meeting),
        "agreed": [candidate for candidate in candidates if candidate.action_id is not None],
        "not_chosen": [candidate for candidate in candidates if candidate.status == "not_chosen"],
        "previous_actions": selectors.agenda(meeting).previous_actions,
        "stories": [(story, charts.story_chart(story.history, width=480)) for story in selectors.stories(meeting)],
        "corrections": selectors.corrections(meeting),
        "url": selectors.meeting_url(meeting),
        "print": True,
    }


def render_minutes_html(meeting: Meeting) -> str:
    return render_to_string("reports/meetings/minutes_pdf.html", minutes_context(meeting))


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes as they stand, corrections included: the same for the download and the email."""
    return pdf.html_to_pdf(render_minutes_html(meeting))


def send_minutes(*, meeting: Meeting, user) -> None:
    """Email one invited leader the closed meeting's minutes, the PDF attached."""
    context = {
        "meeting": meeting,
        "organization": meeting.organization,
        "url": selectors.meeting_url(meeting),
        "when": date_format(meeting.local_starts_at, "l j F Y"),
    }
    send_email(
        to=user.email,
        subject=_("Minutes: the customer room of %(organization)s on the report of %(month)s")
        % {"organization": meeting.organization.name, "month": meeting.report_month_label},
        body=render_to_string("reports/meetings/email/minutes.txt", context),
        attachments=[(file_name(meeting), minutes_pdf(meeting), "application/pdf")],
    )
