"""The milestone list as a table for CSV: one row per milestone, lists joined with "; "."""

from collections.abc import Iterable

from django.utils import timezone

from cco_portal.organizations.models import Organization

from .models import Milestone

HEADER = [
    "id",
    "competency number",
    "competency",
    "title",
    "description",
    "owner",
    "owner email",
    "operational areas",
    "start date",
    "due date",
    "status",
    "percent complete",
    "overdue",
    "blocked reason",
    "depends on",
    "notes",
    "override reason",
]


def milestone_rows(milestones: Iterable[Milestone]) -> Iterable[list]:
    """Rows in HEADER's order; expects the areas and dependencies prefetched (selectors.milestones)."""
    for milestone in milestones:
        yield [
            milestone.pk,
            milestone.competency.number,
            milestone.competency.title,
            milestone.title,
            milestone.description,
            milestone.owner.display_name if milestone.owner else "",
            milestone.owner.email if milestone.owner else "",
            "; ".join(area.name for area in milestone.areas.all()),
            milestone.start_date.isoformat() if milestone.start_date else "",
            milestone.due_date.isoformat() if milestone.due_date else "",
            milestone.get_status_display(),
            milestone.percent_complete,
            "yes" if milestone.is_overdue else "no",
            milestone.blocked_reason,
            "; ".join(dependency.title for dependency in milestone.dependencies.all()),
            milestone.notes,
            milestone.override_reason,
        ]


def milestones_filename(organization: Organization) -> str:
    return f"roadmap-{organization.slug}-{timezone.localdate():%Y-%m-%d}.csv"
