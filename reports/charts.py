"""The report's charts, placed from a snapshot's figures and drawn by templates/reports/charts/ as inline SVG.

The waterfalls and the trend are the customer dashboard's own geometry (metrics.charts), so the two pages
draw a month alike; this module turns the snapshot's decimal strings back into the stored units those
functions take, and adds the bars of lost customers by reason. Colours are written into the SVG as
presentation attributes (COLOURS) rather than left to the stylesheet: WeasyPrint draws inline SVG without
the page's CSS, and the PDF must show the colours the page shows.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from metrics import charts as metric_charts
from metrics.months import parse_month_label
from metrics.selectors import REVENUE_SCALE, UNKNOWN_REASON

# The customer dashboard's palette (static/css/metrics.css); every colour has its figure in a table too.
COLOURS = {
    "new": "#2e7d32",
    "reactivated": "#7cb342",
    "increased": "#1f4e79",
    "lost": "#b02a37",
    "decreased": "#e08a2c",
    "total": "#1f4e79",
    "gain": "#2e7d32",
    "loss": "#b02a37",
    "none": "#adb5bd",
    "reason": "#b02a37",
}
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


@dataclass(frozen=True)
class ReasonBar:
    x: float
    y: float
    width: float
    label: str  # the reason, cut to fit; the full text is in the bar's title and the table
    title: str
    customers: int

    @property
    def text_y(self) -> float:
        """The baseline of the reason and the count, level with the bar's middle."""
        return self.y + 13

    @property
    def end(self) -> float:
        return self.x + self.width


@dataclass
class ReasonChart:
    width: int = 460
    height: int = 0
    left: float = 190  # the reasons' labels end here, the bars start here
    right: float = 420  # the longest bar ends here; its count is written after it (reason_chart sets it)
    bar_height: float = 18
    bars: list[ReasonBar] = field(default_factory=list)


REASON_ROW = 28
REASON_FONT = 13
REASON_PADDING = 8  # between a reason and its bar, and between a bar and its count


def _fit(text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` at the reasons' font size."""
    if metric_charts.text_width(text, font_size=REASON_FONT) <= width:
        return text
    while text and metric_charts.text_width(text + "…", font_size=REASON_FONT) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def reason_chart(lost_by_reason: list[dict]) -> ReasonChart:
    """Lost customers by reason as horizontal bars, most frequent first (the snapshot's order). The
    reasons are cut to end before the bars, and the longest bar leaves room for the largest count."""
    chart = ReasonChart(height=max(len(lost_by_reason), 1) * REASON_ROW + 8)
    most = max((row["customers"] for row in lost_by_reason), default=0) or 1
    count_width = metric_charts.text_width(f"{most:,}", font_size=REASON_FONT, bold=True)
    chart.right = chart.width - REASON_PADDING - count_width
    for index, row in enumerate(lost_by_reason):
        reason = "Unknown" if row["reason"] == UNKNOWN_REASON else row["reason"]
        customers = row["customers"]
        chart.bars.append(
            ReasonBar(
                x=chart.left,
                y=4 + index * REASON_ROW,
                width=max((chart.right - chart.left) * customers / most, 1),
                label=_fit(reason, chart.left - REASON_PADDING),
                title=f"{reason}: {customers:,} customer{'s' if customers != 1 else ''}",
                customers=customers,
            )
        )
    return chart
