"""On PostgreSQL, the movements are classified in an in-process DuckDB (metrics/columnar.py), for every month and
from a later month alike: they must store the same rows and figures as the SQL path, to the ten-thousandth."""

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.computation import plan_computation, uses_columnar_engine
from metrics.models import Customer, Dataset
from metrics.months import parse_month_label
from metrics.tasks import compute_movements_task
from tests.metrics.activity import load, stored_bridge, stored_movements

pytestmark = pytest.mark.services

periods = ["2023-11", "2024-01", "2024-02", "2024-03", "2024-05", "2024-06"]

row = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.sampled_from(periods),
    st.sampled_from(["0", "0.0001", "10", "-10", "25.5", "-40", "100", "123456789.1234"]),
    # A blank segment, and names CSV must quote, have to come back from DuckDB as they went.
    st.sampled_from(["", "North", 'South, "east"', "West\nCoast"]),
)


def computed(organization, *, columnar: bool, shards: int) -> tuple[dict, set]:
    """The bridge and every column of the stored customer rows after a computation of every month, in one task
    (rows stored in place) or a chord of shards (rows staged, then published)."""
    Dataset.objects.filter(organization=organization).update(changed_from=None)
    with override_settings(METRICS_COLUMNAR=columnar):
        compute_movements_task.delay(organization.pk, shards=shards)
    return stored_bridge(organization), stored_movements(organization)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=30),
    window=st.integers(min_value=1, max_value=3),
    shards=st.integers(min_value=1, max_value=3),
)
@pytest.mark.django_db
def test_duckdb_stores_what_the_sql_path_stores(organization, rows, window, shards):
    """Random histories at windows of 1 to 3 months, computed in 1 to 3 shards: the bridge overall and per
    segment and the stored customer rows (value, previous value, segment) are the same from both paths."""
    load(organization, rows, window=window)
    Dataset.objects.get_or_create(organization=organization)

    through_sql = computed(organization, columnar=False, shards=shards)
    through_duckdb = computed(organization, columnar=True, shards=shards)

    assert through_duckdb == through_sql


def resumed(organization, *, at: str, columnar: bool) -> tuple[dict, set]:
    """The bridge and stored rows after a computation that starts at `at`, as after an import of its months,
    from the rows and bridge a computation of every month (through SQL) left before it."""
    computed(organization, columnar=False, shards=1)
    Dataset.objects.filter(organization=organization).update(changed_from=parse_month_label(at))
    with override_settings(METRICS_COLUMNAR=columnar):
        compute_movements_task.delay(organization.pk, shards=1)
    return stored_bridge(organization), stored_movements(organization)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=30),
    window=st.integers(min_value=1, max_value=3),
    at=st.sampled_from(periods[1:]),
)
@pytest.mark.django_db
def test_duckdb_resumes_at_a_later_month_as_the_sql_path_does(organization, rows, window, at):
    """A computation from a later month reads the 'new' rows stored before it (was the customer ever active?)
    and W months of activity before it: both paths store the same rows and bridge, which are those of a
    computation of every month."""
    load(organization, rows, window=window)
    Dataset.objects.get_or_create(organization=organization)

    through_sql = resumed(organization, at=at, columnar=False)
    through_duckdb = resumed(organization, at=at, columnar=True)

    assert through_duckdb == through_sql
    assert through_duckdb == computed(organization, columnar=False, shards=1)


@pytest.mark.django_db
def test_every_computation_on_postgresql_goes_through_duckdb_unless_turned_off(organization):
    """Of every month and from a later month alike; METRICS_COLUMNAR off keeps the SQL path."""
    load(organization, [("ann", "2024-01", "100", "North"), ("ann", "2024-02", "50", "North")])
    dataset, _ = Dataset.objects.get_or_create(organization=organization)
    plan = plan_computation(organization, dataset)
    assert plan.from_month == plan.first_month
    assert uses_columnar_engine(plan)

    compute_movements_task.delay(organization.pk, shards=1)
    Dataset.objects.filter(organization=organization).update(changed_from=parse_month_label("2024-02"))
    plan = plan_computation(organization, Dataset.objects.get(organization=organization))

    assert plan.from_month == parse_month_label("2024-02")
    assert uses_columnar_engine(plan)
    with override_settings(METRICS_COLUMNAR=False):
        assert not uses_columnar_engine(plan)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=30),
    before=st.integers(min_value=1, max_value=3),
    window=st.integers(min_value=1, max_value=3),
    moved=st.sets(st.sampled_from(["a", "b", "c", "d", "e"])),
)
@pytest.mark.django_db
def test_duckdb_writes_only_the_rows_that_change_and_stores_what_the_sql_path_stores(
    organization, rows, before, window, moved
):
    """A computation of every month over the rows one at another window stored, after some customers changed
    segment: DuckDB compares the stored rows with its own and writes only the difference (rows gone, changed or
    new), and what is stored then is what the SQL path, which deletes and writes every row, stores."""
    load(organization, rows, window=before)
    Dataset.objects.get_or_create(organization=organization)
    segments = dict(Customer.objects.filter(organization=organization).values_list("external_id", "segment"))

    def after_a_change(*, columnar: bool) -> tuple[dict, set]:
        for name, segment in segments.items():
            Customer.objects.filter(organization=organization, external_id=name).update(segment=segment)
        organization.activity_window = before
        organization.save(update_fields=["activity_window"])
        computed(organization, columnar=False, shards=1)
        Customer.objects.filter(organization=organization, external_id__in=moved).update(segment="Moved")
        organization.activity_window = window
        organization.save(update_fields=["activity_window"])
        return computed(organization, columnar=columnar, shards=1)

    through_duckdb = after_a_change(columnar=True)
    through_sql = after_a_change(columnar=False)

    assert through_duckdb == through_sql
