"""The geometry of the customer dashboard's charts, drawn by the templates as inline SVG.

Everything is placed here in the SVG's own units (a viewBox), so the pages need no chart library, no
script and no inline style; the templates only write the numbers out. Figures stay in stored units
(whole customers, REVENUE_SCALE revenue) until a label is written.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format

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


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str
    label: str = ""  # written above the bar (waterfalls)

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str
    year: str = ""


# Axis labels are written at AXIS_FONT units (the templates and static/css/metrics.css say the same) and
# placed so that none touches the next: the width of a text is estimated from the advance widths of
# DejaVu Sans (the PDF's font, and as wide as the sans fonts browsers use), rounded up.
AXIS_FONT = 12
LABEL_GAP = 2
_NARROW, _WIDE = set("iljtrfI.,:;' "), set("MWmw")


def text_width(text: str, *, font_size: float = AXIS_FONT, bold: bool = False) -> float:
    """About how wide `text` is written, in the units of its font size; never less than it is."""
    ems = 0.0
    for character in text:
        if character in _NARROW:
            ems += 0.4
        elif character in _WIDE:
            ems += 0.9
        elif character.isdigit():
            ems += 0.64
        elif character.isupper():
            ems += 0.75
        else:
            ems += 0.62
    return ems * font_size * (1.1 if bold else 1)


@dataclass
class Chart:
    width: int
    height: int
    left: float
    right: float
    zero: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[AxisLabel] = field(default_factory=list)
    connectors: list[tuple[float, float, float]] = field(default_factory=list)  # (x1, x2, y)


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


def nice_step(span: float, parts: int = 4) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten, at least 1) that cuts `span` in about `parts`."""
    if span <= 0:
        return 1
    raw = span / parts
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= raw:
            return max(int(multiple * power), 1)
    return max(int(10 * power), 1)


def _round_up(number: int, step: int) -> int:
    return -(-number // step) * step


def trend_chart(rows: Sequence[MonthlyMovement], *, measure: str, width: int = 720) -> Chart:
    """Month by month, the gains stacked above zero and the losses below: counts of customers
    (measure "count") or their value ("value"); `width` narrower for a phone, which names fewer months."""
    is_money = measure == "value"
    # Room on the right for half a year's name under the last month, however narrow its slot.
    chart = Chart(width=width, height=250, left=58, right=width - 12, zero=0)
    top_margin, bottom = 10, 212
    ups = [[abs(getattr(row, f"{name}_{measure}")) for name in GAINS] for row in rows]
    downs = [[abs(getattr(row, f"{name}_{measure}")) for name in LOSSES] for row in rows]
    highest = max((sum(u) for u in ups), default=0)
    lowest = max((sum(d) for d in downs), default=0)
    step = nice_step(highest + lowest or 1)
    top, floor = _round_up(highest, step) or step, _round_up(lowest, step)
    scale = (bottom - top_margin) / (top + floor)

    def y(number: float) -> float:
        return top_margin + (top - number) * scale

    chart.zero = y(0)
    chart.ticks = [Tick(y(n), compact(n, is_money=is_money)) for n in range(-floor, top + 1, step)]
    # The tick labels end 6 units before the plot: room for the widest of them (a million customers).
    chart.left = max(chart.left, max(text_width(tick.label) for tick in chart.ticks) + 6 + LABEL_GAP)
    slot = (chart.right - chart.left) / max(len(rows), 1)
    for index, row in enumerate(rows):
        x = chart.left + index * slot + slot * 0.15
        month = date_format(month_start(row.month), "F Y")
        level = 0
        for name, number in zip(GAINS, ups[index], strict=True):
            if number:
                title = f"{month}: {_figure(number, name, is_money)}"
                chart.bars.append(Bar(x, y(level + number), slot * 0.7, number * scale, name, title))
            level += number
        level = 0
        for name, number in zip(LOSSES, downs[index], strict=True):
            if number:
                title = f"{month}: {_figure(-number, name, is_money)}"
                chart.bars.append(Bar(x, y(-level), slot * 0.7, number * scale, name, title))
            level += number
    chart.labels = month_axis([row.month for row in rows], [chart.left + (i + 0.5) * slot for i in range(len(rows))])
    return chart


def month_axis(months: Sequence[int], centers: Sequence[float]) -> list[AxisLabel]:
    """The month names under a row of months, as many as fit side by side: every month, or every 2nd,
    3rd… counted back from the last (the month reported on always has its name). The year is written
    under the first named month of each year, except where it would run into the next year's."""
    if not months:
        return []
    slot = centers[1] - centers[0] if len(centers) > 1 else math.inf
    names = [date_format(month_start(month), "M") for month in months]
    widest = max(text_width(name) for name in names) + LABEL_GAP
    every = next((step for step in range(1, len(months) + 1) if step * slot >= widest), len(months))
    shown = [index for index in range(len(months)) if (len(months) - 1 - index) % every == 0]
    years = {}
    for index in shown:
        years.setdefault(month_start(months[index]).year, index)
    # From the last year back: an earlier year's label is dropped when it would touch the later one's.
    kept, right_edge = set(), math.inf
    for year, index in sorted(years.items(), reverse=True):
        half = (text_width(str(year), bold=True) + LABEL_GAP) / 2
        if centers[index] + half <= right_edge:
            kept.add(index)
            right_edge = centers[index] - half
    return [
        AxisLabel(centers[index], names[index], str(month_start(months[index]).year) if index in kept else "")
        for index in shown
    ]


def _figure(number: int, name: str, is_money: bool) -> str:
    if is_money:
        return f"{LABELS[name].lower()} {to_amount(number):,}"
    return f"{abs(number):,} {LABELS[name].lower()}"


def waterfall(steps: Sequence[tuple[str, int]], *, is_money: bool) -> Chart:
    """A bridge from the first step (a total) to the last (a total) through the changes between them."""
    chart = Chart(width=420, height=220, left=4, right=416, zero=0)
    top_margin, bottom = 24, 188
    level, levels = 0, []
    for index, (_, number) in enumerate(steps):
        is_total = index in (0, len(steps) - 1)
        start, level = (0, number) if is_total else (level, level + number)
        levels.append((start, level))
    highest = max((max(pair) for pair in levels), default=0) or 1
    scale = (bottom - top_margin) / highest

    def y(number: float) -> float:
        return bottom - number * scale

    chart.zero = bottom
    slot = (chart.right - chart.left) / len(steps)
    for index, ((name, number), (start, end)) in enumerate(zip(steps, levels, strict=True)):
        is_total = index in (0, len(steps) - 1)
        kind = "total" if is_total else ("gain" if number > 0 else "loss" if number < 0 else "none")
        x = chart.left + index * slot + slot * 0.18
        label = compact(number, is_money=is_money)
        if not is_total and number > 0:
            label = "+" + label
        title = f"{LABELS[name]}: {label}"
        height = max(abs(end - start) * scale, 1)
        chart.bars.append(Bar(x, y(max(start, end)), slot * 0.64, height, kind, title, label))
        chart.labels.append(AxisLabel(x + slot * 0.32, (SHORT_LABELS if len(steps) > 5 else LABELS)[name]))
        if index < len(steps) - 1:
            chart.connectors.append((x + slot * 0.64, x + slot, y(end)))
    return chart


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
