"""Reads of the data sources: an organization's sources, one source's pulls, the upload column mapping."""

from django.db.models import OuterRef, QuerySet, Subquery

from .mapping import organization_mapping
from .models import ColumnMapping, DataSource, DataSourcePull, PullStatus


def data_sources(organization) -> QuerySet[DataSource]:
    """The organization's sources by name, each with the status and time of its latest pull, and the time its
    latest successful pull finished (`last_succeeded_at`)."""
    latest = DataSourcePull.objects.filter(organization=organization, source=OuterRef("pk")).order_by(
        "-started_at", "-pk"
    )
    succeeded = DataSourcePull.objects.filter(
        organization=organization, source=OuterRef("pk"), status=PullStatus.SUCCEEDED
    ).order_by("-finished_at", "-pk")
    return DataSource.objects.for_organization(organization).annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_pulled_at=Subquery(latest.values("started_at")[:1]),
        last_succeeded_at=Subquery(succeeded.values("finished_at")[:1]),
    )


def pulls(source: DataSource) -> QuerySet[DataSourcePull]:
    """The pulls of `source`, newest first, with the import each one made."""
    return DataSourcePull.objects.filter(organization_id=source.organization_id, source=source).select_related(
        "activity_import", "pulled_by"
    )


def column_mappings(organization) -> dict[str, dict[str, str]]:
    """{kind: {file column: import column}} of the organization's uploads."""
    kinds = ColumnMapping.objects.for_organization(organization).values_list("kind", flat=True).distinct()
    return {kind: organization_mapping(organization, kind) for kind in sorted(set(kinds))}
