"""Where an activity import's time goes: every SQL statement of one run_import, timed, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench .venv/bin/python bench/import_profile.py

The file (--customers, default 68,000: about 1M rows; bench/generate.py makes it when missing) is
imported for a fresh organization, as bench/import_throughput.py does (the database is emptied, its name
must contain "bench"), with a Django execute wrapper timing each statement. It prints the statements
that took longer than --over seconds, the time of all the others together, and the time spent outside
SQL (Python, and the COPY data sent with cursor.copy(), which the wrapper does not see).
"""

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import empty_database, setup_django  # noqa: E402
from generate import default_path, generate  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=68_000)
    parser.add_argument("--over", type=float, default=0.05, help="show statements slower than this, in seconds")
    args = parser.parse_args(argv)
    setup_django(os.environ.get("DATABASE_URL", ""))
    from django.conf import settings
    from django.core.files import File
    from django.db import connection

    from cco_portal.celery import app as celery_app
    from cco_portal.organizations.models import Organization
    from metrics import services

    # The movements the import asks for go to a queue nobody reads: this profiles the import alone.
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    settings.MEDIA_ROOT = str(BENCH / "data" / "media")
    path = default_path(args.customers)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as out:
            generate(args.customers, 20240601, out)

    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, " ".join(sql.split())))

    with connection.cursor() as cursor:
        empty_database()
        cursor.execute("CHECKPOINT")
    organization = Organization.objects.create(name="Profile", slug="profile")
    with path.open("rb") as source:
        queued = services.start_import(organization=organization, uploaded_file=File(source, name=path.name))
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        finished = services.run_import(activity_import=queued)
    total = time.perf_counter() - started
    print(f"{path.name}: {finished.rows_total:,} rows, {finished.status}, run_import {total:.2f} s")
    shown = [(seconds, sql) for seconds, sql in timings if seconds >= args.over]
    for seconds, sql in shown:
        print(f"{seconds:7.2f}  {sql[:110]}")
    rest = sum(seconds for seconds, _ in timings) - sum(seconds for seconds, _ in shown)
    print(f"{rest:7.2f}  {len(timings) - len(shown)} other statements")
    print(f"{total - sum(seconds for seconds, _ in timings):7.2f}  outside SQL statements (Python, COPY data)")


if __name__ == "__main__":
    main()
