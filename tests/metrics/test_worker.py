"""The whole path through the real parts: an upload imported by a Celery worker on PostgreSQL and Redis,
then its movements computed by the worker, equal to the naive reference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics import services
from metrics.models import ActivityImport, Dataset, ImportStatus
from metrics.months import parse_month_label
from metrics.tasks import compute_movements_task
from tests.metrics.activity import HISTORY, load, stored_bridge
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
