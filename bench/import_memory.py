"""Peak memory of an activity import at 100k and at 1M customers: the import streams, so it should not grow
with the file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench_memory .venv/bin/python bench/import_memory.py

Each file (bench/generate.py makes it when missing) is imported by `manage.py import_activity` in a
process of its own, whose peak resident memory the operating system reports when it ends. The movement
computation the import asks for goes to a Redis queue that no worker reads (CELERY_BROKER_URL below),
so only the import is measured. It asserts nothing.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import setup_django  # noqa: E402
from generate import default_path, generate  # noqa: E402

SIZES = (100_000, 1_000_000)
UNREAD_QUEUE = "redis://127.0.0.1:6379/9"


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    setup_django(database_url)
    from cco_portal.organizations.models import Organization

    print(f"{'customers':>10}{'rows':>13}{'MB file':>9}{'seconds':>9}{'peak MB':>9}")
    peaks = []
    for customers in SIZES:
        path = default_path(customers)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w") as out:
                generate(customers, seed=2026, out=out)
        slug = f"memory-{customers}"
        Organization.objects.filter(slug=slug).delete()
        Organization.objects.create(slug=slug, name=f"Memory {customers}")
        env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": UNREAD_QUEUE}
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "manage.py", "import_activity", slug, str(path)],
            cwd=BENCH.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            sys.exit(f"import of {path.name} failed: {child.stderr.read()[-2000:]}")
        rows = sum(1 for _ in path.open()) - 1
        peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        peaks.append(peak_mb)
        print(f"{customers:>10,}{rows:>13,}{path.stat().st_size / 2**20:>9.0f}{seconds:>9.1f}{peak_mb:>9.0f}")
    print(f"peak at {SIZES[-1]:,} / peak at {SIZES[0]:,}: {peaks[-1] / peaks[0]:.2f}")


if __name__ == "__main__":
    main()
