"""The milestones a person owns that are overdue, for their organization's overview."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cco_portal.organizations.waiting import Waiting

from .models import Milestone


def waiting_for(organization, user) -> list[Waiting]:
    overdue = Milestone.objects.for_organization(organization).overdue().filter(owner=user).order_by("due_date")
    return [
        Waiting(
            title=_("Bring “%(milestone)s” up to date") % {"milestone": milestone.title},
            note=_("Overdue: it was due on %(date)s and is %(percent)s%% done.")
            % {"date": date_format(milestone.due_date, "j F Y"), "percent": milestone.percent_complete},
            url=milestone.get_absolute_url(),
            is_late=True,
        )
        for milestone in overdue
    ]
