"""Peak memory of an activity import at 100k and at 1M customers: the import streams, so it should not grow
with the file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench_memory .venv/bin/python bench/import_memory.py

Each file (bench/generate.py makes it when missing) is imported by `manage.py import_activity` in a
process of its own, which reports its peak resident memory (VmHWM) as it ends. (Not the rusage that
wait4 gives: Linux counts in it the memory of the parent the child was forked from, so a parent that
had just generated the 1M file or deleted an organization's rows made the import look 3 times larger.)
The database is emptied first (its name must contain "bench"). The movement computation the import asks
for goes to a Redis queue that no worker reads (CELERY_BROKER_URL below), so only the import is
measured. It asserts nothing.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import empty_database, setup_django  # noqa: E402
from generate import default_path, generate  # noqa: E402

SIZES = (100_000, 1_000_000)
# A Redis database that no worker reads; UNREAD_BROKER_URL names another one, for a machine where 9 is in use.
UNREAD_QUEUE = os.environ.get("UNREAD_BROKER_URL", "redis://127.0.0.1:6379/9")
# Runs manage.py with the arguments after it, then writes the process's own peak to stderr, last.
PEAK = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        print(next(line for line in status if line.startswith("VmHWM:")), file=sys.stderr)
"""


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    setup_django(database_url)

    from cco_portal.organizations.models import Organization

    empty_database()
    print(f"{'customers':>10}{'rows':>13}{'MB file':>9}{'seconds':>9}{'peak MB':>9}")
    peaks = []
    for customers in SIZES:
        path = default_path(customers)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w") as out:
                generate(customers, seed=2026, out=out)
        slug = f"memory-{customers}"
        Organization.objects.create(slug=slug, name=f"Memory {customers}")
        env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": UNREAD_QUEUE}
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", PEAK, "manage.py", "import_activity", slug, str(path)],
            cwd=BENCH.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _, errors = child.communicate()
        seconds = time.perf_counter() - started
        if child.returncode != 0:
            sys.exit(f"import of {path.name} failed: {errors[-2000:]}")
        rows = sum(1 for _ in path.open()) - 1
        peak_mb = int(errors.split("VmHWM:")[-1].split()[0]) / 1024  # kilobytes
        peaks.append(peak_mb)
        print(f"{customers:>10,}{rows:>13,}{path.stat().st_size / 2**20:>9.0f}{seconds:>9.1f}{peak_mb:>9.0f}")
    print(f"peak at {SIZES[-1]:,} / peak at {SIZES[0]:,}: {peaks[-1] / peaks[0]:.2f}")


if __name__ == "__main__":
    main()
