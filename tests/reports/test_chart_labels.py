"""No two labels of a chart print on top of each other, in the report's SVG (page and PDF) and in the customer
dashboard's: read back from the drawn SVG, each label's box is its position, its font size and its text at
DejaVu Sans' widths."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string

from metrics.charts import trend_chart
from metrics.months import month_label
from reports.charts import bridge_waterfalls, reason_chart, trend_charts, trend_rows

# DejaVu Sans, the pages' and the PDF's face on Debian, in em: its digits are 0.64 (0.7 bold), its lower case
# about 0.6, its capitals about 0.7 to 0.86. Wider than a label's real glyphs on average, never much narrower.
EM_PER_CHARACTER = 0.66
TEXT = re.compile(r"<text (?P<attributes>[^>]*)>(?P<text>[^<]*)</text>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def label_boxes(svg: str, *, default_size: float = 12) -> list[tuple[str, float, float, float, float]]:
    """(text, left, right, top, bottom) of every label of an SVG, as a browser places it."""
    boxes = []
    for match in TEXT.finditer(svg):
        attributes = dict(ATTRIBUTE.findall(match["attributes"]))
        text = match["text"].strip()
        size = float(attributes.get("font-size", default_size))
        width = len(text) * size * EM_PER_CHARACTER
        x = float(attributes["x"]) + float(attributes.get("dx", 0))
        left = {"middle": x - width / 2, "end": x - width}.get(attributes.get("text-anchor"), x)
        baseline = float(attributes["y"]) + float(attributes.get("dy", 0))
        boxes.append((text, left, left + width, baseline - size * 0.76, baseline + size * 0.24))
    return boxes


def overlaps(boxes) -> list[tuple[str, str]]:
    return [
        (one[0], other[0])
        for index, one in enumerate(boxes)
        for other in boxes[index + 1 :]
        if one[1] < other[2] and other[1] < one[2] and one[3] < other[4] and other[3] < one[4]
    ]


def trend(first: date, months: int) -> list[dict]:
    """A snapshot's trend of `months` months from `first`, with some movement in each."""
    rows = []
    for index in range(months):
        movement = {"count": 3 + index % 5, "value": f"{120 + index * 7}.50"}
        rows.append(
            {
                "month": month_label(first.year * 12 + first.month - 1 + index),
                **dict.fromkeys(("new", "reactivated", "increased"), movement),
                **{name: {"count": -2, "value": "-80.00"} for name in ("lost", "decreased")},
            }
        )
    return rows


@pytest.mark.parametrize("first", [date(2023, 12, 1), date(2023, 11, 1), date(2024, 1, 1), date(2024, 6, 1)])
@pytest.mark.parametrize("width", [720, 360])
def test_the_trend_labels_never_touch_and_the_reported_month_is_labelled(first, width):
    """Given 24 months starting in any month (December right before January's year printed "20232024"),
    when the trend is drawn as the report and the dashboard draw it, wide or narrow, then no two of its labels
    overlap, every label is inside the chart, and the last month, the month reported, has its name."""
    rows = trend(first, 24)
    counts, values = trend_charts(rows)
    narrow = trend_chart(trend_rows(rows), measure="count", width=width)

    for chart in (counts, values, narrow):
        boxes = label_boxes(render_to_string("charts/trend.html", {"chart": chart, "chart_id": "t", "title": "T"}))
        assert overlaps(boxes) == []
        assert all(left >= 0 and right <= chart.width for _, left, right, _, _ in boxes)
        last_bar = chart.bars[-1]
        assert last_bar.x < chart.labels[-1].x < last_bar.x + last_bar.width


def test_the_bridge_and_reasons_labels_never_touch():
    """Given a month whose movements are all about as large (bar labels at one height), when the bridge's
    waterfalls and the reasons are drawn, then no two of their labels overlap."""
    bridge = {
        "start": {"count": 12_345, "value": "999999.00"},
        "end": {"count": 12_346, "value": "999999.00"},
        "classes": {
            name: {
                "count": 12_345 if name != "lost" else 12_344,
                "value": "-99999.00" if name in ("lost", "decreased") else "99999.00",
            }
            for name in ("new", "reactivated", "lost", "increased", "decreased", "stable")
        },
    }
    counts, values = bridge_waterfalls(bridge)
    reasons = reason_chart([{"reason": "A reason long enough to be cut short", "customers": 12_345}])

    for chart in (counts, values):
        svg = render_to_string("charts/waterfall.html", {"chart": chart, "chart_id": "w", "title": "W"})
        assert overlaps(label_boxes(svg)) == []
    svg = render_to_string("charts/bars.html", {"chart": reasons, "chart_id": "r", "title": "R"})
    assert overlaps(label_boxes(svg)) == []
