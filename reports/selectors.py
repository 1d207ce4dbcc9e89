"""Reads of the customer-room reports: a month's report, the recent runs and their status, the actions
a report shows and their record, the headline of a report, and which reports the latest data changes make stale."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from cco_portal.organizations.models import Organization
from metrics import selectors as metrics
from metrics.months import month_start
from roadmap.models import Status as MilestoneStatus

from .accountability import Accountability, accountability
from .figures import report_day
from .models import ActionStatus, CustomerRoomAction, Report, ReportQuerySet, ReportSchedule


def reports(organization: Organization) -> ReportQuerySet:
    """Every computation of the organization's reports, newest month and data version first."""
    return Report.objects.for_organization(organization).order_by("-month", "-data_version")


def latest_report(organization: Organization, month: int) -> Report | None:
    """The report of `month` computed from the newest data: what leadership reads."""
    return reports(organization).done().filter(month=month).first()


def latest_reports(organization: Organization) -> list[Report]:
    """The newest done report of each month, newest month first."""
    seen, latest = set(), []
    for report in reports(organization).done().defer("figures"):
        if report.month not in seen:
            seen.add(report.month)
            latest.append(report)
    return latest


def recent_runs(organization: Organization, *, limit: int = 12) -> list[Report]:
    """The latest computations, whatever their status, most recently requested first: the status panel."""
    return list(Report.objects.for_organization(organization).defer("figures").order_by("-requested_at", "-pk")[:limit])


def schedule_of(organization: Organization) -> ReportSchedule:
    """The organization's report schedule; the default (day 1 at 06:00), unsaved, when none was set."""
    return ReportSchedule.objects.for_organization(organization).first() or ReportSchedule(organization=organization)


def actions_for_report(organization: Organization, month: int) -> QuerySet[CustomerRoomAction]:
    """The actions a month's report shows: those agreed in that month, and earlier ones still open or
    closed since the month began, each with its current status. One that follows its milestone
    (CustomerRoomAction.current_status) closes when the milestone is done; the milestone keeps no date of
    that, so its last change stands for it."""
    began = timezone.make_aware(datetime.combine(month_start(month), datetime.min.time()))
    follows_done_milestone = Q(status=ActionStatus.OPEN, milestone__status=MilestoneStatus.DONE)
    still_open = Q(status=ActionStatus.OPEN) & ~follows_done_milestone
    closed_since = Q(closed_at__gte=began) | (follows_done_milestone & Q(milestone__updated_at__gte=began))
    return (
        CustomerRoomAction.objects.for_organization(organization)
        .filter(Q(month=month) | Q(month__lt=month) & (still_open | closed_since))
        .select_related("owner", "milestone")
        .order_by("-month", "due_date", "pk")
    )


def report_accountability(report: Report) -> Accountability:
    """The record of actions and meetings a report shows: as it stood when the report was computed, from its
    snapshot. A report computed before the snapshot kept it is not recomputed for it (that would change its other
    figures too, which its readers have seen and been emailed): its record is read now, as of the report's day,
    and says so (read_live)."""
    stored = (report.figures or {}).get("accountability")
    if stored is not None:
        return Accountability.from_dict(stored)
    live = accountability(report.organization, as_of=report_day(report.month), month=report.month)
    return replace(live, read_live=True)


def actions(organization: Organization, *, month: int | None = None) -> QuerySet[CustomerRoomAction]:
    """The customer-room actions, newest meeting first; of one meeting when `month` is given."""
    queryset = CustomerRoomAction.objects.for_organization(organization).select_related(
        "owner", "milestone", "journey_stage", "touchpoint__stage"
    )
    if month is not None:
        queryset = queryset.filter(month=month)
    return queryset.order_by("-month", "due_date", "pk")


@dataclass
class Headline:
    """The few figures the email and the top of the dashboard lead with."""

    month: str
    active: int
    value: Decimal
    new: int
    reactivated: int
    lost: int
    active_change: int
    value_change: Decimal


def headline(report: Report) -> Headline | None:
    """Active customers and their value at the month's end, customers gained and lost, and the change
    from the month before, read from the report's snapshot; None when the month had no data."""
    bridge = (report.figures or {}).get("bridge")
    if not bridge:
        return None
    start, end, classes = bridge["start"], bridge["end"], bridge["classes"]
    return Headline(
        month=report.month_label,
        active=end["count"],
        value=Decimal(end["value"]),
        new=classes["new"]["count"],
        reactivated=classes["reactivated"]["count"],
        lost=classes["lost"]["count"],
        active_change=end["count"] - start["count"],
        value_change=Decimal(end["value"]) - Decimal(start["value"]),
    )


def months_to_refresh(organization: Organization, *, now: datetime | None = None) -> list[int]:
    """The months whose report the customer data changed since it was computed, once the changes have
    settled: the movements are computed from the latest data, no import is waiting or running, and the
    last one finished REPORTS_DEBOUNCE_SECONDS ago. Only months that have a report are refreshed."""
    now = now or timezone.now()
    dataset = metrics.dataset(organization)
    if dataset is None or not dataset.is_current or not dataset.computed_version:
        return []
    if metrics.imports_under_way(organization):
        return []
    last_finished = metrics.last_import_finished_at(organization)
    if last_finished and last_finished > now - timedelta(seconds=settings.REPORTS_DEBOUNCE_SECONDS):
        return []

    version = dataset.computed_version
    by_month: dict[int, Report] = {}
    for report in reports(organization).defer("figures"):
        by_month.setdefault(report.month, report)  # newest data version of each month first
    stale = {month: report for month, report in by_month.items() if report.data_version < version}
    return [month for month, report in sorted(stale.items()) if _data_changed_since(organization, report)]


def _data_changed_since(organization: Organization, report: Report) -> bool:
    """Whether the customer data changed the report's month since the report's data was computed.

    A change in month M changes the reports of M and every later month (the movements carry forward). No
    activity import since (a new activity window, say) changes every month; an import, the months from its first."""
    changed = metrics.months_imported_since(organization, report.data_computed_at)
    return changed is None or any(changed_month <= report.month for changed_month in changed)


def newer_data_version(organization: Organization, report: Report) -> int | None:
    """The version of the customer data when it is newer than the report's and changes the report's month, else
    None: a report says so rather than be silently older than the dashboard. `months_to_refresh` recomputes it
    once the changes have settled."""
    dataset = metrics.dataset(organization)
    if dataset is None or dataset.version <= report.data_version or not _data_changed_since(organization, report):
        return None
    return dataset.version


def organizations_with_reports() -> QuerySet[Organization]:
    """Organizations that have reports and computed customer data: the candidates for a refresh."""
    return Organization.objects.filter(
        reports__isnull=False, customer_dataset__computed_version__isnull=False
    ).distinct()
