"""The whole path through the real parts: an upload imported by a Celery worker on PostgreSQL and Redis,
then its movements computed by the worker, equal to the naive reference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics import services
from metrics.computation import compute_customer_movements
from metrics.models import ActivityImport, Dataset, ImportStatus, StagedCustomerMovement
from metrics.months import parse_month_label
from metrics.tasks import compute_movements_task
from tests.metrics.activity import HISTORY, add_month, load, stored_bridge, stored_movements, units
from tests.metrics.import_files import csv_bytes, expected_activity
from tests.metrics.movement_reference import reference_movements
from tests.services import wait_for

pytestmark = pytest.mark.services


def test_an_upload_is_imported_and_computed_by_the_worker(real_celery, organization, cco_user, settings):
    """start_import stores the file and queues the work; the worker imports it, then computes the
    movements, which equal the reference computed here from the same rows."""
    # given: the web process and the worker share the uploaded files
    settings.MEDIA_ROOT = real_celery.media_root
    content = csv_bytes(HISTORY)

    # when
    queued = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("history.csv", content, content_type="text/csv"),
        created_by=cco_user,
    )

    # then
    finished = wait_for(lambda: ActivityImport.objects.filter(pk=queued.pk, finished_at__isnull=False).first())
    assert finished.status == ImportStatus.SUCCEEDED, finished.errors
    wait_for(lambda: Dataset.objects.filter(organization=organization, computed_version=1).exists())
    activity, segments = expected_activity(HISTORY)
    units = {(key, parse_month_label(month)): value for (key, month), (value, _) in activity.items()}
    assert stored_bridge(organization) == reference_movements(units, segments, organization.activity_window)


@pytest.mark.parametrize("shards", [2, 3])
def test_a_chord_of_shards_on_the_worker_gives_the_single_result(real_celery, organization, shards):
    """The computation split over Celery tasks, one per shard, and added up by the chord's last task,
    stores what the in-process computation of one shard stores."""
    # given
    activity, segments = load(organization, HISTORY * 3 + [("eve", "2024-05", "12", "West")], window=2)
    Dataset.objects.create(organization=organization, version=1)

    # when
    compute_movements_task.delay(organization.pk, shards=shards)

    # then
    done = wait_for(lambda: Dataset.objects.filter(organization=organization, computed_version=1).first())
    assert done.computing_since is None
    assert stored_bridge(organization) == reference_movements(activity, segments, 2)


def test_a_chord_whose_one_shard_fails_publishes_nothing(real_celery, organization):
    """A new month changes the rows of every shard, but one customer's revenue adds up to more than the
    database can hold, so that customer's shard fails on the worker: no shard's rows and no bridge figure
    are published, the dataset says it failed and why, and nothing staged is left."""
    # given: figures published, then a month for everyone and two months for Zed that overflow a 2-month window
    load(organization, [*HISTORY, ("zed", "2024-01", "1", "West")], window=2)
    Dataset.objects.create(organization=organization, version=1)
    compute_customer_movements(organization=organization)
    published = (stored_bridge(organization), stored_movements(organization))
    add_month(organization, "2024-08", {name: units(10) for name in ("ann", "bob", "cy", "dee", "zed")})
    add_month(organization, "2024-09", {"zed": 5 * 10**18})
    add_month(organization, "2024-10", {"zed": 5 * 10**18})

    # when
    compute_movements_task.delay(organization.pk, shards=2)

    # then
    failed = wait_for(
        lambda: Dataset.objects.filter(organization=organization, failed_at__isnull=False, computing_since=None).first()
    )
    assert "the database refused a figure" in failed.failure
    assert (failed.has_failed, failed.computed_version) == (True, 1)
    assert (stored_bridge(organization), stored_movements(organization)) == published
    assert not StagedCustomerMovement.objects.exists()
