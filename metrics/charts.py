"""The customer dashboard's charts: the movements' names, figures and tooltips, placed by the portal's one chart
geometry (cco_portal.charts.geometry) and drawn by templates/charts/. Figures stay in stored units (whole
customers, REVENUE_SCALE revenue) until a label is written.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

from cco_portal.charts import geometry
from cco_portal.charts.geometry import Chart

from .models import MonthlyMovement, to_amount
from .months import month_start

# Movements that add to the customer asset are drawn above the zero line, those that take from it below.
GAINS = ("new", "reactivated", "increased")
LOSSES = ("lost", "decreased")
LABELS = {
    "start": "Start",
    "new": "New",
    "reactivated": "Reactivated",
    "lost": "Lost",
    "increased": "Increased",
    "decreased": "Decreased",
    "end": "End",
}
# Under the narrow bars of the value bridge; the figures above the chart carry the full names.
SHORT_LABELS = {**LABELS, "reactivated": "React.", "increased": "Incr.", "decreased": "Decr."}


def compact(number: int, *, is_money: bool) -> str:
    """A short axis or bar label: 1,234 customers; 12.5k or 1.2M of money."""
    amount = to_amount(number) if is_money else Decimal(number)
    size = abs(amount)
    sign = "-" if amount < 0 else ""
    if not is_money or size < 1000:
        return f"{sign}{size:,.0f}"
    for divisor, suffix in ((Decimal(1_000_000_000), "bn"), (Decimal(1_000_000), "M"), (Decimal(1000), "k")):
        if size >= divisor:
            scaled = size / divisor
            digits = 0 if scaled >= 100 else 1
            return f"{sign}{scaled:,.{digits}f}{suffix}".replace(".0" + suffix, suffix)
    return f"{sign}{size:,.0f}"


def trend_chart(rows: Sequence[MonthlyMovement], *, measure: str, width: int = 720) -> Chart:
    """Month by month, the gains stacked above zero and the losses below: counts of customers
    (measure "count") or their value ("value"); `width` narrower for a phone, which names fewer months."""
    is_money = measure == "value"
    columns = [
        geometry.Column(
            month_start(row.month),
            _segments(row, GAINS, measure=measure, sign=1),
            _segments(row, LOSSES, measure=measure, sign=-1),
        )
        for row in rows
    ]
    return geometry.stacked_columns(columns, tick_label=lambda n: compact(n, is_money=is_money), width=width)


def period_trend_chart(rows: Sequence, *, measure: str, width: int = 720) -> Chart:
    """trend_chart for the bridges of quarters or years (metrics.periods.PeriodBridge): each column named by its
    period (Q1 with its year under the first quarter of each year shown; a year by itself)."""
    is_money = measure == "value"
    columns = [
        geometry.Column(
            month_start(row.first_month),
            _segments(row, GAINS, measure=measure, sign=1, name=row.name),
            _segments(row, LOSSES, measure=measure, sign=-1, name=row.name),
        )
        for row in rows
    ]
    chart = geometry.stacked_columns(columns, tick_label=lambda n: compact(n, is_money=is_money), width=width)
    slot = (chart.right - chart.left) / max(len(rows), 1)
    labels, years_named = [], set()
    for index, row in enumerate(rows):
        center = chart.left + (index + 0.5) * slot
        if row.length == 12:
            labels.append(geometry.AxisLabel(center, str(row.period)))
            continue
        year = row.period // 4
        labels.append(geometry.AxisLabel(center, f"Q{row.period % 4 + 1}", "" if year in years_named else str(year)))
        years_named.add(year)
    chart.labels = labels
    return chart


def _segments(
    row: MonthlyMovement, kinds: Sequence[str], *, measure: str, sign: int, name: str | None = None
) -> list[geometry.Segment]:
    """The parts of a month's (or a period's) column, each with its tooltip: "March 2024: 12 new"."""
    month = name or date_format(month_start(row.month), "F Y")
    segments = []
    for kind in kinds:
        size = abs(getattr(row, f"{kind}_{measure}"))
        segments.append(geometry.Segment(kind, size, f"{month}: {_figure(sign * size, kind, measure == 'value')}"))
    return segments


def _figure(number: int, name: str, is_money: bool) -> str:
    if is_money:
        return f"{LABELS[name].lower()} {to_amount(number):,}"
    return f"{abs(number):,} {LABELS[name].lower()}"


def waterfall(steps: Sequence[tuple[str, int]], *, is_money: bool) -> Chart:
    """A bridge from the first step (a total) to the last (a total) through the changes between them."""
    names = SHORT_LABELS if len(steps) > 5 else LABELS
    placed = []
    for index, (name, number) in enumerate(steps):
        label = compact(number, is_money=is_money)
        if 0 < index < len(steps) - 1 and number > 0:
            label = "+" + label
        placed.append(geometry.Step(number, label, names[name], f"{LABELS[name]}: {label}"))
    return geometry.waterfall(placed)


@dataclass(frozen=True)
class BridgeFigure:
    figure: str  # what the drill-down lists: a movement, "start" or "active"
    label: str
    count: int
    value: int
    is_change: bool


def bridge_figures(bridge) -> list[BridgeFigure]:
    """The figures of a month's bridge in reading order: start, the five movements, stable, end."""
    row = bridge.row
    movements = [
        BridgeFigure(name, LABELS[name], getattr(row, f"{name}_count"), getattr(row, f"{name}_value"), True)
        for name in ("new", "reactivated", "lost", "increased", "decreased")
    ]
    return [
        BridgeFigure("start", "Start", bridge.start_count, bridge.start_value, False),
        *movements,
        BridgeFigure("stable", "Stable", row.stable_count, 0, True),
        BridgeFigure("active", "End", bridge.end_count, bridge.end_value, False),
    ]


def bridge_waterfalls(bridge) -> tuple[Chart, Chart]:
    """The bridge of customers (start, new, reactivated, lost, end) and of value (all five movements)."""
    row = bridge.row
    counts = waterfall(
        [
            ("start", bridge.start_count),
            ("new", row.new_count),
            ("reactivated", row.reactivated_count),
            ("lost", -row.lost_count),
            ("end", bridge.end_count),
        ],
        is_money=False,
    )
    values = waterfall(
        [
            ("start", bridge.start_value),
            *(
                (name, getattr(row, f"{name}_value"))
                for name in ("new", "reactivated", "lost", "increased", "decreased")
            ),
            ("end", bridge.end_value),
        ],
        is_money=True,
    )
    return counts, values
