"""The geometry of every chart of the portal, drawn by templates/charts/ as inline SVG.

Everything is placed here in the SVG's own units (a viewBox), or in percent of a track, so the pages need
no chart library, no script and no inline style; the templates only write the numbers out. The apps turn
their figures into the numbers and the words placed here (metrics.charts, reports.charts, the roadmap's
timeline, the assessments' bars); the scales, the ticks and the axis labels are the same for all of them.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format


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


# Axis labels are written at AXIS_FONT units (templates/charts/ says the same) and placed so that none
# touches the next: the width of a text is estimated from the advance widths of DejaVu Sans (the PDF's
# font, and as wide as the sans fonts browsers use), rounded up.
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


def fit_text(text: str, width: float, *, font_size: float = AXIS_FONT) -> str:
    """`text` cut with an ellipsis to fit `width` at `font_size`."""
    if text_width(text, font_size=font_size) <= width:
        return text
    while text and text_width(text + "…", font_size=font_size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


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


def round_up(number: int, step: int) -> int:
    return -(-number // step) * step


def month_axis(months: Sequence[date], centers: Sequence[float]) -> list[AxisLabel]:
    """The month names under a row of months, as many as fit side by side: every month, or every 2nd,
    3rd… counted back from the last (the month reported on always has its name). The year is written
    under the first named month of each year, except where it would run into the next year's."""
    if not months:
        return []
    slot = centers[1] - centers[0] if len(centers) > 1 else math.inf
    names = [date_format(month, "M") for month in months]
    widest = max(text_width(name) for name in names) + LABEL_GAP
    every = next((step for step in range(1, len(months) + 1) if step * slot >= widest), len(months))
    shown = [index for index in range(len(months)) if (len(months) - 1 - index) % every == 0]
    years: dict[int, int] = {}
    for index in shown:
        years.setdefault(months[index].year, index)
    # From the last year back: an earlier year's label is dropped when it would touch the later one's.
    kept, right_edge = set(), math.inf
    for year, index in sorted(years.items(), reverse=True):
        half = (text_width(str(year), bold=True) + LABEL_GAP) / 2
        if centers[index] + half <= right_edge:
            kept.add(index)
            right_edge = centers[index] - half
    return [
        AxisLabel(centers[index], names[index], str(months[index].year) if index in kept else "") for index in shown
    ]


@dataclass(frozen=True)
class Segment:
    """One part of a stacked column: its kind (the colour), its size, and what its tooltip says."""

    kind: str
    size: int
    title: str


@dataclass(frozen=True)
class Column:
    month: date
    gains: Sequence[Segment]  # stacked upwards from the zero line
    losses: Sequence[Segment]  # stacked downwards from it


def stacked_columns(columns: Sequence[Column], *, tick_label: Callable[[int], str], width: int = 720) -> Chart:
    """Month by month, the gains stacked above zero and the losses below, on a round scale with its ticks
    (written by `tick_label`) and the months' names under them; `width` narrower for a phone, which names
    fewer months."""
    # Room on the right for half a year's name under the last month, however narrow its slot.
    chart = Chart(width=width, height=250, left=58, right=width - 12, zero=0)
    top_margin, bottom = 10, 212
    highest = max((sum(s.size for s in column.gains) for column in columns), default=0)
    lowest = max((sum(s.size for s in column.losses) for column in columns), default=0)
    step = nice_step(highest + lowest or 1)
    top, floor = round_up(highest, step) or step, round_up(lowest, step)
    scale = (bottom - top_margin) / (top + floor)

    def y(number: float) -> float:
        return top_margin + (top - number) * scale

    chart.zero = y(0)
    chart.ticks = [Tick(y(n), tick_label(n)) for n in range(-floor, top + 1, step)]
    # The tick labels end 6 units before the plot: room for the widest of them (a million customers).
    chart.left = max(chart.left, max(text_width(tick.label) for tick in chart.ticks) + 6 + LABEL_GAP)
    slot = (chart.right - chart.left) / max(len(columns), 1)
    for index, column in enumerate(columns):
        x = chart.left + index * slot + slot * 0.15
        level = 0
        for segment in column.gains:
            if segment.size:
                chart.bars.append(
                    Bar(x, y(level + segment.size), slot * 0.7, segment.size * scale, segment.kind, segment.title)
                )
            level += segment.size
        level = 0
        for segment in column.losses:
            if segment.size:
                chart.bars.append(Bar(x, y(-level), slot * 0.7, segment.size * scale, segment.kind, segment.title))
            level += segment.size
    centers = [chart.left + (i + 0.5) * slot for i in range(len(columns))]
    chart.labels = month_axis([column.month for column in columns], centers)
    return chart


@dataclass(frozen=True)
class Step:
    """One step of a waterfall: its change (or, first and last, its total), the label written above its
    bar, the name under it, and what its tooltip says."""

    number: int
    label: str
    name: str
    title: str


def waterfall(steps: Sequence[Step]) -> Chart:
    """A bridge from the first step (a total) to the last (a total) through the changes between them."""
    chart = Chart(width=420, height=220, left=4, right=416, zero=0)
    top_margin, bottom = 24, 188
    level, levels = 0, []
    for index, step in enumerate(steps):
        is_total = index in (0, len(steps) - 1)
        start, level = (0, step.number) if is_total else (level, level + step.number)
        levels.append((start, level))
    highest = max((max(pair) for pair in levels), default=0) or 1
    scale = (bottom - top_margin) / highest

    def y(number: float) -> float:
        return bottom - number * scale

    chart.zero = bottom
    slot = (chart.right - chart.left) / len(steps)
    for index, (step, (start, end)) in enumerate(zip(steps, levels, strict=True)):
        is_total = index in (0, len(steps) - 1)
        kind = "total" if is_total else ("gain" if step.number > 0 else "loss" if step.number < 0 else "none")
        x = chart.left + index * slot + slot * 0.18
        height = max(abs(end - start) * scale, 1)
        chart.bars.append(Bar(x, y(max(start, end)), slot * 0.64, height, kind, step.title, step.label))
        chart.labels.append(AxisLabel(x + slot * 0.32, step.name))
        if index < len(steps) - 1:
            chart.connectors.append((x + slot * 0.64, x + slot, y(end)))
    return chart


@dataclass(frozen=True)
class HorizontalBar:
    x: float
    y: float
    width: float
    label: str  # cut to fit before the bar; the full text is in the bar's title and the table
    title: str
    figure: int

    @property
    def text_y(self) -> float:
        """The baseline of the label and the figure, level with the bar's middle."""
        return self.y + 13

    @property
    def end(self) -> float:
        return self.x + self.width


@dataclass
class HorizontalBarChart:
    width: int = 460
    height: int = 0
    left: float = 190  # the labels end here, the bars start here
    right: float = 420  # the longest bar ends here; its figure is written after it
    bar_height: float = 18
    kind: str = "reason"
    bars: list[HorizontalBar] = field(default_factory=list)


BAR_ROW = 28
BAR_FONT = 13
BAR_PADDING = 8  # between a label and its bar, and between a bar and its figure


def horizontal_bars(rows: Sequence[tuple[str, int, str]], *, kind: str) -> HorizontalBarChart:
    """(label, figure, title) rows as horizontal bars, in the given order. The labels are cut to end before
    the bars, and the longest bar leaves room for the largest figure."""
    chart = HorizontalBarChart(height=max(len(rows), 1) * BAR_ROW + 8, kind=kind)
    most = max((figure for _, figure, _ in rows), default=0) or 1
    figure_width = text_width(f"{most:,}", font_size=BAR_FONT, bold=True)
    chart.right = chart.width - BAR_PADDING - figure_width
    for index, (label, figure, title) in enumerate(rows):
        chart.bars.append(
            HorizontalBar(
                x=chart.left,
                y=4 + index * BAR_ROW,
                width=max((chart.right - chart.left) * figure / most, 1),
                label=fit_text(label, chart.left - BAR_PADDING, font_size=BAR_FONT),
                title=title,
                figure=figure,
            )
        )
    return chart


def percent_width(share: float | None) -> str:
    """A share from 0 to 1 as the width of a meter's fill in percent of its track, written for SVG."""
    return f"{min(max(share or 0, 0), 1) * 100:.1f}"


def stacked_segments(shares: Sequence[tuple[str, float]]) -> list[tuple[str, str, str]]:
    """Shares of one whole (each from 0 to 1) side by side, as (kind, x, width) in percent of a track."""
    placed, x = [], 0.0
    for kind, share in shares:
        width = percent_width(share)
        placed.append((kind, f"{x:.1f}", width))
        x += float(width)
    return placed


# A month whose start is this close to a track's right end has no room for its name there.
TRACK_LABEL_ROOM = 5


def track_month_labels(months: Sequence[tuple[date, float]]) -> list[AxisLabel]:
    """The names of months placed along a track (month start, percent), each written from its start: the
    year with the first month and where each year begins; a month that starts too near the end, unnamed."""
    return [
        AxisLabel(left, date_format(month, "M"), str(month.year) if index == 0 or month.month == 1 else "")
        for index, (month, left) in enumerate(months)
        if left < 100 - TRACK_LABEL_ROOM
    ]


def date_scale(start: date, end: date) -> Callable[[date], float]:
    """Where a day falls between `start` and `end`, in percent of a track (days outside at its ends)."""
    span = max((end - start).days, 1)

    def position(day: date) -> float:
        return round(100 * (min(max(day, start), end) - start).days / span, 2)

    return position
