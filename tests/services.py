"""The service suite's real parts: PostgreSQL, Redis and a Celery worker in its own process.

Tests marked `services` use them. They fail, never skip, when a part is missing: bin/test only
runs them where PostgreSQL and Redis are meant to be there.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from celery._state import _task_stack
from django.conf import settings
from django.db import connection

from cco_portal.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
WORKER_START_TIMEOUT = 60


def wait_for(condition: Callable[[], object], timeout: float = 30, interval: float = 0.1):
    """Poll until `condition()` is truthy and return it; the database offers no way to be told."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def _require_services() -> None:
    if connection.vendor != "postgresql":
        pytest.fail(
            "This test needs PostgreSQL, Redis and a Celery worker: run it with bin/test, "
            "or set DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…",
            pytrace=False,
        )
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("This test needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/15", pytrace=False)
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1)
    except Exception as error:  # kombu raises several kinds; all mean the same here
        pytest.fail(f"Redis at {settings.CELERY_BROKER_URL} is not reachable: {error}", pytrace=False)


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the test database and the configured Redis; files it reads
    (uploads) live in its `media_root`, which a test points MEDIA_ROOT at."""
    with django_db_blocker.unblock():
        _require_services()
        database_url = _database_url()
    celery_app.control.purge()
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cco_portal.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_MEDIA_ROOT": str(media_root := tmp_path_factory.mktemp("worker-media")),
    }
    log_path = BASE_DIR / "tests" / "artifacts" / "celery-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cco_portal", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "-n", name,
             # Tasks that only tests send (the scoping guard's).
             "--include", "tests.organizations.worker_tasks"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: celery_app.control.ping(destination=[name], timeout=0.5), timeout=WORKER_START_TIMEOUT)
        worker.media_root = media_root
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.fixture
def real_celery(celery_worker_process, transactional_db):
    """Send tasks to the real worker instead of running them in-process, for one test. A task run in-process by
    an earlier test that left Celery's stack of current tasks behind would make this process think it is inside
    a task, and refuse to wait for a result: the stack is emptied first."""
    while _task_stack.top is not None:
        _task_stack.pop()
    celery_app.conf.task_always_eager = False
    yield celery_worker_process
    celery_app.conf.task_always_eager = True
