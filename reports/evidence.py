"""The customer room's record as evidence: for the CEO-commitment question on accountability forums, and for the
maturity of competency 5."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cco_portal.organizations.gathered_evidence import ACCOUNTABILITY_FORUMS, Evidence, competency_topic

from . import selectors
from .accountability import accountability

# Most actions done by their due date, once enough have come due to say.
ON_TIME_PERCENT, ENOUGH_DUE = 70, 3


def evidence_for(organization, topic: str) -> list[Evidence]:
    if topic == ACCOUNTABILITY_FORUMS:
        return [_record(organization)]
    if topic == competency_topic(5):
        return _competency_five(organization)
    return []


def _competency_five(organization) -> list[Evidence]:
    """Competency 5 (one-company leadership, accountability and culture), from the customer room's record."""
    actions_url = reverse("reports:actions", kwargs={"org_slug": organization.slug})
    reports = selectors.latest_reports(organization)
    agreed = selectors.actions(organization).filter(owner__isnull=False, due_date__isnull=False).count()
    record = accountability(organization)
    return [
        Evidence(
            title=_("The monthly customer-room report is made"),
            lines=[_("%(count)s months have a report.") % {"count": len(reports)}] if reports else [],
            url=reverse("reports:latest", kwargs={"org_slug": organization.slug}),
            met=bool(reports),
            stage=2,
        ),
        Evidence(
            title=_("The customer room agrees actions, each with an owner and a due date"),
            lines=[_("%(count)s such actions.") % {"count": agreed}] if agreed else [],
            url=actions_url,
            met=agreed > 0,
            stage=3,
        ),
        Evidence(
            title=_("Most actions are done by their due date"),
            lines=_record_lines(record) if record.due else [],
            url=actions_url,
            met=record.due >= ENOUGH_DUE and (record.on_time_percent or 0) >= ON_TIME_PERCENT,
            stage=4,
        ),
    ]


def _record(organization) -> Evidence:
    record = accountability(organization)
    return Evidence(
        title=_("From the customer room's record"),
        lines=_meeting_lines(record) + _record_lines(record),
        url=reverse("reports:actions", kwargs={"org_slug": organization.slug}),
    )


def _record_lines(record) -> list[str]:
    if record.due:
        lines = [
            ngettext(
                "Of the %(due)s customer-room action due before %(date)s, %(on_time)s (%(percent)s%%) was done by "
                "its due date.",
                "Of the %(due)s customer-room actions due before %(date)s, %(on_time)s (%(percent)s%%) were done by "
                "their due date.",
                record.due,
            )
            % {
                "due": record.due,
                "date": date_format(record.as_of, "j F Y"),
                "on_time": record.on_time,
                "percent": record.on_time_percent,
            }
        ]
        if record.overdue_by_owner:
            owners = ", ".join(f"{owner.name} ({owner.overdue})" for owner in record.overdue_by_owner)
            lines.append(_("Overdue, by owner: %(owners)s.") % {"owners": owners})
    else:
        lines = [_("No customer-room action has come due yet.")]
    return lines


def _meeting_lines(record) -> list[str]:
    """Whether the forum meets as scheduled, and who comes: the customer-room meetings held and attended."""
    if not record.meetings_due:
        return [_("No customer-room meeting was due yet.")]
    lines = [
        ngettext(
            "Of the %(due)s customer-room meeting due, %(held)s was held on schedule.",
            "Of the %(due)s customer-room meetings due, %(held)s were held on schedule.",
            record.meetings_due,
        )
        % {"due": record.meetings_due, "held": record.meetings_on_schedule}
    ]
    if record.attendance_by_leader:
        leaders = ", ".join(
            _("%(name)s (%(present)s of %(invited)s)")
            % {"name": leader.name, "present": leader.present, "invited": leader.invited}
            for leader in record.attendance_by_leader
        )
        lines.append(_("Attendance, by leader: %(leaders)s.") % {"leaders": leaders})
    return lines
