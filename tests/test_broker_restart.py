"""Redis stopped and started again while the worker has work queued: the worker reconnects by itself,
the queue drains, and every import runs to its end exactly once.

The test runs a Redis server of its own (with its append-only file, as docker-compose.yml's Redis keeps
one), so that stopping it disturbs nothing else, and a worker connected to it."""

import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu import Connection

from cco_portal.celery import app as celery_app
from metrics import services
from metrics.models import ActivityImport, ImportStatus
from metrics.months import parse_month_label
from metrics.tasks import run_import_task
from reports.models import Report, ReportStatus
from reports.tasks import compute_report_task
from tests.metrics.import_files import csv_bytes, generated_rows
from tests.services import BASE_DIR, _database_url, _require_services, wait_for

pytestmark = pytest.mark.services

DRAIN_LIMIT = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, directory):
        self.directory, self.port, self.process = directory, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(self.answers, timeout=10)

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: Redis writes its append-only file and exits
        self.process.wait(timeout=30)

    def answers(self) -> bool:
        try:
            with Connection(self.url, connect_timeout=0.5) as connection:
                connection.ensure_connection(max_retries=1)
            return True
        except Exception:  # kombu raises several kinds; all mean "not yet"
            return False


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def worker_on(transactional_db, tmp_path, settings):
    """Start a worker on the given Redis and the test database; the uploads live in its media root."""
    _require_services()
    settings.MEDIA_ROOT = tmp_path / "media"
    started = []

    def start(redis: RedisServer) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cco_portal.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": redis.url,
            "CELERY_RESULT_BACKEND": redis.url,
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        log = (BASE_DIR / "tests" / "artifacts" / "broker-restart-worker.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cco_portal", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "-n", f"restart-{uuid.uuid4().hex[:8]}@localhost"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(worker)
        return worker

    celery_app.conf.task_always_eager = False
    yield start
    celery_app.conf.task_always_eager = True
    for worker in started:
        worker.terminate()
        worker.wait(timeout=30)


def test_the_worker_resumes_after_redis_restarts_and_no_import_or_report_is_lost_or_doubled(
    own_redis, worker_on, organization, cco_user
):
    """Given six imports and three monthly reports queued on Redis and a worker taking them, when Redis
    stops for a few seconds and starts again, then the worker reconnects and within a minute all six
    imports end imported, each run to its end once, and every month has its report done (once per data
    version, which the table's unique constraint holds) and none failed."""
    # given
    imports = [
        services.start_import(
            organization=organization,
            uploaded_file=SimpleUploadedFile(f"part-{n}.csv", csv_bytes(generated_rows(3000, seed=n))),
            created_by=cco_user,
            run_later=False,
        )
        for n in range(6)
    ]
    months = [parse_month_label(label) for label in ("2023-01", "2023-02", "2023-03")]
    with Connection(own_redis.url) as broker:
        for activity_import in imports:
            run_import_task.apply_async(args=[activity_import.pk], connection=broker)
        for month in months:
            compute_report_task.apply_async(args=[organization.pk, month], connection=broker)
    worker_on(own_redis)
    wait_for(lambda: ActivityImport.objects.filter(status=ImportStatus.SUCCEEDED).exists(), timeout=60)

    # when
    own_redis.stop()
    time.sleep(3)  # the outage itself: long enough for the worker to notice and start reconnecting
    own_redis.start()
    restarted = time.monotonic()

    # then
    wait_for(
        lambda: ActivityImport.objects.filter(finished_at__isnull=False).count() == len(imports),
        timeout=DRAIN_LIMIT,
    )
    finished = list(ActivityImport.objects.order_by("pk").values_list("status", "rows_total"))
    assert finished == [(ImportStatus.SUCCEEDED, 3000)] * len(imports), finished
    reports = Report.objects.filter(organization=organization)
    wait_for(
        lambda: set(reports.filter(status=ReportStatus.DONE).values_list("month", flat=True)) == set(months),
        timeout=DRAIN_LIMIT - (time.monotonic() - restarted),
    )
    assert not reports.filter(status=ReportStatus.FAILED).exists()
    with Connection(own_redis.url) as broker:
        queue = broker.default_channel.client
        wait_for(lambda: queue.llen("celery") == 0, timeout=DRAIN_LIMIT - (time.monotonic() - restarted))
