"""The customer room's record as evidence for the CEO-commitment question on accountability forums."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cco_portal.organizations.gathered_evidence import ACCOUNTABILITY_FORUMS, Evidence

from .accountability import accountability


def evidence_for(organization, topic: str) -> list[Evidence]:
    if topic != ACCOUNTABILITY_FORUMS:
        return []
    record = accountability(organization)
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
    return [
        Evidence(
            title=_("From the customer room's record"),
            lines=lines,
            url=reverse("reports:actions", kwargs={"org_slug": organization.slug}),
        )
    ]
