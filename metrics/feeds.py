"""The customer-asset data sources as feeds (cco_portal.organizations.gathered_feeds): each delivers when a pull
succeeds, as often as its schedule says."""

from django.urls import reverse

from cco_portal.organizations.gathered_feeds import Feed

from .sources import selectors
from .sources.schedule import cadence_days


def feed_key(source_id: int) -> str:
    return f"data-source-{source_id}"


def feeds_for(organization) -> list[Feed]:
    return [
        Feed(
            key=feed_key(source.pk),
            name=source.name,
            last_delivered_at=source.last_succeeded_at,
            cadence_days=cadence_days(source.schedule) if source.enabled else None,
            url=reverse("metrics:source", kwargs={"org_slug": organization.slug, "source_id": source.pk}),
        )
        for source in selectors.data_sources(organization)
    ]
