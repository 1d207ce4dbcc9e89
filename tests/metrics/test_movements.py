"""The customer-asset movements of PRODUCT.md, against hand-computed figures and a naive reference."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.computation import (
    IdentityViolation,
    Plan,
    change_activity_window,
    compute_customer_movements,
    monthly_rows,
    start_sharded_computation,
)
from metrics.models import CustomerMovement, Dataset, MonthlyMovement
from metrics.months import parse_month_label
from metrics.movements import MonthFigures
from metrics.tasks import compute_movements_task
from tests.metrics.activity import HISTORY, load, stored_bridge, units
from tests.metrics.movement_reference import CLASSES, reference_movements

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR, MAY = (parse_month_label(f"2024-0{n}") for n in range(1, 6))


def month(organization, month_index: int, segment=None) -> MonthlyMovement:
    return MonthlyMovement.objects.get(organization=organization, month=month_index, segment=segment)


def test_every_class_on_a_hand_computed_history(organization):
    """Window 1: each month's classes, counts and values are the ones worked out by hand."""
    # given
    load(organization, HISTORY)

    # when
    compute_customer_movements(organization=organization)

    # then
    jan, feb, mar, apr = (month(organization, m) for m in (JAN, FEB, MAR, APR))
    assert (jan.new_count, jan.new_value, jan.active_count, jan.active_value) == (2, units(150), 2, units(150))
    assert (feb.increased_count, feb.increased_value, feb.lost_count, feb.lost_value) == (1, units(50), 1, -units(50))
    assert (feb.active_count, feb.active_value) == (1, units(150))
    assert (mar.stable_count, mar.reactivated_count, mar.reactivated_value) == (1, 1, units(70))
    assert (mar.new_count, mar.new_value, mar.active_count, mar.active_value) == (1, units(20.5), 3, units(240.5))
    assert (apr.decreased_count, apr.decreased_value) == (1, -units(60))
    assert (apr.lost_count, apr.lost_value, apr.active_count, apr.active_value) == (2, -units(90.5), 1, units(90))
    assert not CustomerMovement.objects.filter(customer__external_id="cy").exists()


def test_segments_split_the_same_months(organization):
    """Per segment, the same four months; segments add up to the whole."""
    # given
    load(organization, HISTORY)

    # when
    compute_customer_movements(organization=organization)

    # then
    for m in (JAN, FEB, MAR, APR):
        north, south, whole = month(organization, m, "North"), month(organization, m, "South"), month(organization, m)
        assert north.active_count + south.active_count == whole.active_count
        assert north.lost_value + south.lost_value == whole.lost_value
    assert month(organization, FEB, "South").lost_count == 1
    assert month(organization, MAR, "North").new_count == 1


def test_a_customer_belongs_to_the_segment_of_its_latest_month(organization):
    """Eve moves from North to South in March: her whole history counts in South."""
    # given
    load(organization, [("eve", "2024-01", "10", "North"), ("eve", "2024-03", "10", "South")])

    # when
    compute_customer_movements(organization=organization)

    # then
    assert month(organization, JAN, "South").new_count == 1
    assert not MonthlyMovement.objects.filter(organization=organization, segment="North").exists()


def test_a_refund_that_makes_the_month_negative(organization):
    """Window 1: the refund month is not active, so the customer is lost there; window 3: it only
    lowers the three-month value, a decrease."""
    rows = [("fay", "2024-01", "100", ""), ("fay", "2024-02", "-30", ""), ("gus", "2024-03", "5", "")]

    load(organization, rows, window=1)
    compute_customer_movements(organization=organization)
    feb = month(organization, FEB)
    assert (feb.lost_count, feb.lost_value, feb.active_count) == (1, -units(100), 0)

    load(organization, rows, window=3)
    compute_customer_movements(organization=organization)
    feb = month(organization, FEB)
    assert (feb.decreased_count, feb.decreased_value, feb.active_value) == (1, -units(30), units(70))


def test_a_gap_longer_than_the_window_means_lost_then_reactivated(organization):
    """Window 2: bought in January and May; active January and February, lost in March, back in May."""
    # given
    load(organization, [("hal", "2024-01", "40", ""), ("hal", "2024-05", "60", "")], window=2)

    # when
    compute_customer_movements(organization=organization)

    # then
    assert month(organization, FEB).stable_count == 1
    assert (month(organization, MAR).lost_count, month(organization, MAR).lost_value) == (1, -units(40))
    assert month(organization, APR).active_count == 0
    assert (month(organization, MAY).reactivated_count, month(organization, MAY).reactivated_value) == (1, units(60))


def test_a_retailer_window_of_twelve_months(organization):
    """Window 12: one purchase keeps a customer active for twelve months and lost in the thirteenth."""
    # given
    rows = [("ivy", "2023-01", "80", ""), ("jon", "2024-02", "1", "")]
    load(organization, rows, window=12)

    # when
    compute_customer_movements(organization=organization)

    # then
    assert month(organization, parse_month_label("2023-12")).active_count == 1
    lost_in = MonthlyMovement.objects.get(organization=organization, segment=None, lost_count=1).month
    assert lost_in == parse_month_label("2024-01")


def test_zero_revenue_is_data_but_not_activity(organization):
    """A month with only a zero row extends the months computed, and makes nobody active."""
    # given
    load(organization, [("kim", "2024-01", "10", ""), ("kim", "2024-03", "0", "")])

    # when
    compute_customer_movements(organization=organization)

    # then
    assert MonthlyMovement.objects.filter(organization=organization, segment=None).count() == 3
    assert month(organization, FEB).lost_count == 1
    assert month(organization, MAR).active_count == 0


@pytest.mark.parametrize("window", [1, 3, 12])
def test_the_stored_bridge_equals_the_reference(organization, window):
    """Every class, count and value of every month and segment equals the naive computation."""
    # given
    activity, segments = load(organization, [*HISTORY, ("lee", "2023-06", "12.3456", "West")], window=window)

    # when
    compute_customer_movements(organization=organization)

    # then
    assert stored_bridge(organization) == reference_movements(activity, segments, window)


@pytest.mark.parametrize("shards", [2, 3, 7])
def test_any_number_of_shards_gives_the_same_result(organization, shards):
    """The customers split by id into shards, computed apart and added up, give the single result."""
    # given
    load(organization, HISTORY, window=2)
    compute_customer_movements(organization=organization, shards=1)
    single = stored_bridge(organization)
    single_customers = set(CustomerMovement.objects.values_list("customer_id", "month", "movement"))

    # when
    compute_customer_movements(organization=organization, shards=shards)

    # then
    assert stored_bridge(organization) == single
    assert set(CustomerMovement.objects.values_list("customer_id", "month", "movement")) == single_customers


@pytest.mark.parametrize("shards", [1, 4])
def test_the_task_computes_in_a_chord_of_shards(organization, shards):
    """compute_movements_task with several shards runs one task per shard and a last one that adds them
    up (in-process here; tests/metrics/test_worker.py runs it on a real worker)."""
    activity, segments = load(organization, HISTORY, window=2)
    Dataset.objects.create(organization=organization, version=1)

    compute_movements_task.delay(organization.pk, shards=shards)

    dataset = Dataset.objects.get(organization=organization)
    assert (dataset.computed_version, dataset.computing_since) == (1, None)
    assert stored_bridge(organization) == reference_movements(activity, segments, 2)


def test_a_second_sharded_computation_waits_for_the_first(organization):
    """While one sharded computation holds its mark, a second is not planned; after the lease it is."""
    load(organization, HISTORY)

    first = start_sharded_computation(organization=organization, lease_seconds=60)
    second = start_sharded_computation(organization=organization, lease_seconds=60)
    after_lease = start_sharded_computation(organization=organization, lease_seconds=0)

    assert (first is not None, second, after_lease is not None) == (True, None, True)


def test_figures_that_break_an_identity_are_refused(organization):
    """A month whose classes do not explain the change in active customers stops the computation."""
    broken = MonthFigures()
    broken.counts["new"], broken.active_change = 2, 1
    with pytest.raises(IdentityViolation, match="new \\+ reactivated - lost = 2"):
        monthly_rows(organization, Plan(organization.pk, 1, 1, JAN, JAN, JAN), {("", JAN): broken}, {""})


def test_a_violation_keeps_the_previous_movements(organization, monkeypatch):
    """Nothing of a failed computation is stored: the last good movements stay."""
    # given
    load(organization, HISTORY)
    compute_customer_movements(organization=organization)
    before = stored_bridge(organization)

    def wrong_values(**kwargs):
        from metrics.movements import compute_shard

        figures = compute_shard(**kwargs)
        next(iter(figures.values())).values["new"] += 1
        return figures

    monkeypatch.setattr("metrics.computation.compute_shard", wrong_values)

    # when
    with pytest.raises(IdentityViolation):
        compute_customer_movements(organization=organization)

    # then
    assert stored_bridge(organization) == before


customers = st.sampled_from(["a", "b", "c", "d", "e", "f"])
periods = st.sampled_from(["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-08"])
amounts = st.sampled_from(["0", "10", "25.5", "-10", "-40", "100", "0.0001", "7"])
segments_ = st.sampled_from(["", "North", "South"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(customers, periods, amounts, segments_), min_size=1, max_size=30),
       window=st.integers(min_value=1, max_value=4))  # fmt: skip
def test_random_histories_match_the_reference_and_keep_both_identities(organization, rows, window):
    """On random histories with refunds, zeros, gaps and segment changes: the reference's figures, and
    active(M) = active(M-1) + new + reactivated - lost, value(M) = value(M-1) + the value changes."""
    activity, segments = load(organization, rows, window=window)

    compute_customer_movements(organization=organization)

    result = stored_bridge(organization)
    assert result == reference_movements(activity, segments, window)
    for segment in {segment for segment, _ in result}:
        months = sorted(m for s, m in result if s == segment)
        active = value = 0
        for m in months:
            f = result[(segment, m)]
            assert f["active"] == active + f["new_count"] + f["reactivated_count"] - f["lost_count"]
            assert f["value"] == value + sum(f[f"{c}_value"] for c in CLASSES)
            active, value = f["active"], f["value"]


def test_changing_the_window_recomputes_the_movements(organization, django_capture_on_commit_callbacks):
    """From window 1 to 3, after the commit: the refund month becomes a decrease, and the data version rises."""
    # given
    load(organization, [("fay", "2024-01", "100", ""), ("fay", "2024-02", "-30", "")])
    compute_customer_movements(organization=organization)
    version = Dataset.objects.get(organization=organization).version

    # when
    with django_capture_on_commit_callbacks(execute=True):
        change_activity_window(organization=organization, months=3)

    # then
    feb = month(organization, FEB)
    assert (feb.decreased_count, feb.lost_count) == (1, 0)
    assert Dataset.objects.get(organization=organization).computed_version == version + 1


def test_a_window_out_of_range_is_refused(organization):
    with pytest.raises(ValidationError, match="1 to 36 months"):
        change_activity_window(organization=organization, months=0)
