"""The customer-movement computation split into shards, each shard timed, and the shards spread over worker
processes, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench .venv/bin/python bench/shards_workers.py

The organization is loaded from bench/data/activity-<size>.csv as bench/movements.py loads it (the database is
emptied; its name must contain "bench"). Each round is a computation of every month at window 1, done as the
Celery chord does it (metrics/tasks.py): start_sharded_computation, one compute_movement_shard per shard in a
transaction of its own (they stage their rows), then finish_computation (the shards' figures added up, checked,
published with the staged rows). Two ways, alternated --runs times:

- one process: the shards one after the other, each timed: the per-shard figures;
- --workers processes: each a process of its own with its own connection (as prefork Celery workers are),
  taking the shards in turn; the wall time from the plan to the published figures.

Every round's published figures (every month, overall and per segment) are compared with the first round's. It
asserts nothing about time.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import setup_django  # noqa: E402
from generate import default_path  # noqa: E402
from movements import load_postgres, postgres_figures  # noqa: E402


def run_shards(plan_fields: dict, shards: list[int], count: int) -> tuple[list, list[tuple[int, float]]]:
    """In a worker process: the given shards, each in its own transaction; their figures (as JSON) and times."""
    from django.db import connection, transaction

    from metrics.computation import Plan, compute_movement_shard
    from metrics.movements import figures_to_json

    connection.close()  # a connection of its own, never the parent's
    plan = Plan(**plan_fields)
    parts, times = [], []
    for shard in shards:
        started = time.perf_counter()
        with transaction.atomic():
            parts.append(figures_to_json(compute_movement_shard(plan, shard=shard, shards=count)))
        times.append((shard, time.perf_counter() - started))
    return parts, times


def computation(organization, count: int, workers: int) -> dict:
    from django.db import connection

    from metrics.computation import finish_computation, start_sharded_computation
    from metrics.models import Dataset
    from metrics.movements import figures_from_json, merge

    # Every month again, as after a first import.
    Dataset.objects.filter(organization=organization).update(computed_version=None, changed_from=None)
    started = time.perf_counter()
    plan = start_sharded_computation(organization=organization, lease_seconds=3600)
    planned = time.perf_counter()
    assignments = [list(range(worker, count, workers)) for worker in range(workers)]
    if workers == 1:
        results = [run_shards(plan.as_dict(), assignments[0], count)]
    else:
        connection.close()  # the forked processes must not share the parent's connection
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.starmap(run_shards, [(plan.as_dict(), shards, count) for shards in assignments])
    computed = time.perf_counter()
    figures = merge([figures_from_json(part) for parts, _ in results for part in parts])
    finish_computation(organization, plan, figures)
    finished = time.perf_counter()
    return {
        "plan": planned - started,
        "shards": sorted(shard_time for _, times in results for shard_time in times),
        "shards wall": computed - planned,
        "finish": finished - computed,
        "total": finished - started,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000, help="picks bench/data/activity-<size>.csv")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    path = default_path(args.customers)
    if not path.exists():
        sys.exit(f"{path} is missing: run bench/generate.py --customers {args.customers} first")
    setup_django(os.environ.get("DATABASE_URL", ""))
    organization, rows = load_postgres(path)
    print(f"{path.name}: {rows:,} rows; {args.shards} shards; window {organization.activity_window}", flush=True)

    reference, differences = None, 0
    rounds: dict[int, list[dict]] = {1: [], args.workers: []}
    for _ in range(args.runs):
        for workers in rounds:
            timing = computation(organization, args.shards, workers)
            rounds[workers].append(timing)
            figures = postgres_figures(organization)
            reference = reference if reference is not None else figures
            differences += figures != reference
            shards = ", ".join(f"{shard}: {seconds:.2f}" for shard, seconds in timing["shards"])
            print(
                f"  {workers} process(es): plan {timing['plan']:.2f} s, shards {timing['shards wall']:.2f} s "
                f"(each: {shards}), finish {timing['finish']:.2f} s, total {timing['total']:.2f} s",
                flush=True,
            )
    for workers, timings in rounds.items():
        median = {key: statistics.median(t[key] for t in timings) for key in ("plan", "shards wall", "finish", "total")}
        per_shard = statistics.median(seconds for t in timings for _, seconds in t["shards"])
        print(
            f"{workers} process(es), medians of {args.runs}: plan {median['plan']:.2f} s, shards "
            f"{median['shards wall']:.2f} s (one shard {per_shard:.2f} s), finish {median['finish']:.2f} s, "
            f"total {median['total']:.2f} s"
        )
    print(f"rounds whose figures differ from the first: {differences}")


if __name__ == "__main__":
    main()
