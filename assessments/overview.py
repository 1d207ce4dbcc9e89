"""The rounds waiting for a person's answers, for their organization's overview."""

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cco_portal.organizations.waiting import Waiting

from . import selectors

# A round closing within this many days is shown as urgent.
URGENT_DAYS = 2


def waiting_for(organization, user) -> list[Waiting]:
    urgent_from = timezone.localdate() + timedelta(days=URGENT_DAYS)
    waiting = []
    for round_, response in selectors.my_rounds(organization, user):
        if not round_.is_open or (response and response.is_submitted):
            continue
        answered, total = selectors.progress(response, round_)
        waiting.append(
            Waiting(
                title=_("Answer “%(round)s”") % {"round": round_.title},
                note=_("Open until %(date)s; %(answered)s of %(total)s questions answered so far.")
                % {"date": date_format(round_.closes_on, "j F"), "answered": answered, "total": total},
                url=round_.get_absolute_url(),
                is_late=round_.closes_on <= urgent_from,
            )
        )
    return waiting
