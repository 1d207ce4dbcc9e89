"""The shared geometry's own scales (the trend's and the waterfall's are tested with the report's charts in
tests/reports/test_charts.py and test_chart_labels.py)."""

from datetime import date

from cco_portal.charts.geometry import date_scale, nice_step, percent_width, stacked_segments, track_month_labels


def test_a_date_scale_places_days_in_percent_and_keeps_outliers_at_the_ends():
    position = date_scale(date(2024, 1, 1), date(2024, 1, 11))

    assert position(date(2024, 1, 1)) == 0
    assert position(date(2024, 1, 6)) == 50
    assert position(date(2023, 6, 1)) == 0
    assert position(date(2030, 1, 1)) == 100


def test_a_meter_is_filled_by_its_share_within_its_track():
    assert percent_width(0.734) == "73.4"
    assert percent_width(None) == "0.0"
    assert percent_width(1.2) == "100.0"


def test_stacked_shares_follow_each_other():
    """Seven YES of ten then three NO: the NO part starts where the YES part ends."""
    assert stacked_segments([("yes", 0.7), ("no", 0.3)]) == [("yes", "0.0", "70.0"), ("no", "70.0", "30.0")]


def test_a_scale_steps_in_round_numbers():
    assert [nice_step(span) for span in (0, 3, 8, 37, 1000, 12_345)] == [1, 1, 2, 10, 250, 5000]


def test_a_track_names_its_months_with_the_year_where_each_year_begins():
    """Months from November: November carries its year as the first, January the next year's; a month that
    starts in the track's last 5% has no room for its name and goes unnamed."""
    months = [(date(2026, 11, 1), 0), (date(2026, 12, 1), 30), (date(2027, 1, 1), 60), (date(2027, 2, 1), 96)]

    labels = track_month_labels(months)

    assert [(label.x, label.text, label.year) for label in labels] == [
        (0, "Nov", "2026"),
        (30, "Dec", ""),
        (60, "Jan", "2027"),
    ]
