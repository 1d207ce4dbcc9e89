"""The customer-asset bridge by quarter and by year, read set-based from the stored activity.

PRODUCT.md's rules with periods of L = 3 or 12 calendar months in place of months (L = 1 is the monthly
bridge, and gives the same figures):

- value(c, P) is c's revenue over the max(W, L) months ending with P's last month, or with the last month
  with data while P is still open ("to date"); W is the activity window;
- c is active in P when value(c, P) > 0;
- each customer active in P or in the period before falls in one class: new (active in P, never active in
  an earlier period), reactivated (active in P, not in the period before, active in some earlier one),
  lost, increased, decreased or stable, with the same value changes as the monthly classes.

Periods are numbered like months (month // L: year * 4 + quarter - 1 for quarters, the year for years),
and run from the period of the organization's first month with data to that of its last.

Nothing is stored: the periods are few, and each figure is one pass over the activity, so the figures are
always those of the current data. Raw SQL for the same reasons as movements.py (a join of the activity with
the periods' ranges, window functions over each customer's periods), and one text for PostgreSQL and SQLite.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef
from django.utils.translation import gettext

from cco_portal.organizations.models import Organization

from .models import ALL_SEGMENTS, Customer, CustomerActivity, Dataset, to_amount
from .months import month_label, parse_month_label
from .selectors import CustomerLines

MONTH, QUARTER, YEAR = "month", "quarter", "year"
LENGTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}
CLASSES = ("new", "reactivated", "lost", "increased", "decreased", "stable")


class IdentityViolation(Exception):
    """The movements of a period do not add up."""


def period_of(month: int, length: int) -> int:
    return month // length


def first_month(period: int, length: int) -> int:
    return period * length


def last_month(period: int, length: int) -> int:
    return period * length + length - 1


def period_label(period: int, length: int) -> str:
    """How addresses, the API and CSV files write a period: 2024-03, 2024-Q1, 2024."""
    if length == 1:
        return month_label(period)
    if length == 3:
        return f"{period // 4:04d}-Q{period % 4 + 1}"
    return f"{period:04d}"


def parse_period_label(label: str, length: int) -> int:
    """The period written as period_label writes it; ValueError otherwise."""
    if length == 1:
        return parse_month_label(label)
    if length == 3:
        year, _, quarter = label.partition("-Q")
        if len(quarter) != 1 or quarter not in "1234":
            raise ValueError(f"{label!r} is not a quarter in the form YYYY-Qn")
        return parse_month_label(f"{year}-01") // 3 + int(quarter) - 1
    return parse_month_label(f"{label}-01") // 12


def period_name(period: int, length: int) -> str:
    """A period as people say it: Q1 2024, 2024 (a month is left to the month's own name)."""
    if length == 3:
        return gettext("Q%(quarter)s %(year)s") % {"quarter": period % 4 + 1, "year": period // 4}
    if length == 12:
        return str(period)
    return period_label(period, length)


# Parameters: organization, length, span (max(W, L)), first_period, last_period, last_month (of the data).
# Each activity row is summed into every period whose span of months ending with the period's end (its
# last month, or the data's last month while it is open) holds it; the period before's value comes from
# the same sums shifted by one period, so a customer with nothing in a period is valued 0 there.
CLASSIFIED = """
WITH RECURSIVE periods(p) AS (
    SELECT %(first_period)s UNION ALL SELECT p + 1 FROM periods WHERE p < %(last_period)s
),
ends AS (
    SELECT p, CASE WHEN p * %(length)s + %(length)s - 1 < %(last_month)s
                   THEN p * %(length)s + %(length)s - 1 ELSE %(last_month)s END AS end_month
    FROM periods
),
valued AS (
    SELECT a.customer_id, e.p, CAST(SUM(a.revenue) AS BIGINT) AS v
    FROM metrics_customeractivity a JOIN ends e ON a.month <= e.end_month AND a.month > e.end_month - %(span)s
    WHERE a.organization_id = %(organization)s
    GROUP BY a.customer_id, e.p
),
sides AS (
    SELECT customer_id, p, CAST(SUM(v) AS BIGINT) AS v, CAST(SUM(pv) AS BIGINT) AS pv
    FROM (
        SELECT customer_id, p, v, 0 AS pv FROM valued
        UNION ALL
        SELECT customer_id, p + 1, 0, v FROM valued WHERE p < %(last_period)s
    ) shifted
    GROUP BY customer_id, p
),
histories AS (
    SELECT customer_id, p, v, pv,
           COALESCE(MAX(CASE WHEN v > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY customer_id ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ), 0) AS was_active
    FROM sides
),
classified AS (
    SELECT customer_id, p, v, pv,
           CASE
               WHEN v > 0 AND pv <= 0 AND was_active = 0 THEN 'new'
               WHEN v > 0 AND pv <= 0 THEN 'reactivated'
               WHEN v <= 0 AND pv > 0 THEN 'lost'
               WHEN v > pv THEN 'increased'
               WHEN v < pv THEN 'decreased'
               ELSE 'stable'
           END AS movement
    FROM histories
    WHERE v > 0 OR pv > 0
)
"""

AGGREGATE_SQL = (
    CLASSIFIED
    + """
SELECT k.p, c.segment, k.movement, COUNT(*),
       SUM(CASE k.movement WHEN 'new' THEN k.v WHEN 'reactivated' THEN k.v WHEN 'lost' THEN -k.pv
                           ELSE k.v - k.pv END),
       SUM(CASE WHEN k.v > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN k.v > 0 THEN k.v ELSE 0 END),
       SUM(CASE WHEN k.pv > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN k.pv > 0 THEN k.pv ELSE 0 END)
FROM classified k JOIN metrics_customer c ON c.id = k.customer_id
GROUP BY k.p, c.segment, k.movement
"""
)


@dataclass
class PeriodBridge:
    """One period's bridge of one segment (or of all): the customers active at the end of the period before and
    their value (start), each class's customers and value change, and the end. Shaped like a stored monthly
    row (`*_count`, `*_value`, `active_count`, `active_value`) so the dashboard's charts draw it alike."""

    period: int
    length: int
    is_open: bool
    start_count: int = 0
    start_value: int = 0
    active_count: int = 0
    active_value: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))

    def __getattr__(self, name: str) -> int:
        kind, _, measure = name.rpartition("_")
        if kind in CLASSES and measure in {"count", "value"}:
            return (self.counts if measure == "count" else self.values)[kind]
        raise AttributeError(name)

    @property
    def label(self) -> str:
        return period_label(self.period, self.length)

    @property
    def name(self) -> str:
        return period_name(self.period, self.length)

    @property
    def first_month(self) -> int:
        return first_month(self.period, self.length)

    @property
    def last_month(self) -> int:
        return last_month(self.period, self.length)

    # The dashboard reads a bridge's end and its row under these names.
    @property
    def end_count(self) -> int:
        return self.active_count

    @property
    def end_value(self) -> int:
        return self.active_value

    @property
    def row(self) -> "PeriodBridge":
        return self


def window(organization: Organization) -> int:
    """The activity window the figures are read with: the one the stored movements were computed with, so that
    the periods and the months shown beside them agree."""
    dataset = Dataset.objects.for_organization(organization).first()
    return getattr(dataset, "computed_window", None) or organization.activity_window


def _bounds(organization: Organization) -> tuple[int | None, int | None]:
    bounds = CustomerActivity.objects.for_organization(organization).aggregate(first=Min("month"), last=Max("month"))
    return bounds["first"], bounds["last"]


def _params(organization: Organization, length: int, first: int, last: int) -> dict:
    return {
        "organization": organization.pk,
        "length": length,
        "span": max(window(organization), length),
        "first_period": period_of(first, length),
        "last_period": period_of(last, length),
        "last_month": last,
    }


def periods(organization: Organization, length: int) -> list[int]:
    """The periods from that of the first month with data to that of the last."""
    first, last = _bounds(organization)
    if first is None or last is None:
        return []
    return list(range(period_of(first, length), period_of(last, length) + 1))


def period_bridges(
    organization: Organization, length: int, *, through: int | None = None
) -> dict[str | None, list[PeriodBridge]]:
    """Every period's bridge, for every customer (key None) and each segment, first period to last. The two
    identities of PRODUCT.md are checked for every period and segment, and the start of each period against
    the end of the one before; IdentityViolation when anything does not add up.

    `through` reads the data as it stood at the end of that month, as if later months had not been imported:
    the period holding it is then "to date" through it (a monthly report's quarter and year so far)."""
    first, last = _bounds(organization)
    if first is None or last is None:
        return {}
    if through is not None:
        if through < first:
            return {}
        last = min(last, through)
    params = _params(organization, length, first, last)
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE_SQL, params)
        rows = cursor.fetchall()
    span = range(params["first_period"], params["last_period"] + 1)
    # Every segment a customer with activity is in, whether or not anyone in it was ever active, as by month.
    segments = sorted(
        set(
            Customer.objects.for_organization(organization)
            .filter(Exists(CustomerActivity.objects.filter(customer=OuterRef("pk"))))
            .values_list("segment", flat=True)
        )
    )
    bridges: dict[str | None, dict[int, PeriodBridge]] = {
        key: {p: PeriodBridge(p, length, is_open=last_month(p, length) > last) for p in span}
        for key in [ALL_SEGMENTS, *segments]
    }
    for p, segment, movement, count, change, end_count, end_value, start_count, start_value in rows:
        for key in (ALL_SEGMENTS, segment):
            bridge = bridges[key][p]
            bridge.counts[movement] += count
            bridge.values[movement] += int(change)
            bridge.active_count += int(end_count)
            bridge.active_value += int(end_value)
            bridge.start_count += int(start_count)
            bridge.start_value += int(start_value)
    result = {key: list(by_period.values()) for key, by_period in bridges.items()}
    for key, series in result.items():
        _check_identities(key, series)
    return result


def _check_identities(segment: str | None, series: list[PeriodBridge]) -> None:
    previous_count, previous_value = 0, 0
    for bridge in series:
        where = f"{'all' if segment is None else segment or 'no segment'} {bridge.label}"
        if (bridge.start_count, bridge.start_value) != (previous_count, previous_value):
            raise IdentityViolation(f"{where}: the start is not the end of the period before")
        gained = bridge.counts["new"] + bridge.counts["reactivated"] - bridge.counts["lost"]
        if bridge.active_count != bridge.start_count + gained:
            raise IdentityViolation(f"{where}: active changed, but not by new + reactivated - lost")
        if bridge.active_value != bridge.start_value + sum(bridge.values.values()):
            raise IdentityViolation(f"{where}: value changed, but not by the sum of the classes' changes")
        previous_count, previous_value = bridge.active_count, bridge.active_value


def period_bridge(
    organization: Organization,
    length: int,
    period: int,
    *,
    segment: str | None = ALL_SEGMENTS,
    through: int | None = None,
) -> PeriodBridge | None:
    """The bridge of one period, or None when the period has no data (or the segment no customer); `through` as
    period_bridges reads it."""
    for bridge in period_bridges(organization, length, through=through).get(segment, []):
        if bridge.period == period:
            return bridge
    return None


def period_table(organization: Organization, length: int, *, segment: str | None = ALL_SEGMENTS) -> list[dict]:
    """The bridge period by period as plain rows, the shape of the API: the period, its months, whether it is
    still open, the customers active at its start and end and their value, and each class's count and value
    change as exact decimals."""
    return [
        {
            "period": bridge.label,
            "first_month": month_label(bridge.first_month),
            "last_month": month_label(bridge.last_month),
            "to_date": bridge.is_open,
            "start": {"count": bridge.start_count, "value": to_amount(bridge.start_value)},
            "active": bridge.active_count,
            "value": to_amount(bridge.active_value),
            **{name: {"count": bridge.counts[name], "value": to_amount(bridge.values[name])} for name in CLASSES},
        }
        for bridge in period_bridges(organization, length).get(segment, [])
    ]


# The reason recorded for the customer in the period's latest month that has one.
PERIOD_REASON = """(
    SELECT r.reason FROM metrics_lostreason r
    WHERE r.customer_id = c.id AND r.month BETWEEN %(period_first)s AND %(period_last)s
    ORDER BY r.month DESC LIMIT 1
)"""


def lost_by_reason(
    organization: Organization, length: int, period: int, *, segment: str | None = ALL_SEGMENTS
) -> list[dict]:
    """The customers lost in a period counted by the reason recorded for them in the period's months, "unknown"
    where none was given; most frequent first."""
    lines = customers_behind_period(organization, length, period, "lost", segment=segment)
    return lines.by_reason("-previous_value", top=None)


def reason_month(length: int, period: int, data_last_month: int) -> int:
    """The month a reason written on a customer of the period is recorded in: the period's last month, or the
    last month with data while the period is open."""
    return min(last_month(period, length), data_last_month)


def data_last_month(organization: Organization) -> int | None:
    return _bounds(organization)[1]


def customers_behind_period(
    organization: Organization, length: int, period: int, figure: str, *, segment: str | None = ALL_SEGMENTS
) -> CustomerLines:
    """The customers behind one figure of a period's bridge, by customer key, with their value in the period and
    the period before: a class, "start" (active at the end of the period before) or "active" (at the end);
    counted and sliced by the database."""
    first, last = _bounds(organization)
    params = {
        **_params(organization, length, first if first is not None else 0, last if last is not None else 0),
        "period": period,
        "figure": figure,
        "segment": segment,
        "period_first": first_month(period, length),
        "period_last": last_month(period, length),
    }
    # Classes of a period depend only on the periods up to it.
    params["last_period"] = min(params["last_period"], period)
    if figure == "start":
        condition = "k.pv > 0"
    elif figure == "active":
        condition = "k.v > 0"
    elif figure in CLASSES:
        condition = "k.movement = %(figure)s"
    else:
        raise ValueError(f"unknown figure {figure!r}")
    if first is None:
        condition = "1 = 0"
    segment_filter = "" if segment is ALL_SEGMENTS else "AND c.segment = %(segment)s"
    sql = f"""
        {CLASSIFIED}
        SELECT c.external_id, c.segment, k.v AS value, k.pv AS previous_value, {PERIOD_REASON} AS reason
        FROM classified k JOIN metrics_customer c ON c.id = k.customer_id
        WHERE k.p = %(period)s AND {condition} {segment_filter}
    """
    return CustomerLines(sql, params)
