"""A computation split over Celery tasks publishes all of its months at once or none of them: its shards
stage their rows, and its last step publishes them with the bridge in one transaction (in-process here;
tests/metrics/test_worker.py runs a failing one on a real worker)."""

import pytest
from django.db import OperationalError

from cco_portal.organizations.roles import Role
from metrics import computation
from metrics.models import Customer, CustomerActivity, Dataset, MonthlyMovement, StagedCustomerMovement
from metrics.movements import compute_shard, figures_to_json
from metrics.tasks import compute_movements_task, finish_movements_task
from tests.metrics.activity import HISTORY, add_month, load, stored_bridge, stored_movements, units
from tests.metrics.movement_reference import reference_movements

pytestmark = pytest.mark.django_db

# A month after a gap, bought by every customer: each shard has customers whose stored rows it changes.
AUGUST = {"ann": units(40), "bob": units(10), "cy": units(5), "dee": units(8)}


@pytest.fixture
def published(organization):
    """Figures computed and published from HISTORY, then a new month of data that changes every shard's
    rows; returns what was published."""
    load(organization, HISTORY, window=2)
    Dataset.objects.create(organization=organization, version=1)
    compute_movements_task.delay(organization.pk, shards=1)
    before = (stored_bridge(organization), stored_movements(organization))
    add_month(organization, "2024-08", AUGUST)
    return before


def expected(organization) -> dict:
    """The naive reference's bridge of the organization's stored activity."""
    activity = CustomerActivity.objects.filter(organization=organization)
    revenue = {
        (name, month): amount
        for name, month, amount in activity.values_list("customer__external_id", "month", "revenue")
    }
    segments = dict(Customer.objects.filter(organization=organization).values_list("external_id", "segment"))
    return reference_movements(revenue, segments, organization.activity_window)


def assert_nothing_published(organization, before, reason: str) -> None:
    dataset = Dataset.objects.get(organization=organization)
    assert (stored_bridge(organization), stored_movements(organization)) == before
    assert (dataset.computed_version, dataset.has_failed, dataset.computing_since) == (1, True, None)
    assert reason in dataset.failure
    assert not StagedCustomerMovement.objects.exists()


def test_a_shard_that_fails_midway_publishes_nothing(
    organization, published, monkeypatch, settings, member_of, client, django_capture_on_commit_callbacks
):
    """The second of three shards fails after staging its rows, the first having staged its own: every
    published movement and bridge figure stays as it was, the dataset says it failed and why, nothing
    staged is left, the dashboard says so beside the last figures, and its "Try again" publishes the new
    month."""

    # given
    def second_shard_fails(**kwargs):
        figures = compute_shard(**kwargs)
        if kwargs["shard"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return figures

    monkeypatch.setattr(computation, "compute_shard", second_shard_fails)
    settings.METRICS_SHARDS = 3

    # when
    with pytest.raises(OperationalError):
        compute_movements_task.delay(organization.pk)

    # then
    assert_nothing_published(organization, published, "the database did not answer")
    client.force_login(member_of(Role.CCO))
    page = client.get(f"/o/{organization.slug}/metrics/").content.decode()
    assert "The figures could not be brought up to date." in page
    assert "What you see is from data version 1" in page

    # and trying again, once the shards succeed, publishes the new month
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{organization.slug}/metrics/recompute/")
    dataset = Dataset.objects.get(organization=organization)
    assert (dataset.computed_version, dataset.has_failed, dataset.failure) == (2, False, "")
    assert dataset.computation == 2  # the second sharded computation
    assert stored_bridge(organization) == expected(organization)
    assert not StagedCustomerMovement.objects.exists()


def _bridge_write_fails(monkeypatch):
    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(MonthlyMovement.objects, "bulk_create", database_gone)
    return OperationalError, "the database did not answer"


def _figures_do_not_add_up(monkeypatch):
    def one_new_value_too_many(**kwargs):
        figures = compute_shard(**kwargs)
        if kwargs["shard"] == 0:
            next(iter(figures.values())).values["new"] += 1
        return figures

    monkeypatch.setattr(computation, "compute_shard", one_new_value_too_many)
    return computation.IdentityViolation, "the figures did not add up"


@pytest.mark.parametrize("fault", [_bridge_write_fails, _figures_do_not_add_up])
def test_a_failure_in_the_last_step_publishes_nothing(organization, published, monkeypatch, fault):
    """Every shard staged its rows, then the last step fails (the database lost while it writes the bridge,
    after the staged rows were moved; or the figures breaking an identity): nothing published changes, the
    dataset says why, and nothing staged is left."""
    # given
    error, reason = fault(monkeypatch)

    # when
    with pytest.raises(error):
        compute_movements_task.delay(organization.pk, shards=2)

    # then
    assert_nothing_published(organization, published, reason)


def test_a_computation_that_lost_its_mark_does_not_publish(organization, published):
    """A computation whose lease ran out while another started: its last step refuses to publish, and
    leaves the newer one's mark and staged rows alone, without calling the dataset failed."""
    # given
    stale = computation.start_sharded_computation(organization=organization, lease_seconds=60)
    figures = computation.compute_movement_shard(stale, shard=0, shards=1)
    newer = computation.start_sharded_computation(organization=organization, lease_seconds=0)
    computation.compute_movement_shard(newer, shard=0, shards=1)
    staged_by_newer = StagedCustomerMovement.objects.filter(computation=newer.computation).count()

    # when
    with pytest.raises(computation.ComputationSuperseded):
        finish_movements_task.delay([figures_to_json(figures)], stale.as_dict())

    # then
    dataset = Dataset.objects.get(organization=organization)
    assert (stored_bridge(organization), stored_movements(organization)) == published
    assert (dataset.computation, dataset.computing_since is not None, dataset.failed_at) == (
        newer.computation,
        True,
        None,
    )
    assert StagedCustomerMovement.objects.count() == staged_by_newer > 0


@pytest.mark.parametrize("shards", [1, 2, 3])
def test_any_number_of_shards_publishes_the_reference(organization, published, shards):
    """Computed in a chord of 1, 2 or 3 tasks from the new month on, the published figures equal the naive
    reference, and nothing staged is left."""
    compute_movements_task.delay(organization.pk, shards=shards)

    assert stored_bridge(organization) == expected(organization)
    assert Dataset.objects.get(organization=organization).computed_version == 2
    assert not StagedCustomerMovement.objects.exists()
