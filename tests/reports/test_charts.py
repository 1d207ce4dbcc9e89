"""The report's charts placed from a snapshot's figures: the bridge's waterfalls, the trend, and the bars
of lost customers by reason."""

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
    assert len(second.label) <= 22
    assert second.title == f"{long_reason}: 2 customers"
