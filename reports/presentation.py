"""What the report's page, its PDF and its CSV show, read from a stored snapshot and nothing else.

A snapshot's figures are the JSON documented in reports/figures.py; this module only arranges them
(rows of tables, the charts' geometry), so the page, the PDF and the CSV say the same thing and none of
them computes a figure on view.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from . import charts

# The bridge's lines in reading order: the start, the six classes, the end.
BRIDGE_LINES = (
    ("start", "Start of the month"),
    ("new", "New"),
    ("reactivated", "Reactivated"),
    ("lost", "Lost"),
    ("increased", "Increased"),
    ("decreased", "Decreased"),
    ("stable", "Stable"),
    ("end", "End of the month"),
)
CLASSES = ("new", "reactivated", "lost", "increased", "decreased", "stable")


@dataclass(frozen=True)
class BridgeLine:
    figure: str
    label: str
    count: int | None
    value: str | None
    year_ago_count: int | None
    year_ago_value: str | None

    @property
    def is_change(self) -> bool:
        return self.figure not in ("start", "end")

    @property
    def count_change(self) -> int | None:
        """This month's count less the same month's a year earlier."""
        if self.count is None or self.year_ago_count is None:
            return None
        return self.count - self.year_ago_count


def _figure(bridge: dict | None, name: str) -> dict | None:
    if not bridge:
        return None
    return bridge[name] if name in ("start", "end") else bridge["classes"][name]


def bridge_lines(bridge: dict | None, year_ago: dict | None) -> list[BridgeLine]:
    """The month's bridge beside the same month a year earlier (None where that month has no data)."""
    lines = []
    for name, label in BRIDGE_LINES:
        now, then = _figure(bridge, name), _figure(year_ago, name)
        lines.append(
            BridgeLine(
                figure=name,
                label=label,
                count=now["count"] if now else None,
                value=now["value"] if now else None,
                year_ago_count=then["count"] if then else None,
                year_ago_value=then["value"] if then else None,
            )
        )
    return lines


@dataclass(frozen=True)
class ToDateLine:
    figure: str
    label: str
    quarter: dict | None  # {"count", "value"}; None: no data for the quarter
    year: dict | None

    @property
    def is_change(self) -> bool:
        return self.figure not in ("start", "end")

    @property
    def figures(self) -> tuple[dict | None, dict | None]:
        return self.quarter, self.year


@dataclass(frozen=True)
class ToDate:
    """The quarter and the year holding the report's month, so far: their names, months and bridge lines."""

    quarter: dict | None
    year: dict | None
    lines: list[ToDateLine]

    @property
    def periods(self) -> list[dict]:
        """The two columns of the table, quarter first: {"kind", "figures"}; figures None without data."""
        return [{"kind": "quarter", "figures": self.quarter}, {"kind": "year", "figures": self.year}]


def period_title(period: dict) -> str:
    """A snapshot's period as people say it: "Q1 2024" or "2024"."""
    year, _, quarter = period["period"].partition("-Q")
    return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year} if quarter else year


def to_date(figures: dict) -> ToDate | None:
    """The snapshot's quarter and year so far, line by line; None for a report made before they were kept, or
    when neither has data."""
    periods = figures.get("to_date")
    if not periods or not (periods.get("quarter") or periods.get("year")):
        return None
    quarter, year = periods.get("quarter"), periods.get("year")
    start_label, end_label = gettext_lazy("Start of the period"), gettext_lazy("End so far")
    labels = {"start": start_label, "end": end_label}
    return ToDate(
        quarter={**quarter, "title": period_title(quarter)} if quarter else None,
        year={**year, "title": period_title(year)} if year else None,
        lines=[
            ToDateLine(name, labels.get(name, label), _figure(quarter, name), _figure(year, name))
            for name, label in BRIDGE_LINES
        ],
    )


def net_value_change(bridge: dict) -> Decimal:
    """End value less start value: what the month did to the customer asset."""
    return Decimal(bridge["end"]["value"]) - Decimal(bridge["start"]["value"])


@dataclass(frozen=True)
class SegmentRow:
    segment: str  # "" for the customers without a segment
    label: str
    start_count: int
    end_count: int
    end_value: str
    value_change: Decimal
    classes: dict

    @property
    def count_change(self) -> int:
        return self.end_count - self.start_count


def segment_rows(segments: list[dict]) -> list[SegmentRow]:
    return [
        SegmentRow(
            segment=row["segment"],
            label=row.get("label") or row["segment"] or "No segment",
            start_count=row["bridge"]["start"]["count"],
            end_count=row["bridge"]["end"]["count"],
            end_value=row["bridge"]["end"]["value"],
            value_change=net_value_change(row["bridge"]),
            classes=row["bridge"]["classes"],
        )
        for row in segments
    ]


def percent(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


def roadmap_rows(roadmap: list[dict]) -> list[dict]:
    """Each competency with the share of its milestones done, for the progress bar."""
    return [{**row, "percent_done": percent(row["done"], row["total"])} for row in roadmap]


def change(now, before):
    """now - before, or None when either is missing."""
    if now is None or before is None:
        return None
    return now - before


# The classes whose reasons the report shows, in the order of the bridge, with their names in a heading.
REASON_CLASSES = [
    ("new", gettext_lazy("New customers")),
    ("reactivated", gettext_lazy("Reactivated customers")),
    ("increased", gettext_lazy("Customers who bought more")),
    ("decreased", gettext_lazy("Customers who bought less")),
    ("lost", gettext_lazy("Lost customers")),
]


def reasons_by_class(snapshot: dict) -> list[tuple[str, str, list[dict]]]:
    """(class, its name, its top reasons) for each class the snapshot has reasons for, in the bridge's order."""
    return [(name, label, snapshot[name]) for name, label in REASON_CLASSES if snapshot.get(name)]


def report_context(figures: dict) -> dict:
    """Everything the page and the PDF draw from a snapshot's figures."""
    bridge, year_ago = figures.get("bridge"), figures.get("year_ago")
    trend = figures.get("trend") or []
    lost_by_reason = figures.get("lost_by_reason") or []
    readiness, commitment = figures.get("readiness"), figures.get("commitment")
    context = {
        "figures": figures,
        "bridge": bridge,
        "year_ago": year_ago,
        "bridge_lines": bridge_lines(bridge, year_ago),
        "to_date": to_date(figures),
        "trend": trend,
        "segments": segment_rows(figures.get("segments") or []),
        "owners": figures.get("owners") or {},
        "lost_by_reason": lost_by_reason,
        "lost_total": sum(row["customers"] for row in lost_by_reason),
        "reason_chart": charts.reason_chart(lost_by_reason),
        "reasons_by_class": reasons_by_class(figures.get("reasons_by_class") or {}),
        "roadmap": roadmap_rows(figures.get("roadmap") or []),
        "readiness": readiness,
        "readiness_change": readiness and change(readiness.get("percent"), readiness.get("previous_percent")),
        "commitment": commitment,
        "commitment_change": commitment
        and change(commitment.get("leaders_score"), commitment.get("previous_leaders_score")),
    }
    if bridge:
        context["count_waterfall"], context["value_waterfall"] = charts.bridge_waterfalls(bridge)
        context["net_value_change"] = net_value_change(bridge)
        context["active_change"] = bridge["end"]["count"] - bridge["start"]["count"]
    if trend:
        context["count_trend"], context["value_trend"] = charts.trend_charts(trend)
        context["narrow_count_trend"], context["narrow_value_trend"] = charts.trend_charts(
            trend, width=charts.NARROW_TREND
        )
    return context
