"""Reads of the customer-asset metrics: the bridge of a month, the trend, the customers behind a figure,
and lost customers by reason. The figures are read as stored; the customers behind them are read from
the stored movements, or from the few months of activity that make them."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from cco_portal.organizations.models import Organization

# The report reads all of metrics through this module, the charter's sign-off and the figures' owners included.
from .charter.selectors import charter_statement as charter_statement
from .models import (
    ALL_SEGMENTS,
    ActivityImport,
    Customer,
    CustomerActivity,
    CustomerMovement,
    Dataset,
    ImportKind,
    ImportStatus,
    LostReason,
    MonthlyMovement,
    Movement,
    to_amount,
)
from .models import REVENUE_SCALE as REVENUE_SCALE
from .months import month_label, parse_month_label
from .movements import STORED_CLASSES
from .owners.selectors import figure_owners as figure_owners

UNKNOWN_REASON = "unknown"
# What readers outside metrics (the monthly report) need to read the figures: the classes of movement, and
# the stored units of revenue (ten-thousandths) as amounts and back.
MOVEMENT_CLASSES = list(Movement.values)


def value_meaning(window: int) -> str:
    """What "value" means at an activity window of `window` months, said wherever a value is shown: with a
    window of 3, a customer's value is three months' revenue, not one month's."""
    if window == 1:
        return gettext("Value is a customer's revenue in the month (activity window: 1 month).")
    return gettext(
        "Value is a customer's revenue over the %(months)s months up to and including the month (activity window: "
        "%(months)s months), not one month's revenue."
    ) % {"months": window}


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


# Each class's value change, as PRODUCT.md defines it, over a list's columns: + value(M) for those who arrive,
# - value(M-1) for those who leave, value(M) - value(M-1) for the others.
CLASS_VALUE_CHANGE = {
    Movement.NEW: "value",
    Movement.REACTIVATED: "value",
    Movement.LOST: "-previous_value",
    Movement.INCREASED: "value - previous_value",
    Movement.DECREASED: "value - previous_value",
}


def reason_of(organization: Organization, customer: str, month: int) -> str | None:
    """The reason recorded for the customer of key `customer` in `month`, or None."""
    return (
        LostReason.objects.for_organization(organization)
        .filter(customer__external_id=customer, month=month)
        .values_list("reason", flat=True)
        .first()
    )


def lost_value_with_reason(organization: Organization, month: int) -> tuple[int, int]:
    """The value lost in `month` by customers with a recorded reason, and the value lost in all (both positive,
    in ten-thousandths)."""
    rows = customers_behind(organization, month, Movement.LOST).by_reason("previous_value", top=None)
    known = sum(row["value"] for row in rows if row["reason"] != UNKNOWN_REASON)
    return known, sum(row["value"] for row in rows)


def reasons_by_class(
    organization: Organization, month: int, *, segment: str | None = ALL_SEGMENTS, top: int = 5
) -> dict[str, list[dict]]:
    """Why customers moved in `month`: for each class but stable, its `top` reasons by customers (then by the size
    of the value change), each with the customers and their value change in ten-thousandths; "unknown" where no
    reason was recorded. Read from the same lists as the customers behind each figure; classes nobody moved into
    are left out."""
    found = {}
    for movement, change in CLASS_VALUE_CHANGE.items():
        rows = customers_behind(organization, month, movement, segment=segment).by_reason(change, top=top)
        if rows:
            found[str(movement)] = rows
    return found


@dataclass
class CustomerLine:
    customer: str
    segment: str
    value: int
    previous_value: int
    # Why, as recorded for the customer and month; a lost customer without one is counted as "unknown".
    reason: str | None = None

    @property
    def change(self) -> int:
        return max(self.value, 0) - max(self.previous_value, 0)


# The reason recorded for the customer and the month, on every list behind a figure.
REASON = "r.reason"
WITH_REASON = "LEFT JOIN metrics_lostreason r ON r.customer_id = c.id AND r.month = %(month)s"


def customers_behind(
    organization: Organization, month: int, figure: str, *, segment: str | None = ALL_SEGMENTS
) -> "CustomerLines":
    """The customers behind one figure of a month's bridge, by customer key: a movement class, "stable",
    "active" (the month's end) or "start" (the month before's end). The result is read a page at a time
    (it counts and slices in the database), so a paginator never loads the whole list."""
    params = {"organization": organization.pk, "month": month, "segment": segment, "figure": figure}
    segment_filter = "" if segment is ALL_SEGMENTS else "AND c.segment = %(segment)s"
    if figure in STORED_CLASSES:
        sql = f"""
            SELECT c.external_id, c.segment, cm.value, cm.previous_value, {REASON}
            FROM metrics_customermovement cm JOIN metrics_customer c ON c.id = cm.customer_id {WITH_REASON}
            WHERE cm.organization_id = %(organization)s AND cm.month = %(month)s AND cm.movement = %(figure)s
                  {segment_filter}
        """
        return CustomerLines(sql, params)
    # Lists are read only of computed months, so the window they were computed with is known.
    window: int = getattr(dataset(organization), "computed_window", None) or organization.activity_window
    # The month's value and the month before's, each over its own W months, from the W + 1 months that hold
    # both: every list behind a figure shows a customer's true value on each side and its change.
    sides = """
        SELECT a.customer_id,
               SUM(CASE WHEN a.month >= %(first)s + 1 THEN a.revenue ELSE 0 END) AS value,
               SUM(CASE WHEN a.month <= %(month)s - 1 THEN a.revenue ELSE 0 END) AS previous_value
        FROM metrics_customeractivity a
        WHERE a.organization_id = %(organization)s AND a.month BETWEEN %(first)s AND %(month)s
        GROUP BY a.customer_id
    """
    if figure in {"start", "active"}:
        # Active at the start: at the end of the month before; at the end: in the month.
        active = "sides.previous_value > 0" if figure == "start" else "sides.value > 0"
        sql = f"""
            SELECT c.external_id, c.segment, sides.value, sides.previous_value, {REASON}
            FROM ({sides}) sides JOIN metrics_customer c ON c.id = sides.customer_id {WITH_REASON}
            WHERE {active} {segment_filter}
        """
        return CustomerLines(sql, {**params, "first": month - window})
    # Customers active in both months are many and not stored: they are read the same way.
    comparisons: dict[str, str] = {Movement.INCREASED: ">", Movement.DECREASED: "<", Movement.STABLE: "="}
    comparison = comparisons.get(figure)
    if comparison is None:
        raise ValueError(f"unknown figure {figure!r}")
    sql = f"""
        SELECT c.external_id, c.segment, sides.value, sides.previous_value, {REASON}
        FROM ({sides}) sides JOIN metrics_customer c ON c.id = sides.customer_id {WITH_REASON}
        WHERE sides.value > 0 AND sides.previous_value > 0 AND sides.value {comparison} sides.previous_value
              {segment_filter}
    """
    return CustomerLines(sql, {**params, "first": month - window})


class CustomerLines:
    """A list of CustomerLine in customer-key order, counted and sliced by the database.

    Raw SQL because the lists of "start", "active" and "stable" read a derived table (each customer's
    value on both sides of the month, summed from activity rows with CASE) joined to customers and their
    reasons, and the drill-down counts, pages and groups it by reason as a subquery: the ORM cannot select
    from a derived table, and one SQL text for every figure keeps the lists of stored movements alike.
    """

    def __init__(self, sql: str, params: dict):
        self.sql, self.params = sql, params

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) AS lines", self.params)
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start = index.start or 0
        if index.stop is None:
            return list(self)[start:]
        return self._fetch(f"ORDER BY 1 LIMIT {int(index.stop) - int(start)} OFFSET {int(start)}")

    def __iter__(self):
        return iter(self._fetch("ORDER BY 1"))

    def by_reason(self, value_change: str, *, top: int | None) -> list[dict]:
        """The `top` reasons (every one, with None) of the list by customers (then by the size of their value
        change), each with its customers and the sum of `value_change`, an expression of the columns value and
        previous_value."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT COALESCE(lines.reason, %(unknown)s) AS why, COUNT(*), SUM({value_change})
                FROM ({self.sql}) AS lines GROUP BY why
                ORDER BY COUNT(*) DESC, ABS(SUM({value_change})) DESC, why {"" if top is None else f"LIMIT {int(top)}"}
                """,
                {**self.params, "unknown": UNKNOWN_REASON},
            )
            return [{"reason": why, "customers": count, "value": int(value)} for why, count, value in cursor]

    def _fetch(self, tail: str) -> list[CustomerLine]:
        with connection.cursor() as cursor:
            cursor.execute(f"{self.sql} {tail}", self.params)
            return [
                CustomerLine(key, segment, int(value), int(previous), reason)
                for key, segment, value, previous, reason in cursor
            ]


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


def imports_under_way(organization: Organization) -> bool:
    """Whether an import of the organization is queued or running."""
    return (
        ActivityImport.objects.for_organization(organization)
        .filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        .exists()
    )


def last_import_finished_at(organization: Organization):
    """When the organization's last import finished, or None."""
    return ActivityImport.objects.for_organization(organization).aggregate(last=Max("finished_at"))["last"]


def months_imported_since(organization: Organization, since) -> list[int] | None:
    """The months named by the activity imports that succeeded after `since` (every one, when None); None when
    no such import exists."""
    activity = ActivityImport.objects.for_organization(organization).succeeded().filter(kind=ImportKind.ACTIVITY)
    if since is not None:
        activity = activity.filter(finished_at__gt=since)
    if not activity.exists():
        return None
    return [parse_month_label(label) for row in activity.values_list("months", flat=True) for label in row]


@dataclass(frozen=True)
class CustomerHistory:
    """One customer's value month by month up to a month, and how it moved in that month."""

    customer: str
    segment: str
    values: list[tuple[int, int]]  # (month, value) oldest first, value in ten-thousandths
    movement: str | None  # a Movement value, or None when the customer was inactive in both months


# Months a customer's history shows: a year, and the month before it for the first change.
HISTORY_MONTHS = 13


def customer_history(
    organization: Organization, customer: str, month: int, *, months: int = HISTORY_MONTHS
) -> CustomerHistory | None:
    """The value of the customer of key `customer` (summed over the computed activity window, as every figure)
    in each of the `months` months up to `month`, and its movement in `month`; None when no such customer."""
    found = Customer.objects.for_organization(organization).filter(external_id=customer).first()
    if found is None:
        return None
    window: int = getattr(dataset(organization), "computed_window", None) or organization.activity_window
    first = month - months + 1
    revenue = dict(
        CustomerActivity.objects.for_organization(organization)
        .filter(customer=found, month__gt=first - window, month__lte=month)
        .values_list("month", "revenue")
    )
    values = [(m, sum(revenue.get(k, 0) for k in range(m - window + 1, m + 1))) for m in range(first, month + 1)]
    stored = (
        CustomerMovement.objects.for_organization(organization)
        .filter(customer=found, month=month)
        .values_list("movement", flat=True)
        .first()
    )
    value, previous = values[-1][1], values[-2][1] if len(values) > 1 else 0
    if stored is None and value > 0 and previous > 0:
        stored = Movement.INCREASED if value > previous else Movement.DECREASED if value < previous else Movement.STABLE
    return CustomerHistory(customer=found.external_id, segment=found.segment, values=values, movement=stored)
