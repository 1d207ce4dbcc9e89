"""Rows per second of an activity import through run_import, beside raw COPY of the same file into a
bare table, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench .venv/bin/python bench/import_throughput.py

It writes bench/data/activity-<size>.csv with bench/generate.py unless it is there (--customers 68000,
gives about 1M rows), creates the database if it is missing and migrates it, and empties it (its name
must contain "bench"). Then, --runs times each: COPY of the file into a table with the file's four
columns and no index or key ("raw COPY"), and run_import of the same file for a fresh organization,
with the movements it asks for left unrun (they are measured by bench/movements.py); with --again, the same
file imported once more in place of its months. It prints the medians, the ratio, and where the import's time
went. It asserts nothing about time.

Beside the wall time it prints the CPU seconds each spent, this process's and its PostgreSQL backend's
(read from /proc, so PostgreSQL must run on this machine): on a shared, busy machine wall time mostly
measures the other processes, CPU time much less.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import empty_database, setup_django  # noqa: E402
from generate import default_path, generate  # noqa: E402


def backend_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (user + system), from /proc."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Cpu:
    """CPU seconds of this process and of its PostgreSQL backend between entry and exit."""

    def __enter__(self) -> "Cpu":
        self.python, self.postgresql = time.process_time(), backend_cpu()
        return self

    def __exit__(self, *exc) -> None:
        self.python, self.postgresql = time.process_time() - self.python, backend_cpu() - self.postgresql

    @property
    def total(self) -> float:
        return self.python + self.postgresql


def raw_copy(path: Path, cpus: list) -> float:
    """Seconds to COPY the file into a bare table, committed."""
    from django.db import connection

    with connection.cursor() as cursor, Cpu() as cpu:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_activity")
        cursor.execute("CREATE TABLE bench_raw_activity (customer_id text, period text, revenue numeric, segment text)")
        started = time.perf_counter()
        with path.open("rb") as source, cursor.copy("COPY bench_raw_activity FROM STDIN (FORMAT csv, HEADER)") as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_activity")
    cpus.append(cpu)
    return elapsed


class Phases(logging.Handler):
    """Keeps the read and load seconds that run_import logs when it ends."""

    def emit(self, record: logging.LogRecord) -> None:
        self.read, self.load = record.args[-2], record.args[-1]


def import_run(path: Path, run: int, phases: Phases, cpus: list, *, organization=None) -> tuple[float, int]:
    """Seconds for start_import + run_import of the file for a fresh organization (or, given one, for it: the
    file again, in place of its months), and the rows it read."""
    from django.core.files import File
    from django.db import connection

    from cco_portal.organizations.models import Organization
    from metrics import services
    from metrics.models import ImportStatus

    if organization is None:
        with connection.cursor() as cursor:
            empty_database()
            cursor.execute("CHECKPOINT")
        organization = Organization.objects.create(name=f"Bench {run}", slug=f"bench-{run}")
    with Cpu() as cpu:
        started = time.perf_counter()
        with path.open("rb") as source:
            queued = services.start_import(organization=organization, uploaded_file=File(source, name=path.name))
        activity_import = services.run_import(activity_import=queued)
        elapsed = time.perf_counter() - started
    cpus.append(cpu)
    if activity_import.status != ImportStatus.SUCCEEDED:
        sys.exit(f"The import failed: {activity_import.errors[:3]}")
    return elapsed, activity_import.rows_total


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=68_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--again",
        action="store_true",
        help="after each import, time the same file imported again in place of its months (a re-upload of a whole"
        " history, as a data source's pull does): only the rows that differ are written",
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    setup_django(database_url)
    from django.conf import settings

    from cco_portal.celery import app as celery_app

    # The movements the import asks for go to a queue nobody reads: this measures the import alone.
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    settings.MEDIA_ROOT = str(BENCH / "data" / "media")
    path = default_path(args.customers)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as out:
            generate(args.customers, 20240601, out)

    phases = Phases()
    logging.getLogger("metrics.services").addHandler(phases)
    copy_cpus: list[Cpu] = []
    import_cpus: list[Cpu] = []
    copies = [raw_copy(path, copy_cpus) for _ in range(args.runs)]
    imports, reads, loads, again = [], [], [], []
    for run in range(args.runs):
        elapsed, rows = import_run(path, run, phases, import_cpus)
        imports.append(elapsed)
        reads.append(phases.read)
        loads.append(phases.load)
        if args.again:
            from cco_portal.organizations.models import Organization

            organization = Organization.objects.get(slug=f"bench-{run}")
            again.append(import_run(path, run, phases, [], organization=organization)[0])
    copy_rate, import_rate = rows / statistics.median(copies), rows / statistics.median(imports)
    print(f"{path.name}: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, medians of {args.runs} runs")
    print(f"raw COPY into a bare table  {statistics.median(copies):6.2f} s  {copy_rate:>12,.0f} rows/s")
    print(f"run_import                  {statistics.median(imports):6.2f} s  {import_rate:>12,.0f} rows/s")
    print(f"  read, check and stage     {statistics.median(reads):6.2f} s")
    print(f"  merge and commit          {statistics.median(loads):6.2f} s")
    print(f"import / raw COPY           {import_rate / copy_rate:6.2f}")
    if again:
        print(f"run_import, the file again  {statistics.median(again):6.2f} s  (in place of its months)")

    def cpu(cpus: list[Cpu]) -> str:
        python, postgresql = (statistics.median(getattr(c, part) for c in cpus) for part in ("python", "postgresql"))
        return f"{python + postgresql:6.2f} s  (Python {python:.2f} s, PostgreSQL {postgresql:.2f} s)"

    print(f"CPU, raw COPY               {cpu(copy_cpus)}")
    print(f"CPU, run_import             {cpu(import_cpus)}")
    copy_total, import_total = (statistics.median(c.total for c in cpus) for cpus in (copy_cpus, import_cpus))
    print(f"raw COPY / import, by CPU   {copy_total / import_total:6.2f}")


if __name__ == "__main__":
    main()
