"""The bridge by quarter and by year (metrics/periods.py) against hand-computed figures, the monthly bridge, and
an independent reference computed on quarters and years (tests/metrics/period_reference.py), on the CDNOW
sample and on random histories."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import periods
from metrics.computation import compute_customer_movements
from metrics.months import parse_month_label
from tests.metrics.activity import HISTORY, load, stored_bridge, units
from tests.metrics.period_reference import CLASSES, reference_period_lines, reference_periods

pytestmark = pytest.mark.django_db

# CDNOW's sample of 2,357 customers' CD purchases from January 1997 to June 1998, as the lifetimes package ships
# it (tests/metrics/data/README.md): customer, its number in the sample, date, CDs bought, dollars.
CDNOW = Path(__file__).parent / "data" / "CDNOW_sample.txt"


def cdnow_rows() -> list[tuple[str, str, str, str]]:
    """The sample as (customer, YYYY-MM, amount, segment) rows, the segment being whether the purchase was of one CD
    or several, so that customers change segment."""
    rows = []
    for line in CDNOW.read_text().splitlines():
        customer, _, day, cds, dollars = line.split()
        rows.append((customer, f"{day[:4]}-{day[4:6]}", dollars, "one CD" if cds == "1" else "several CDs"))
    return rows


def raw(rows) -> list[tuple[str, int, int, int]]:
    """The rows as the reference reads them: calendar year and month, amounts in whole ten-thousandths."""
    return [(customer, int(period[:4]), int(period[5:7]), units(amount)) for customer, period, amount, _ in rows]


def computed(organization, length: int) -> dict:
    """periods.period_bridges in the reference's shape, keyed by calendar (year, index within the year)."""
    per_year = 12 // length
    return {
        (segment, (bridge.period // per_year, bridge.period % per_year)): {
            "start": bridge.start_count,
            "start_value": bridge.start_value,
            "active": bridge.active_count,
            "value": bridge.active_value,
            **{f"{c}_count": bridge.counts[c] for c in CLASSES},
            **{f"{c}_value": bridge.values[c] for c in CLASSES},
        }
        for segment, series in periods.period_bridges(organization, length).items()
        for bridge in series
    }


def assert_identities(result: dict) -> None:
    """opening + gained - lost = closing in customers, opening + the classes' changes = closing in value, and each
    period opens where the one before closed."""
    for segment in {segment for segment, _ in result}:
        active = value = 0
        for key in sorted(key for key in result if key[0] == segment):
            f = result[key]
            assert (f["start"], f["start_value"]) == (active, value)
            assert f["active"] == f["start"] + f["new_count"] + f["reactivated_count"] - f["lost_count"]
            assert f["value"] == f["start_value"] + sum(f[f"{c}_value"] for c in CLASSES)
            active, value = f["active"], f["value"]


def test_labels_read_back():
    for length, label in ((1, "2024-03"), (3, "2024-Q2"), (12, "1998")):
        assert periods.period_label(periods.parse_period_label(label, length), length) == label
    assert periods.parse_period_label("2024-Q1", 3) == parse_month_label("2024-01") // 3
    for length, bad in ((3, "2024-Q5"), (3, "2024-03"), (12, "98"), (3, "2024-Q")):
        with pytest.raises(ValueError, match="not a"):
            periods.parse_period_label(bad, length)


def test_a_hand_computed_quarter_and_an_open_one(organization):
    """Window 1, quarters: Q1 2024 is three customers new; Q2 is open (data to April), so its value is the three
    months to April: Ann 390 (from 400), Bob 70 (from 120), Dee 20.5 unchanged."""
    # given
    load(organization, HISTORY)

    # when
    q1, q2 = periods.period_bridges(organization, 3)[None]

    # then
    assert (q1.name, q1.is_open, q1.counts["new"], q1.values["new"]) == ("Q1 2024", False, 3, units("540.5"))
    assert (q1.start_count, q1.active_count, q1.active_value) == (0, 3, units("540.5"))
    assert (q2.name, q2.is_open, q2.start_count, q2.active_count) == ("Q2 2024", True, 3, 3)
    assert (q2.counts["decreased"], q2.values["decreased"], q2.counts["stable"]) == (2, -units(60), 1)
    assert q2.active_value == units("480.5")
    assert sorted(line.customer for line in periods.customers_behind_period(organization, 3, q2.period, "stable")) == [
        "dee"
    ]


def test_periods_of_one_month_are_the_monthly_bridge(organization):
    """With L = 1 the period rules are the monthly rules: the same figures as the stored monthly bridge."""
    # given
    load(organization, HISTORY, window=2)
    compute_customer_movements(organization=organization)

    # when
    by_period = periods.period_bridges(organization, 1)

    # then
    monthly = stored_bridge(organization)
    for segment, series in by_period.items():
        for bridge in series:
            row = monthly[(segment, bridge.period)]
            assert (bridge.active_count, bridge.active_value) == (row["active"], row["value"])
            assert {c: bridge.counts[c] for c in CLASSES} == {c: row[f"{c}_count"] for c in CLASSES}
            assert {c: bridge.values[c] for c in CLASSES} == {c: row[f"{c}_value"] for c in CLASSES}


@pytest.mark.parametrize(("length", "window"), [(3, 1), (12, 1), (3, 12), (12, 3)])
def test_cdnow_periods_equal_the_reference(organization, length, window):
    """On the CDNOW sample (zero amounts included), every quarter's or year's figures, overall and per segment,
    equal the independent reference exactly, and keep the identities."""
    # given
    rows = cdnow_rows()
    _, segments = load(organization, rows, window=window)

    # when
    result = computed(organization, length)

    # then
    expected = reference_periods(raw(rows), segments, window, length)
    assert len([key for key in expected if key[0] is None]) == {3: 6, 12: 2}[length]
    assert result == expected
    assert_identities(result)


def test_cdnow_quarter_lists_equal_the_reference(organization):
    """The customers behind every figure of Q3 1997, with their values, are the reference's."""
    # given
    rows = cdnow_rows()
    load(organization, rows)
    quarter = periods.parse_period_label("1997-Q3", 3)

    # when
    lines = {
        figure: {line.customer: (line.value, line.previous_value) for line in
                 periods.customers_behind_period(organization, 3, quarter, figure)}
        for figure in (*CLASSES, "start", "active")
    }  # fmt: skip

    # then
    assert lines == reference_period_lines(raw(rows), 1, 3, (1997, 2))
    assert len(lines["lost"]) > 100
    assert len(lines["reactivated"]) > 10
    lost = periods.customers_behind_period(organization, 3, quarter, "lost")
    assert lost.count() == len(lines["lost"])
    assert len(lost[:5]) == 5


customers = st.sampled_from(["a", "b", "c", "d", "e", "f"])
months = st.sampled_from(["2023-11", "2024-01", "2024-02", "2024-03", "2024-05", "2024-07", "2024-12", "2025-02"])
amounts = st.sampled_from(["0", "10", "25.5", "-10", "-40", "100", "0.0001", "7"])
segments_ = st.sampled_from(["", "North", "South"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(customers, months, amounts, segments_), min_size=1, max_size=30),
       window=st.integers(min_value=1, max_value=14), length=st.sampled_from([3, 12]))  # fmt: skip
def test_random_histories_match_the_reference_and_keep_both_identities(organization, rows, window, length):
    """On random histories with refunds, zeros, gaps across quarters and years, and segment changes: the
    reference's figures for every period and segment, and both identities."""
    _, segments = load(organization, rows, window=window)

    result = computed(organization, length)

    assert result == reference_periods(raw(rows), segments, window, length)
    assert_identities(result)


def test_no_data_has_no_periods(organization):
    assert periods.period_bridges(organization, 3) == {}
    assert periods.periods(organization, 12) == []
    assert list(periods.customers_behind_period(organization, 3, 8000, "active")) == []


def test_a_figure_that_breaks_an_identity_is_refused(organization, monkeypatch):
    load(organization, HISTORY)
    broken = periods.AGGREGATE_SQL.replace("ELSE k.v - k.pv END", "ELSE k.v - k.pv + 1 END")
    monkeypatch.setattr(periods, "AGGREGATE_SQL", broken)

    with pytest.raises(periods.IdentityViolation):
        periods.period_bridges(organization, 3)
