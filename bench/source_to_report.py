"""Seconds from a data-source pull to a refreshed customer-room report, on PostgreSQL with a real worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/source_to_report.py

The customer's own database is a second PostgreSQL database beside the portal's (`<name>_source`), whose
`activity` table holds bench/generate.py's file (--customers 68000 gives about 1M rows), loaded with COPY.
A real `celery worker` (prefork, as in production) runs every task. Two rounds, each timed from the pull
being queued:

1. first data: the pull of every row (streamed from the query into an import), the movements, and the report
   of the last month, asked for once the movements are computed;
2. changed data: one customer in ten spends 10% more in the last month; the pull again, the movements, and
   the refresh that `refresh-changed-reports` (beat) starts: called here as soon as the movements are
   computed, so the figure is the work, not the waits. In production the refresh starts after
   REPORTS_DEBOUNCE_SECONDS of quiet, at the next sweep (every REPORTS_SWEEP_SECONDS): both are printed.

The portal's database is emptied (its name must contain "bench"). Run bench/import_throughput.py in the
same session for the import's rows per second beside raw COPY. It asserts nothing about time.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import empty_database, setup_django  # noqa: E402
from generate import default_path, generate  # noqa: E402

POLL_SECONDS = 0.2


def load_source_database(database_url: str, path: Path) -> str:
    """Create `<name>_source` with the file in its `activity` table; return its URL."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    name = f"{config['NAME']}_source"
    connect = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None}
    with psycopg.connect(**connect, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(**connect, dbname=name) as source:
        source.execute("CREATE TABLE activity (customer_id text, period text, revenue numeric, segment text)")
        with path.open("rb") as file, source.cursor().copy("COPY activity FROM STDIN (FORMAT csv, HEADER)") as copy:
            while chunk := file.read(1 << 20):
                copy.write(chunk)
        source.execute("ANALYZE activity")
    return database_url.rsplit("/", 1)[0] + f"/{name}"


def change_last_month(source_url: str) -> int:
    """One customer in ten spends 10% more in the file's last month; returns the rows changed."""
    import psycopg

    with psycopg.connect(source_url) as source:
        changed = source.execute(
            "UPDATE activity SET revenue = round(revenue * 1.1, 2) "
            "WHERE period = (SELECT max(period) FROM activity) AND hashtext(customer_id) % 10 = 0"
        )
        return changed.rowcount


def start_worker(database_url: str, broker_url: str, media_root: Path) -> subprocess.Popen:
    from cco_portal.celery import app as celery_app

    name = f"bench-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cco_portal.settings.local",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    log = (BENCH / "data" / "source-to-report-worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cco_portal", "worker", "--loglevel=INFO", "-n", name],
        cwd=BENCH.parent,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    celery_app.control.purge()
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(destination=[name], timeout=0.5):
        if time.monotonic() > deadline or worker.poll() is not None:
            sys.exit("The worker did not start: see bench/data/source-to-report-worker.log")
    return worker


def wait_for(what: str, condition, timeout: float = 3600):
    """Poll the database until `condition` holds: the worker's progress is visible there and nowhere else the
    benchmark can watch, and a poll every POLL_SECONDS costs nothing beside steps of seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            sys.exit(f"Gave up waiting for {what}")
        time.sleep(POLL_SECONDS)
    return value


def pulled(source, after_pk: int):
    """The source's pull after `after_pk` once it has ended; exits when it failed."""
    from metrics.sources.models import PullStatus

    pull = source.pulls.filter(pk__gt=after_pk).order_by("-pk").first()
    if pull is None or pull.status not in (PullStatus.SUCCEEDED, PullStatus.FAILED):
        return None
    if pull.status == PullStatus.FAILED:
        sys.exit(f"The pull failed: {pull.error}")
    return pull


def movements_computed(organization) -> bool:
    from metrics import selectors

    dataset = selectors.dataset(organization)
    return dataset is not None and dataset.is_current and not dataset.has_failed


def report_done(organization, month: int, version: int):
    from reports.models import Report, ReportStatus

    report = Report.objects.filter(organization=organization, month=month, data_version=version).first()
    if report is not None and report.status == ReportStatus.FAILED:
        sys.exit(f"The report failed: {report.error}")
    return report if report is not None and report.status == ReportStatus.DONE else None


def round_trip(source, *, refresh: bool) -> dict[str, float]:
    """Queue a pull and follow it to a done report of the last month; seconds at each step from the start."""
    from django.utils import timezone

    from metrics import selectors
    from metrics.sources import services as source_services
    from reports import services as report_services

    organization = source.organization
    last_pull = source.pulls.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    source_services.queue_pull(source=source)
    pull = wait_for("the pull", lambda: pulled(source, last_pull))
    pulled_at = time.perf_counter()
    wait_for("the movements", lambda: movements_computed(organization))
    computed_at = time.perf_counter()
    dataset = selectors.dataset(organization)
    month = dataset.last_month
    if refresh:
        # What beat's sweep does, without waiting out the debounce it measures from the last import.
        later = timezone.now() + timedelta(hours=1)
        refreshed = report_services.refresh_changed_reports(now=later)
        if (organization.pk, month) not in refreshed:
            sys.exit(f"The refresh did not take the last month: {refreshed}")
    else:
        report_services.request_report(organization=organization, month=month)
    wait_for("the report", lambda: report_done(organization, month, dataset.computed_version))
    done_at = time.perf_counter()
    return {
        "rows": pull.rows,
        "pull and import": pulled_at - started,
        "movements": computed_at - pulled_at,
        "report": done_at - computed_at,
        "total": done_at - started,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=68_000)
    args = parser.parse_args(argv)
    database_url, broker_url = os.environ.get("DATABASE_URL", ""), os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url.startswith("redis://"):
        sys.exit("CELERY_BROKER_URL must name a Redis server: the worker is a real one")
    setup_django(database_url)
    from django.conf import settings

    from cco_portal.organizations.models import Organization
    from metrics.sources import services as source_services

    path = default_path(args.customers)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as out:
            generate(args.customers, 20240601, out)
    source_url = load_source_database(database_url, path)
    empty_database()
    media_root = BENCH / "data" / "media"
    settings.MEDIA_ROOT = str(media_root)
    worker = start_worker(database_url, broker_url, media_root)
    try:
        organization = Organization.objects.create(name="Bench source", slug="bench-source")
        source = source_services.create_data_source(
            organization=organization,
            name="billing",
            kind="sql",
            target="activity",
            url=source_url,
            query="SELECT customer_id, period, revenue, segment FROM activity",
        )
        first = round_trip(source, refresh=False)
        changed = change_last_month(source_url)
        second = round_trip(source, refresh=True)
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    print(f"{path.name}: {first['rows']:,} rows pulled from a PostgreSQL source by a real worker")
    print(f"{'seconds from the pull queued':<34}{'first data':>12}{'changed data':>14}")
    for step in ("pull and import", "movements", "report", "total"):
        print(f"  {step:<32}{first[step]:>12.2f}{second[step]:>14.2f}")
    print(f"  (changed data: {changed:,} rows of the last month changed in the source)")
    print(f"  pull and import, rows/s         {first['rows'] / first['pull and import']:>12,.0f}")
    print(
        f"In production the refresh starts after REPORTS_DEBOUNCE_SECONDS={settings.REPORTS_DEBOUNCE_SECONDS} "
        "of quiet, at the next sweep (REPORTS_SWEEP_SECONDS, 60 by default)."
    )


if __name__ == "__main__":
    main()
