"""Reading the stored movements: the bridge, the customers behind each figure, lost customers by reason."""

import pytest

from metrics.computation import compute_customer_movements
from metrics.models import Customer, LostReason
from metrics.months import month_label
from metrics.selectors import bridge, customers_behind, lost_by_reason, months, reasons_by_class, segments
from tests.metrics.activity import HISTORY, load, units
from tests.metrics.movement_reference import reference_lines

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = 2024 * 12, 2024 * 12 + 1, 2024 * 12 + 2, 2024 * 12 + 3


@pytest.fixture
def computed(organization):
    load(organization, HISTORY)
    compute_customer_movements(organization=organization)
    return organization


def test_the_bridge_starts_where_the_month_before_ended(computed):
    """March starts with February's end (1 customer, 150) and ends with 3 customers worth 240.50."""
    march = bridge(computed, MAR)
    assert (march.start_count, march.start_value) == (1, units(150))
    assert (march.end_count, march.end_value) == (3, units(240.5))
    assert march.start_count + march.row.new_count + march.row.reactivated_count - march.row.lost_count == 3


def test_the_first_month_starts_from_nothing(computed):
    """Before the first month with data there were no active customers."""
    january = bridge(computed, JAN)
    assert (january.start_count, january.start_value, january.end_count) == (0, 0, 2)


def test_a_month_outside_the_data_has_no_bridge(computed):
    assert bridge(computed, JAN - 1) is None


def test_months_and_segments(computed):
    assert months(computed) == [JAN, FEB, MAR, APR]
    assert segments(computed) == ["North", "South"]


@pytest.mark.parametrize(
    ("month", "figure", "customers"),
    [
        (JAN, "new", ["ann", "bob"]),
        (FEB, "increased", ["ann"]),
        (FEB, "lost", ["bob"]),
        (MAR, "reactivated", ["bob"]),
        (MAR, "stable", ["ann"]),
        (MAR, "active", ["ann", "bob", "dee"]),
        (MAR, "start", ["ann"]),
        (APR, "decreased", ["ann"]),
        (APR, "lost", ["bob", "dee"]),
    ],
)
def test_the_customers_behind_each_figure(computed, month, figure, customers):
    """Every figure drills down to exactly the customers it counts."""
    assert [line.customer for line in customers_behind(computed, month, figure)] == customers


def test_drill_down_by_segment_and_the_value_change(computed):
    """South's April losses are Bob alone, with the 70 he was worth in March."""
    (line,) = customers_behind(computed, APR, "lost", segment="South")
    assert (line.customer, line.previous_value, line.change) == ("bob", units(70), -units(70))


def test_lost_customers_are_counted_by_reason_and_unknown_without_one(computed):
    """April: Bob said why, Dee did not."""
    bob = Customer.objects.get(organization=computed, external_id="bob")
    LostReason.objects.create(organization=computed, customer=bob, month=APR, reason="price")
    assert lost_by_reason(computed, APR) == [
        {"reason": "price", "customers": 1},
        {"reason": "unknown", "customers": 1},
    ]
    assert lost_by_reason(computed, APR, segment="North") == [{"reason": "unknown", "customers": 1}]


def test_the_drill_down_counts_and_pages_in_the_database(computed, django_assert_num_queries):
    """A paginator asks for the count and one page: two queries, each with no more rows than it shows."""
    lines = customers_behind(computed, MAR, "active")
    with django_assert_num_queries(2) as captured:
        count, page = lines.count(), lines[1:2]
    assert (count, [line.customer for line in page]) == (3, ["bob"])
    assert "LIMIT 1 OFFSET 1" in captured.captured_queries[1]["sql"]


@pytest.mark.parametrize("window", [1, 2, 3])
def test_every_list_carries_each_customers_true_values(organization, window):
    """Behind every figure of every month, each customer's value in the month, in the month before and its
    change equal the naive computation: refunds, a zero month, a gap and a comeback included, at windows of
    one, two and three months. (The lists of the active customers once showed the same value on both sides.)"""
    # given
    rows = [
        *HISTORY,
        ("eve", "2024-01", "40", "West"),
        ("eve", "2024-02", "-15", "West"),  # a refund larger than nothing bought that month
        ("eve", "2024-04", "0", "West"),  # a zero month: data, not activity
        ("fay", "2024-02", "10", "West"),
        ("fay", "2024-04", "60", "West"),  # back after a gap
    ]
    activity, _ = load(organization, rows, window=window)
    compute_customer_movements(organization=organization)

    for month_index in months(organization):
        expected = reference_lines(activity, window, month_index)
        for figure in expected:
            # when
            lines = list(customers_behind(organization, month_index, figure))

            # then
            assert {line.customer: (line.value, line.previous_value) for line in lines} == expected[figure], (
                month_label(month_index),
                figure,
            )
            for line in lines:
                assert line.change == max(line.value, 0) - max(line.previous_value, 0)


def test_why_customers_moved_carries_each_classs_own_value_change(organization):
    """Given March with a reactivated, two new and a lost customer (one new after a refund-only month, the lost
    one refunding in March), when the reasons of March are read by class, then each reason carries its customers
    and its class's value change: + value(M) for the new, not value(M) - value(M-1); - value(M-1) for the lost.
    Stable customers have no entry; a customer with no reason counts as "unknown"."""
    rows = [
        *HISTORY,
        ("eve", "2024-02", "-10", "East"),
        ("eve", "2024-03", "40", "East"),
        ("fay", "2024-02", "60", "East"),
        ("fay", "2024-03", "-5", "East"),
    ]
    load(organization, rows)
    compute_customer_movements(organization=organization)
    march = 2024 * 12 + 2
    customers = {c.external_id: c for c in Customer.objects.filter(organization=organization)}
    for name, reason in (("bob", "Won back by sales"), ("eve", "Referral"), ("fay", "Price")):
        LostReason.objects.create(organization=organization, customer=customers[name], month=march, reason=reason)

    assert reasons_by_class(organization, march) == {
        "new": [
            {"reason": "Referral", "customers": 1, "value": units(40)},
            {"reason": "unknown", "customers": 1, "value": units("20.5")},
        ],
        "reactivated": [{"reason": "Won back by sales", "customers": 1, "value": units(70)}],
        "lost": [{"reason": "Price", "customers": 1, "value": -units(60)}],
    }
    assert reasons_by_class(organization, march, segment="North") == {
        "new": [{"reason": "unknown", "customers": 1, "value": units("20.5")}]
    }
