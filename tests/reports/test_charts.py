"""The report's charts placed from a snapshot's figures: the bridge's waterfalls, the trend, and the bars
of lost customers by reason."""

from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string

from cco_portal.charts.geometry import AXIS_FONT, text_width
from metrics.months import month_label, parse_month_label
from reports.charts import bridge_waterfalls, reason_chart, trend_charts, units

BRIDGE = {
    "start": {"count": 10, "value": "1000.00"},
    "end": {"count": 11, "value": "1150.50"},
    "classes": {
        "new": {"count": 3, "value": "300.00"},
        "reactivated": {"count": 1, "value": "50.50"},
        "lost": {"count": 3, "value": "-250.00"},
        "increased": {"count": 2, "value": "100.00"},
        "decreased": {"count": 1, "value": "-50.00"},
        "stable": {"count": 4, "value": "0.00"},
    },
}


def test_the_customer_waterfall_goes_from_start_to_end():
    """The customer bridge has start, new, reactivated, lost and end; the movements float between the
    totals, lost below the level it starts from, and each bar says its figure."""
    counts, _ = bridge_waterfalls(BRIDGE)

    assert [bar.kind for bar in counts.bars] == ["total", "gain", "gain", "loss", "total"]
    assert [bar.label for bar in counts.bars] == ["10", "+3", "+1", "-3", "11"]
    start, new, reactivated, lost, end = counts.bars
    assert new.y + new.height == start.y  # new starts where the start ends
    assert lost.y == reactivated.y  # lost hangs from the level after reactivated
    assert end.y + end.height == counts.zero


def test_the_value_waterfall_has_every_movement_with_compact_labels():
    """The value bridge has all five movements, labelled in compact amounts (the table beside it has the
    exact ones), and the snapshot's decimal strings become the stored units the geometry works in."""
    _, values = bridge_waterfalls(BRIDGE)

    assert [bar.title for bar in values.bars] == [
        "Start: 1k",
        "New: +300",
        "Reactivated: +50",
        "Lost: -250",
        "Increased: +100",
        "Decreased: -50",
        "End: 1.2k",
    ]
    assert units("1150.50") == 11_505_000


def test_the_trend_stacks_gains_above_and_losses_below_zero():
    """Each month of the trend draws its gains above the zero line and its losses below, in customers
    and in value."""
    row = {"month": "2024-03", "active": 11, "value": "1150.50", **BRIDGE["classes"]}

    counts, values = trend_charts([row])

    above = [bar for bar in counts.bars if bar.kind in ("new", "reactivated", "increased")]
    below = [bar for bar in counts.bars if bar.kind in ("lost", "decreased")]
    assert all(bar.y + bar.height <= counts.zero + 0.01 for bar in above)
    assert all(bar.y >= counts.zero - 0.01 for bar in below)
    assert {bar.kind for bar in values.bars} == {"new", "reactivated", "lost", "increased", "decreased"}
    assert counts.labels[0].text == "Mar"


def test_reason_bars_are_proportional_and_long_reasons_are_cut():
    """The most frequent reason has the longest bar, the others in proportion; a long reason is cut with
    an ellipsis on the chart and kept whole in the bar's title."""
    long_reason = "Moved to a competitor after the price rise in spring"

    chart = reason_chart([{"reason": "unknown", "customers": 8}, {"reason": long_reason, "customers": 2}])

    first, second = chart.bars
    assert first.width == chart.right - chart.left
    assert second.width == first.width / 4
    assert first.label == "Unknown"
    assert second.label.endswith("…")
    assert text_width(second.label, font_size=13) <= chart.left - 8
    assert second.title == f"{long_reason}: 2 customers"


def text_boxes(svg: str) -> tuple[float, list[tuple[str, float, float, float, float]]]:
    """The chart's width and the box of each of its texts (text, left, right, top, bottom), from the SVG's
    positions, anchors and font sizes (12 unless given, as templates/charts/ write it)."""
    root = ElementTree.fromstring(svg)
    root = root if root.tag == "svg" else root.find(".//svg")
    boxes = []
    for text in root.iter("text"):
        size = float(text.get("font-size", AXIS_FONT))
        bold = text.get("font-weight") in ("600", "bold") or "chart-year" in text.get("class", "")
        width = text_width(text.text, font_size=size, bold=bold)
        x = float(text.get("x")) + float(text.get("dx", 0))
        y = float(text.get("y")) + float(text.get("dy", 0))
        left = {"middle": x - width / 2, "end": x - width}.get(text.get("text-anchor"), x)
        boxes.append((text.text, left, left + width, y - size * 0.8, y + size * 0.2))
    return float(root.get("viewBox").split()[2]), boxes


def assert_no_text_overlaps(svg: str) -> None:
    width, boxes = text_boxes(svg)
    for index, (text, left, right, top, bottom) in enumerate(boxes):
        assert left >= 0, f"{text!r} starts before the chart, at {left:.1f}"
        assert right <= width, f"{text!r} ends after the chart, at {right:.1f} of {width}"
        for other, other_left, other_right, other_top, other_bottom in boxes[index + 1 :]:
            apart = right <= other_left or other_right <= left or bottom <= other_top or other_bottom <= top
            assert apart, f"{text!r} runs into {other!r}"


def trend(first: str, months: int, size: int = 1) -> list[dict]:
    start = parse_month_label(first)
    figure = {"count": 1234 * size, "value": str(98765 * size)}
    return [
        {"month": month_label(month), "active": 1, "value": "1", **dict.fromkeys(BRIDGE["classes"], figure)}
        for month in range(start, start + months)
    ]


@pytest.mark.parametrize("months", [1, 2, 3, 12, 13, 23, 24, 25, 36, 60])
# Far enough back that 60 months still end before next year (a later month is not one: metrics.months).
@pytest.mark.parametrize("first", ["2019-12", "2020-01", "2020-11"])
def test_no_two_labels_of_a_trend_overlap(months, first):
    """Whatever the number of months and where the years turn (December then January: the "20232024" of
    the issue), no two texts of a trend chart (the report's and the customer dashboard's) touch, and none
    runs out of the chart; the month reported on, the last, is always named."""
    for chart in trend_charts(trend(first, months, size=1000)):
        assert_no_text_overlaps(render_to_string("charts/trend.html", {"chart": chart, "chart_id": "t", "title": "T"}))
        assert chart.labels[-1].x == pytest.approx(chart.right - (chart.right - chart.left) / months / 2)


def test_a_year_is_written_where_each_year_begins():
    """24 months from December 2023: December 2023's year would touch January 2024's, so it is left out;
    2024 and 2025 are written under January."""
    counts, _ = trend_charts(trend("2023-12", 24))

    assert [(label.text, label.year) for label in counts.labels if label.year] == [("Jan", "2024"), ("Jan", "2025")]


@pytest.mark.parametrize("size", [1, 1000])
def test_no_two_labels_of_a_waterfall_or_the_reasons_overlap(size):
    """Bridges of small and very large figures, and reasons long and counted in thousands, keep their texts
    apart and inside the chart."""
    bridge = {
        "start": {"count": 900 * size, "value": str(90000 * size)},
        "end": {"count": 1000 * size, "value": str(99000 * size)},
        "classes": {name: {"count": 99 * size, "value": str(9999 * size)} for name in BRIDGE["classes"]},
    }
    reasons = [
        {"reason": "Moved to a competitor after the price rise in spring", "customers": 12 * size},
        {"reason": "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "customers": 3 * size},
        {"reason": "unknown", "customers": size},
    ]
    for chart in bridge_waterfalls(bridge):
        svg = render_to_string("charts/waterfall.html", {"chart": chart, "chart_id": "w", "title": "W"})
        assert_no_text_overlaps(svg)
    assert_no_text_overlaps(
        render_to_string("charts/bars.html", {"chart": reason_chart(reasons), "chart_id": "r", "title": "R"})
    )
