"""What waits for a leader in the metrics: the customer-asset charter version they have yet to sign, and, first,
the figures they own, as of the last month."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cco_portal.organizations.waiting import Waiting

from . import selectors
from .charter import selectors as charter
from .forms import segment_param
from .models import Movement, to_amount
from .months import month_label, month_start
from .owners import selectors as owners


def waiting_for(organization, user) -> list[Waiting]:
    return _owned_figures(organization, user) + _charter_to_sign(organization, user)


def _owned_figures(organization, user) -> list[Waiting]:
    owned = owners.owned_by(organization, user)
    months = selectors.months(organization) if owned else []
    if not months:
        return []
    month = months[-1]
    customers = reverse("metrics:customers", kwargs={"org_slug": organization.slug})
    found = []
    for row in owned:
        if row.segment:
            bridge = selectors.bridge(organization, month, segment=row.segment)
            if bridge is None:
                continue
            title = _("Your segment %(segment)s") % {"segment": row.segment}
            count, value = bridge.end_count, bridge.end_value
            note = ngettext(
                "%(count)s active customer at the end of %(month)s, worth %(value)s.",
                "%(count)s active customers at the end of %(month)s, worth %(value)s.",
                count,
            )
            query = urlencode({"month": month_label(month), "figure": "active", "segment": segment_param(row.segment)})
        else:
            bridge = selectors.bridge(organization, month)
            title = _("Your figure: %(figure)s") % {"figure": Movement(row.figure).label}
            count, value = getattr(bridge.row, f"{row.figure}_count"), getattr(bridge.row, f"{row.figure}_value")
            note = ngettext(
                "%(count)s customer in %(month)s, a value change of %(value)s.",
                "%(count)s customers in %(month)s, a value change of %(value)s.",
                count,
            )
            query = urlencode({"month": month_label(month), "figure": row.figure})
        found.append(
            Waiting(
                title=title,
                note=note
                % {"count": count, "month": date_format(month_start(month), "F Y"), "value": f"{to_amount(value):,}"},
                url=f"{customers}?{query}",
                is_own_figure=True,
            )
        )
    return found


def _charter_to_sign(organization, user) -> list[Waiting]:
    version = charter.awaiting_signature_of(organization, user)
    if version is None:
        return []
    return [
        Waiting(
            title=_("Sign the customer-asset charter, version %(version)s") % {"version": version.version},
            note=_("Agree or object to the definitions behind the customer-asset figures."),
            url=reverse("metrics:charter", kwargs={"org_slug": organization.slug}),
        )
    ]
