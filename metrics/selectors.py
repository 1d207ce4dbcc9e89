"""Reads of the customer-asset metrics: the bridge of a month, the trend, the customers behind a figure,
and lost customers by reason. Everything reads the stored movements; nothing is recomputed on view."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cco_portal.organizations.models import Organization

from .models import ALL_SEGMENTS, CustomerMovement, Dataset, LostReason, MonthlyMovement, Movement, to_amount
from .months import month_label

UNKNOWN_REASON = "unknown"


def dataset(organization: Organization) -> Dataset | None:
    return Dataset.objects.for_organization(organization).first()


def segments(organization: Organization) -> list[str]:
    """The segments customers are in, by name; "" (no segment) included when some customer has none."""
    return sorted(
        MonthlyMovement.objects.for_organization(organization)
        .exclude(segment=None)
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    )


def months(organization: Organization) -> list[int]:
    """The months with movements, first to last (the same whatever the segment)."""
    return list(
        MonthlyMovement.objects.for_organization(organization)
        .filter(segment=ALL_SEGMENTS)
        .order_by("month")
        .values_list("month", flat=True)
    )


def monthly_movements(
    organization: Organization, *, segment: str | None = ALL_SEGMENTS, first: int | None = None, last: int | None = None
):
    """The stored bridge rows of a segment (None: every customer), month by month."""
    rows = MonthlyMovement.objects.for_organization(organization).filter(segment=segment)
    if first is not None:
        rows = rows.filter(month__gte=first)
    if last is not None:
        rows = rows.filter(month__lte=last)
    return rows.order_by("month")


@dataclass
class Bridge:
    """Start of the month, the five movements, and the end: the customer-asset bridge of a month."""

    month: int
    start_count: int
    start_value: int
    row: MonthlyMovement

    @property
    def end_count(self) -> int:
        return self.row.active_count

    @property
    def end_value(self) -> int:
        return self.row.active_value


def bridge(organization: Organization, month: int, *, segment: str | None = ALL_SEGMENTS) -> Bridge | None:
    """The bridge of `month`, its start being the end of the month before (zero before the first)."""
    rows = {row.month: row for row in monthly_movements(organization, segment=segment, first=month - 1, last=month)}
    if month not in rows:
        return None
    before = rows.get(month - 1)
    return Bridge(
        month=month,
        start_count=before.active_count if before else 0,
        start_value=before.active_value if before else 0,
        row=rows[month],
    )


def lost_by_reason(organization: Organization, month: int, *, segment: str | None = ALL_SEGMENTS) -> list[dict]:
    """Lost customers of `month` counted by the reason recorded for that customer and month, "unknown"
    where none was given; most frequent first."""
    reason = LostReason.objects.filter(customer_id=OuterRef("customer_id"), month=OuterRef("month")).values("reason")
    lost = CustomerMovement.objects.for_organization(organization).filter(month=month, movement=Movement.LOST)
    if segment is not ALL_SEGMENTS:
        lost = lost.filter(customer__segment=segment)
    return list(
        lost.annotate(reason=Coalesce(Subquery(reason[:1]), Value(UNKNOWN_REASON)))
        .values("reason")
        .annotate(customers=Count("pk"))
        .order_by("-customers", "reason")
    )


@dataclass
class CustomerLine:
    customer: str
    segment: str
    value: int
    previous_value: int

    @property
    def change(self) -> int:
        return max(self.value, 0) - max(self.previous_value, 0)


def customers_behind(
    organization: Organization, month: int, figure: str, *, segment: str | None = ALL_SEGMENTS
) -> list[CustomerLine]:
    """The customers behind one figure of a month's bridge: a movement class, "stable", or "active"
    (the month's end) and "start" (the month before's end), by customer key."""
    if figure in {Movement.NEW, Movement.REACTIVATED, Movement.LOST, Movement.INCREASED, Movement.DECREASED}:
        moved = CustomerMovement.objects.for_organization(organization).filter(month=month, movement=figure)
        if segment is not ALL_SEGMENTS:
            moved = moved.filter(customer__segment=segment)
        return [
            CustomerLine(key, customer_segment, value, previous)
            for key, customer_segment, value, previous in moved.order_by("customer__external_id").values_list(
                "customer__external_id", "customer__segment", "value", "previous_value"
            )
        ]
    window = dataset(organization).computed_window
    if figure == "start":
        return [CustomerLine(k, s, v, v) for k, s, v in _active_customers(organization, month - 1, window, segment)]
    active = _active_customers(organization, month, window, segment)
    if figure == "active":
        return [CustomerLine(k, s, v, v) for k, s, v in active]
    if figure == Movement.STABLE:
        changed = set(
            CustomerMovement.objects.for_organization(organization)
            .filter(month=month)
            .values_list("customer__external_id", flat=True)
        )
        return [CustomerLine(k, s, v, v) for k, s, v in active if k not in changed]
    raise ValueError(f"unknown figure {figure!r}")


def _active_customers(organization: Organization, month: int, window: int, segment) -> list[tuple[str, str, int]]:
    """(customer key, segment, value) of the customers active in `month`: value over the window > 0."""
    segment_filter = "" if segment is ALL_SEGMENTS else "AND c.segment = %(segment)s"
    sql = f"""
        SELECT c.external_id, c.segment, SUM(a.revenue) AS value
        FROM metrics_customeractivity a JOIN metrics_customer c ON c.id = a.customer_id
        WHERE a.organization_id = %(organization)s AND a.month BETWEEN %(first)s AND %(month)s {segment_filter}
        GROUP BY c.external_id, c.segment
        HAVING SUM(a.revenue) > 0
        ORDER BY c.external_id
    """
    params = {"organization": organization.pk, "first": month - window + 1, "month": month, "segment": segment}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(key, customer_segment, int(value)) for key, customer_segment, value in cursor.fetchall()]


def movement_table(
    organization: Organization, *, segment: str | None = ALL_SEGMENTS, first: int | None = None, last: int | None = None
) -> list[dict]:
    """The bridge month by month as plain rows, the one shape of the API and the `movements` command:
    the month (YYYY-MM), the customers active at its end and their value, and for each movement class
    its count and value change as exact decimals ("stable" changes nothing, so its value is 0)."""
    return [
        {
            "month": month_label(row.month),
            "active": row.active_count,
            "value": to_amount(row.active_value),
            **{
                name: {"count": getattr(row, f"{name}_count"), "value": to_amount(getattr(row, f"{name}_value", 0))}
                for name in Movement.values
            },
        }
        for row in monthly_movements(organization, segment=segment, first=first, last=last)
    ]


def metrics_settings(organization: Organization) -> dict:
    """The organization's activity window, and whether the stored movements were computed with it and
    with the latest data (false while a recompute is pending)."""
    stored = dataset(organization)
    return {
        "activity_window": organization.activity_window,
        "computed_window": stored.computed_window if stored else None,
        "is_current": stored is None or stored.is_current,
        "computed_at": stored.computed_at if stored else None,
    }
