"""The report's charts, placed from a snapshot's figures and drawn by templates/charts/ as inline SVG, with
the palette of cco_portal.charts.palette, on the page and in the PDF alike.

The waterfalls and the trend are the customer dashboard's own (metrics.charts), so the two pages draw a
month alike; this module turns the snapshot's decimal strings back into the stored units those functions
take, and adds the bars of lost customers by reason.
"""

from decimal import Decimal
from types import SimpleNamespace

from django.utils.formats import date_format

from cco_portal.charts import geometry
from metrics import charts as metric_charts
from metrics.months import month_start, parse_month_label
from metrics.selectors import REVENUE_SCALE, UNKNOWN_REASON

MOVEMENTS = ("new", "reactivated", "lost", "increased", "decreased")


def units(amount: str | Decimal | None) -> int:
    """A snapshot's decimal string as stored revenue units (metrics.models.REVENUE_SCALE)."""
    return int(Decimal(amount or 0) * REVENUE_SCALE)


def bridge_waterfalls(bridge: dict) -> tuple[metric_charts.Chart, metric_charts.Chart]:
    """The month's bridge in customers (start, new, reactivated, lost, end) and in value (all five movements)."""
    classes = bridge["classes"]
    counts = metric_charts.waterfall(
        [
            ("start", bridge["start"]["count"]),
            ("new", classes["new"]["count"]),
            ("reactivated", classes["reactivated"]["count"]),
            ("lost", -abs(classes["lost"]["count"])),
            ("end", bridge["end"]["count"]),
        ],
        is_money=False,
    )
    values = metric_charts.waterfall(
        [
            ("start", units(bridge["start"]["value"])),
            *((name, units(classes[name]["value"])) for name in MOVEMENTS),
            ("end", units(bridge["end"]["value"])),
        ],
        is_money=True,
    )
    return counts, values


def trend_rows(trend: list[dict]) -> list[SimpleNamespace]:
    """The snapshot's trend rows in the shape metrics.charts.trend_chart reads (a MonthlyMovement's)."""
    return [
        SimpleNamespace(
            month=parse_month_label(row["month"]),
            **{f"{name}_count": row[name]["count"] for name in MOVEMENTS},
            **{f"{name}_value": units(row[name]["value"]) for name in MOVEMENTS},
        )
        for row in trend
    ]


# A phone's width in the trend's units: drawn at about its own size there, with fewer month names that it can
# still read, where the wide chart would shrink its text to half.
NARROW_TREND = 360


def trend_charts(trend: list[dict], *, width: int = 720) -> tuple[metric_charts.Chart, metric_charts.Chart]:
    """The months of the trend in customers and in value: gains stacked above the zero line, losses below."""
    rows = trend_rows(trend)
    return (
        metric_charts.trend_chart(rows, measure="count", width=width),
        metric_charts.trend_chart(rows, measure="value", width=width),
    )


def reason_chart(lost_by_reason: list[dict]) -> geometry.HorizontalBarChart:
    """Lost customers by reason as horizontal bars, most frequent first (the snapshot's order). The
    reasons are cut to end before the bars, and the longest bar leaves room for the largest count."""
    rows = []
    for row in lost_by_reason:
        reason = "Unknown" if row["reason"] == UNKNOWN_REASON else row["reason"]
        customers = row["customers"]
        rows.append((reason, customers, f"{reason}: {customers:,} customer{'s' if customers != 1 else ''}"))
    return geometry.horizontal_bars(rows, kind="reason")


def story_chart(history: list[list], *, width: int = 360) -> geometry.Chart:
    """A customer story's value month by month (its [YYYY-MM, units] pairs), as columns from the zero line: a
    refund that leaves a month below zero goes under it."""
    columns = []
    for label, value in history:
        month = month_start(parse_month_label(label))
        title = f"{date_format(month, 'F Y')}: {metric_charts.compact(value, is_money=True)}"
        segment = geometry.Segment("total" if value >= 0 else "loss", abs(value), title)
        columns.append(geometry.Column(month, [segment] if value >= 0 else [], [segment] if value < 0 else []))
    return geometry.stacked_columns(columns, tick_label=lambda n: metric_charts.compact(n, is_money=True), width=width)
