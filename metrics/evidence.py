"""What the customer-asset record shows of competency 1 (honor and manage customers as assets), stage by stage:
customer data in, a charter the leaders agreed and a source that keeps the data coming, then the reasons behind
most of the value lost."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cco_portal.organizations.gathered_evidence import Evidence, competency_topic

from . import selectors
from .charter import selectors as charter
from .sources import selectors as sources
from .sources.models import PullStatus

# Most of the value lost: the share of last month's lost value whose reason is recorded.
REASONS_SHARE = 0.5


def evidence_for(organization, topic: str) -> list[Evidence]:
    if topic != competency_topic(1):
        return []

    def url(name: str) -> str:
        return reverse(f"metrics:{name}", kwargs={"org_slug": organization.slug})

    months = selectors.months(organization)
    in_force = charter.charter_in_force(organization)
    scheduled = [
        source
        for source in sources.data_sources(organization)
        if source.enabled and source.schedule and source.last_status == PullStatus.SUCCEEDED
    ]
    known, lost = selectors.lost_value_with_reason(organization, months[-1]) if months else (0, 0)
    return [
        Evidence(
            title=_("Customer data is in the portal"),
            lines=[_("%(months)s months of customer data.") % {"months": len(months)}] if months else [],
            url=url("imports"),
            met=bool(months),
            stage=2,
        ),
        Evidence(
            title=_("The leaders agreed a customer-asset charter"),
            lines=[_("Version %(version)s is in force.") % {"version": in_force.version}] if in_force else [],
            url=url("charter"),
            met=in_force is not None,
            stage=3,
        ),
        Evidence(
            title=_("A data source brings the customer data on schedule"),
            lines=[", ".join(source.name for source in scheduled)] if scheduled else [],
            url=url("sources"),
            met=bool(scheduled),
            stage=3,
        ),
        Evidence(
            title=_("Reasons are recorded for most of the value lost last month"),
            lines=[_("%(percent)s%% of the value lost has a reason.") % {"percent": round(100 * known / lost)}]
            if lost
            else [_("No customer was lost last month.")]
            if months
            else [],
            url=url("customers") + "?figure=lost",
            met=lost > 0 and known / lost > REASONS_SHARE,
            stage=4,
        ),
    ]
