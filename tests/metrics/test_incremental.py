"""A computation starts at the first month whose data changed, and gives what a full one gives, in one
task or in a chord of 2 or 3 shards."""

import itertools

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from metrics.computation import compute_customer_movements, plan_computation
from metrics.models import CustomerMovement, Dataset, ImportMode, Movement
from metrics.months import parse_month_label
from metrics.selectors import customers_behind
from metrics.tasks import compute_movements_task
from tests.metrics.activity import stored_bridge, stored_movements
from tests.metrics.import_files import csv_bytes, expected_activity, run
from tests.metrics.movement_reference import reference_movements

JAN, MAR, APR = parse_month_label("2024-01"), parse_month_label("2024-03"), parse_month_label("2024-04")

MONTHS = [
    [("ann", "2024-01", "100", "North"), ("bob", "2024-01", "50", "South")],
    [("ann", "2024-02", "150", "North"), ("cy", "2024-02", "30", "South")],
    [("ann", "2024-03", "150", "North"), ("bob", "2024-03", "70", "South"), ("dee", "2024-03", "20.5", "North")],
    [("ann", "2024-04", "90", "North"), ("cy", "2024-04", "-10", "South")],
]


def reference(rows, window: int = 1) -> dict:
    activity, segments = expected_activity(rows)
    units = {(key, parse_month_label(month)): value for (key, month), (value, _) in activity.items()}
    return reference_movements(units, segments, window)


@pytest.fixture(params=[1, 2, 3], ids=lambda shards: f"{shards} shards")
def compute(request):
    """Bring the movements up to date as the task does after an import, with 1, 2 or 3 shards."""

    def compute(organization) -> None:
        compute_movements_task.delay(organization.pk, shards=request.param)

    return compute


def plan_of(organization):
    return plan_computation(organization, Dataset.objects.get(organization=organization))


def full_result(organization, *, segments: bool = False) -> tuple[dict, set]:
    """The bridge and stored customer rows (with the segment each was counted in, if `segments`) of a
    computation from the first month (forgetting where the data changed), for comparison."""
    Dataset.objects.filter(organization=organization).update(changed_from=None)
    compute_customer_movements(organization=organization)
    fields = ("customer_id", "month", "movement", *(("segment",) if segments else ()))
    return stored_bridge(organization), set(CustomerMovement.objects.values_list(*fields))


def bob_id(organization) -> int:
    return organization.customers.get(external_id="bob").pk


def test_a_monthly_import_computes_from_its_month_only(organization, compute):
    """Given three months imported and computed, when the fourth is imported, the computation starts at
    the fourth month, and its result is that of a computation of every month."""
    for month in MONTHS[:3]:
        assert run(organization, csv_bytes(month)).status == "succeeded"
        compute(organization)

    run(organization, csv_bytes(MONTHS[3]))

    assert plan_of(organization).from_month == APR
    compute(organization)
    incremental = stored_bridge(organization)
    stored = set(CustomerMovement.objects.values_list("customer_id", "month", "movement"))
    assert incremental == reference([row for month in MONTHS for row in month])
    assert (incremental, stored) == full_result(organization)


def test_replacing_an_earlier_month_computes_from_that_month(organization, compute):
    """Re-importing March with other figures recomputes March and every month after it."""
    run(organization, csv_bytes([row for month in MONTHS for row in month]))
    compute(organization)
    march = [("ann", "2024-03", "10", "North"), ("bob", "2024-03", "0", "South")]

    run(organization, csv_bytes(march), mode=ImportMode.REPLACE)

    assert plan_of(organization).from_month == MAR
    compute(organization)
    rows = [row for month in MONTHS for row in month if row[1] != "2024-03"] + march
    assert stored_bridge(organization) == reference(rows)
    assert Dataset.objects.get(organization=organization).changed_from is None


ALL_MONTHS = [row for month in MONTHS for row in month]


@pytest.mark.parametrize(
    ("again", "first_changed"),
    [
        pytest.param(ALL_MONTHS, APR, id="every month as it was: the last month only"),
        pytest.param([*ALL_MONTHS[:-1], ("cy", "2024-04", "-12", "South")], APR, id="a figure of the last month"),
        pytest.param([row for row in ALL_MONTHS if row[:2] != ("bob", "2024-03")], MAR, id="a row gone in March"),
        pytest.param([*ALL_MONTHS, ("eve", "2024-03", "0", "")], MAR, id="a row of zero added in March"),
        pytest.param([*ALL_MONTHS, ("bob", "2024-01", "-50", "South")], JAN, id="January adding up to zero"),
        pytest.param([*ALL_MONTHS[:-1], ("cy", "2024-04", "-10", "North")], APR, id="a segment moved in April"),
    ],
)
@pytest.mark.parametrize("quick", [True, False], ids=["quick import where it applies", "staged import"])
def test_a_whole_history_uploaded_again_computes_from_its_first_different_month(
    organization, compute, again, first_changed, quick
):
    """Every month uploaded again in place of those stored, as a company or a data source does each month: the
    computation starts at the first month whose rows differ (the last month when none does), and gives what a
    computation of every month gives, whichever path the import takes (on PostgreSQL, a plain file takes the
    quick path of metrics/imports/columnar.py)."""
    run(organization, csv_bytes(ALL_MONTHS))
    compute(organization)

    with override_settings(METRICS_COLUMNAR=quick):
        assert run(organization, csv_bytes(again), mode=ImportMode.REPLACE).status == "succeeded"

    assert plan_of(organization).from_month == first_changed
    compute(organization)
    incremental = stored_bridge(organization)
    stored = set(CustomerMovement.objects.values_list("customer_id", "month", "movement", "segment"))
    assert incremental == reference(again)
    assert (incremental, stored) == full_result(organization, segments=True)


def test_a_customer_changing_segment_takes_his_history_along(organization, compute):
    """Bob moves from South to North in April: the computation still starts at April, and the segment rows
    of every month before it count him in North, as a computation of every month does."""
    run(organization, csv_bytes([row for month in MONTHS[:3] for row in month]))
    compute(organization)
    april = [("bob", "2024-04", "80", "North")]

    run(organization, csv_bytes(april))

    assert plan_of(organization).from_month == APR
    compute(organization)
    incremental = stored_bridge(organization)
    stored = set(CustomerMovement.objects.values_list("customer_id", "month", "movement", "segment"))
    assert incremental == reference([row for month in MONTHS[:3] for row in month] + april)
    assert {segment for *_, segment in stored} == {"North", "South"}
    assert {segment for customer, *_, segment in stored if customer == bob_id(organization)} == {"North"}
    assert (incremental, stored) == full_result(organization, segments=True)


def test_the_last_customer_leaving_a_segment_empties_it(organization, compute):
    """Cy and bob were South's only customers; both move to West: South's rows go, West holds their history."""
    run(organization, csv_bytes([row for month in MONTHS[:3] for row in month]))
    compute(organization)
    april = [("bob", "2024-04", "80", "West"), ("cy", "2024-04", "5", "West")]

    run(organization, csv_bytes(april))

    assert plan_of(organization).from_month == APR
    compute(organization)
    incremental = stored_bridge(organization)
    assert incremental == reference([row for month in MONTHS[:3] for row in month] + april)
    assert {segment for segment, _ in incremental} == {None, "North", "West"}
    assert incremental == full_result(organization)[0]


def test_a_new_segment_gets_its_rows_from_the_first_month(organization, compute):
    """A customer in a segment nobody was in before: the segment's earlier months are there, at zero."""
    run(organization, csv_bytes([row for month in MONTHS[:3] for row in month]))
    compute(organization)
    april = [("eve", "2024-04", "40", "West")]

    run(organization, csv_bytes(april))

    assert plan_of(organization).from_month == APR
    compute(organization)
    assert stored_bridge(organization) == reference([row for month in MONTHS[:3] for row in month] + april)


def test_a_new_window_recomputes_every_month(organization, compute):
    """The window changes every value, so nothing computed before it is kept."""
    run(organization, csv_bytes([row for month in MONTHS for row in month]))
    compute(organization)
    Dataset.objects.filter(organization=organization).update(changed_from=APR)

    organization.activity_window = 3
    organization.save(update_fields=["activity_window"])

    assert plan_of(organization).from_month == JAN
    compute(organization)
    assert stored_bridge(organization) == reference([row for month in MONTHS for row in month], window=3)


def test_increased_decreased_and_stable_customers_are_read_from_the_activity(organization, compute):
    """The classes not stored per customer are listed from the activity of the month and the one before."""
    run(organization, csv_bytes([row for month in MONTHS for row in month]))
    compute(organization)
    feb, mar = parse_month_label("2024-02"), MAR

    increased = [line.customer for line in customers_behind(organization, feb, Movement.INCREASED)]
    stable = [(line.customer, line.value) for line in customers_behind(organization, mar, Movement.STABLE)]
    decreased = [line.customer for line in customers_behind(organization, APR, Movement.DECREASED)]

    assert (increased, stable, decreased) == (["ann"], [("ann", 1_500_000)], ["ann"])
    assert not CustomerMovement.objects.filter(movement__in=["increased", "decreased"]).exists()


periods = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-07"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(periods),
            st.sampled_from(["0", "10", "-10", "25.5", "-40", "100"]),
            st.sampled_from(["", "North", "South"]),
        ),
        min_size=1,
        max_size=24,
    ),
    split=st.sampled_from(periods[1:]),
    window=st.integers(min_value=1, max_value=3),
)
@pytest.mark.django_db
def test_any_history_imported_in_two_parts_gives_the_full_result(organization, compute, rows, split, window):
    """Random rows imported as the months before `split`, computed, then the months from `split` on:
    the second computation (from `split`, or from the start when a segment moved) equals the reference
    of all rows and a computation of every month."""
    CustomerMovement.objects.filter(organization=organization).delete()
    Dataset.objects.filter(organization=organization).delete()
    organization.customers.all().delete()
    organization.activity_window = window
    organization.save(update_fields=["activity_window"])
    before = [row for row in rows if row[1] < split]
    after = [row for row in rows if row[1] >= split]
    for part in (before, after):
        if part:
            assert run(organization, csv_bytes(part)).status == "succeeded"
            compute(organization)

    result = stored_bridge(organization)
    stored = set(CustomerMovement.objects.values_list("customer_id", "month", "movement"))

    assert result == reference(rows, window)
    assert (result, stored) == full_result(organization)


row = st.tuples(
    st.sampled_from(["a", "b", "c", "d"]),
    st.sampled_from(periods),
    st.sampled_from(["0", "10", "-10", "25.5", "-40", "100"]),
    st.sampled_from(["", "North", "South", "West"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=24),
    splits=st.sets(st.sampled_from(periods[1:]), min_size=1, max_size=3),
    revisit=st.lists(row, max_size=5),
    window=st.integers(min_value=1, max_value=3),
)
@pytest.mark.django_db
def test_customers_changing_segment_across_imports_give_the_full_result(
    organization, compute, rows, splits, revisit, window
):
    """Random rows imported month range by month range (a customer's rows of a later range may name another
    segment, which moves its whole history), then some months imported again in place of theirs: after every
    import, the stored bridge equals the reference of the rows stored so far, and the bridge and customer
    rows, each with the segment it was counted in, equal those of a computation of every month."""
    CustomerMovement.objects.filter(organization=organization).delete()
    Dataset.objects.filter(organization=organization).delete()
    organization.customers.all().delete()
    organization.activity_window = window
    organization.save(update_fields=["activity_window"])
    bounds = [periods[0], *sorted(splits), "9999-12"]
    batches = [[r for r in rows if start <= r[1] < end] for start, end in itertools.pairwise(bounds)]
    stored_rows: dict[str, list] = {}  # the rows of each month, as the imports (replacing their months) left them
    for batch in [*batches, revisit]:
        if not batch:
            continue
        assert run(organization, csv_bytes(batch)).status == "succeeded"
        stored_rows.update({period: [r for r in batch if r[1] == period] for period in {r[1] for r in batch}})
        compute(organization)

        result, stored = stored_bridge(organization), stored_movements(organization)
        assert result == reference([r for period in sorted(stored_rows) for r in stored_rows[period]], window)
        Dataset.objects.filter(organization=organization).update(changed_from=None)
        compute_customer_movements(organization=organization)
        assert (result, stored) == (stored_bridge(organization), stored_movements(organization))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=24),
    dropped=st.sets(st.integers(min_value=0, max_value=23), max_size=4),
    added=st.lists(row, max_size=4),
    window=st.integers(min_value=1, max_value=3),
)
@pytest.mark.django_db
def test_a_history_uploaded_again_with_any_edits_computes_from_its_first_difference(
    organization, compute, rows, dropped, added, window
):
    """Random rows imported and computed, then uploaded again in place of their months with some rows left out
    and some added: the computation starts at the first month whose customer-months differ (a customer-month
    of zero is one), or at the last month when none does (or at the first month never computed), and its
    bridge and customer rows, each with the segment it was counted in, equal those of a computation of every
    month."""
    CustomerMovement.objects.filter(organization=organization).delete()
    Dataset.objects.filter(organization=organization).delete()
    organization.customers.all().delete()
    organization.activity_window = window
    organization.save(update_fields=["activity_window"])
    assert run(organization, csv_bytes(rows)).status == "succeeded"
    compute(organization)
    again = [r for i, r in enumerate(rows) if i not in dropped] + added
    assume(again)

    assert run(organization, csv_bytes(again), mode=ImportMode.REPLACE).status == "succeeded"

    replaced = {r[1] for r in again}
    stored_rows = [r for r in rows if r[1] not in replaced] + again
    before, after = expected_activity(rows)[0], expected_activity(stored_rows)[0]
    differing = {period for _, period in before.keys() ^ after.keys()}
    differing |= {cell[1] for cell in before.keys() & after.keys() if before[cell][0] != after[cell][0]}
    first_difference = parse_month_label(min(differing, default=max(period for _, period in after)))
    # Months after the last one computed before (a gap the new rows now span) are computed in any case.
    first_not_computed = parse_month_label(max(period for _, period in before)) + 1
    assert plan_of(organization).from_month == min(first_difference, first_not_computed)
    compute(organization)
    result, stored = stored_bridge(organization), stored_movements(organization)
    assert result == reference(stored_rows, window)
    Dataset.objects.filter(organization=organization).update(changed_from=None)
    compute_customer_movements(organization=organization)
    assert (result, stored) == (stored_bridge(organization), stored_movements(organization))
