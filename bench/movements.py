"""Times compute_customer_movements on PostgreSQL beside DuckDB computing the same definitions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench .venv/bin/python bench/movements.py --customers 100000

It reads bench/data/activity-<size>.csv (make it with bench/generate.py), creates the database if it is
missing and migrates it, empties it (the database's name must contain "bench"), and loads the file for
a fresh organization directly with COPY: this measures the computation, not the import. Then, for each
window and shard count, it runs compute_customer_movements (the median of --runs runs; it classifies in
DuckDB inside the portal, metrics/columnar.py, and, with --sql-path, a computation of every month also in
PostgreSQL, METRICS_COLUMNAR off): of every month with nothing stored before (a first import), with the rows
of another window stored (a new window) and with its own rows stored (a re-import of the whole history),
then after an import of the last --recent months; and DuckDB (2
threads, the same medians) on the same file, checks that every month's figures are exactly equal,
overall and per segment, and prints a table. Last (--moves), at window 1, it times the computation
after an import of the last month, alternately without and with 1% of all customers (among that
month's) changing segment, and checks the figures then against a computation of every month.
It prints figures; it asserts nothing about time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import empty_database, setup_django  # noqa: E402
from generate import default_path  # noqa: E402

CLASSES = ("new", "reactivated", "lost", "increased", "decreased")
# The figures compared, in this order, for every (segment, month): segment None is every customer.
FIELDS = ("active_count", "active_value", *(f"{c}_{k}" for c in CLASSES for k in ("count", "value")), "stable_count")


def load_postgres(path: Path):
    """A fresh organization holding the file's activity, loaded with COPY and set-based INSERTs."""
    from django.db import connection, transaction

    from cco_portal.organizations.models import Organization

    with transaction.atomic(), connection.cursor() as cursor:
        empty_database()
        organization = Organization.objects.create(name=f"Bench {path.stem}", slug=f"bench-{path.stem}"[:50])
        started = time.perf_counter()
        cursor.execute(
            "CREATE TEMP TABLE bench_staging (customer_id text, period text, revenue numeric(18, 2), segment text)"
            " ON COMMIT DROP"
        )
        copy_sql = "COPY bench_staging FROM STDIN (FORMAT csv, HEADER)"
        with path.open("rb") as source, cursor.cursor.copy(copy_sql) as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        copied = time.perf_counter()
        params = {"organization": organization.pk}
        # The rows are consistent by construction: skip the per-row foreign-key triggers (we are superuser).
        cursor.execute("SET LOCAL session_replication_role = replica")
        # A customer's segment is the segment of its latest month (the greatest, should a month have several).
        cursor.execute(
            """
            INSERT INTO metrics_customer (organization_id, external_id, segment)
            SELECT %(organization)s, customer_id, segment FROM (
                SELECT DISTINCT ON (customer_id COLLATE "C") customer_id, segment FROM bench_staging
                ORDER BY customer_id COLLATE "C", period DESC, segment COLLATE "C" DESC
            ) AS latest ORDER BY customer_id COLLATE "C"
            """,
            params,
        )
        # Rows of a customer-month added up; inserted month after month, as monthly imports would leave them.
        cursor.execute(
            """
            INSERT INTO metrics_customeractivity (organization_id, customer_id, month, revenue, segment)
            SELECT %(organization)s, c.id, a.month, a.revenue, a.segment
            FROM (
                SELECT customer_id,
                       substr(period, 1, 4)::int * 12 + substr(period, 6, 2)::int - 1 AS month,
                       (SUM(revenue) * 10000)::bigint AS revenue,
                       MAX(segment COLLATE "C") AS segment
                FROM bench_staging GROUP BY 1, 2
            ) AS a
            JOIN metrics_customer c ON c.organization_id = %(organization)s AND c.external_id = a.customer_id
            ORDER BY a.month, c.id
            """,
            params,
        )
        cursor.execute("SELECT COUNT(*) FROM bench_staging")
        rows = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE metrics_customer")
        cursor.execute("VACUUM ANALYZE metrics_customeractivity")
    finished = time.perf_counter()
    print(f"postgres load: COPY {copied - started:.1f} s, inserts + vacuum analyze {finished - copied:.1f} s")
    return organization, rows


def postgres_figures(organization) -> dict:
    from metrics.models import MonthlyMovement

    return {
        (row["segment"], row["month"]): tuple(row[name] for name in FIELDS)
        for row in MonthlyMovement.objects.filter(organization=organization).values("segment", "month", *FIELDS)
    }


# What a computation of every month finds stored before it: nothing (a first import), the rows of another window
# (a new window: nearly every row changes), or its own rows (a re-import of the whole history: most rows stay).
EVERY_MONTH = ("first import", "new window", "same data")


def time_postgres(organization, window: int, shards: int, runs: int) -> dict[str, tuple[float, dict]]:
    """The median seconds and the figures of a computation of every month, for each case of EVERY_MONTH."""
    from metrics.computation import compute_customer_movements
    from metrics.models import CustomerMovement, Dataset, MonthlyMovement

    def compute(at: int) -> None:
        organization.activity_window = at
        organization.save(update_fields=["activity_window"])
        compute_customer_movements(organization=organization, shards=shards)

    timings = {}
    for case in EVERY_MONTH:
        times = []
        for _ in range(runs):
            if case == "first import":
                CustomerMovement.objects.filter(organization=organization).delete()
                MonthlyMovement.objects.filter(organization=organization).delete()
                Dataset.objects.filter(organization=organization).update(computed_version=None, computed_window=None)
            else:
                compute(window + 1 if case == "new window" else window)
            vacuum_movements()
            organization.activity_window = window
            organization.save(update_fields=["activity_window"])
            started = time.perf_counter()
            compute_customer_movements(organization=organization, shards=shards)
            times.append(time.perf_counter() - started)
        timings[case] = statistics.median(times), postgres_figures(organization)
    vacuum_movements()
    return timings


def vacuum_movements() -> None:
    """What autovacuum does between two computations of every month in production (each rewrites every stored
    row, far beyond its 20% threshold; a development server may run without it): the next computation's
    unique checks then meet no dead rows of the runs before."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE metrics_customermovement")


def time_postgres_recent(organization, months: int, runs: int) -> tuple[float, dict]:
    """The computation after an import of the last `months` months: it starts at the first of them."""
    from django.db.models import Max

    from metrics.computation import compute_customer_movements
    from metrics.models import CustomerActivity, Dataset

    last = CustomerActivity.objects.filter(organization=organization).aggregate(last=Max("month"))["last"]
    times = []
    for _ in range(runs):
        Dataset.objects.filter(organization=organization).update(changed_from=last - months + 1)
        started = time.perf_counter()
        compute_customer_movements(organization=organization, shards=1)
        times.append(time.perf_counter() - started)
    return statistics.median(times), postgres_figures(organization)


def move_segments(organization, month: int, count: int, turn: int) -> int:
    """What an import of `month` leaves when `count` of that month's customers name another segment (the
    next one in name order; each turn moves other customers): their segment and that month's. Returns how
    many customers moved."""
    from django.db import connection, transaction

    from metrics.models import Customer

    segments = sorted(Customer.objects.filter(organization=organization).values_list("segment", flat=True).distinct())
    following = " ".join("WHEN %s THEN %s" for _ in segments)
    pairs = [value for i, segment in enumerate(segments) for value in (segment, segments[(i + 1) % len(segments)])]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_moved ON COMMIT DROP AS SELECT customer_id FROM metrics_customeractivity"
            " WHERE organization_id = %s AND month = %s ORDER BY customer_id LIMIT %s OFFSET %s",
            [organization.pk, month, count, turn * count],
        )
        cursor.execute(
            f"UPDATE metrics_customer SET segment = CASE segment {following} END"
            " WHERE id IN (SELECT customer_id FROM bench_moved)",
            pairs,
        )
        moved = cursor.rowcount
        cursor.execute(
            "UPDATE metrics_customeractivity a SET segment = c.segment FROM metrics_customer c"
            " WHERE a.customer_id IN (SELECT customer_id FROM bench_moved) AND a.month = %s AND c.id = a.customer_id",
            [month],
        )
    return moved


def time_segment_moves(organization, share: float, runs: int) -> tuple[float, float, int, int]:
    """After an import of the last month, the computation without segment moves and with `share` of that
    month's customers moved to another segment, alternated within one run (each run moves other customers).
    Returns both medians, the customers moved per run, and the segment-months whose figures then differ from
    a computation of every month."""
    from django.db.models import Max

    from metrics.computation import compute_customer_movements
    from metrics.models import Customer, CustomerActivity, Dataset

    last = CustomerActivity.objects.filter(organization=organization).aggregate(last=Max("month"))["last"]
    dataset = Dataset.objects.filter(organization=organization)
    count = round(share * Customer.objects.filter(organization=organization).count())
    timings: dict[bool, list[float]] = {False: [], True: []}
    moved = 0
    for turn in range(runs):
        for moves in (False, True):
            if moves:
                moved = move_segments(organization, last, count, turn)
            dataset.update(changed_from=last)
            started = time.perf_counter()
            compute_customer_movements(organization=organization, shards=1)
            timings[moves].append(time.perf_counter() - started)
    incremental = postgres_figures(organization)
    dataset.update(changed_from=None)
    compute_customer_movements(organization=organization, shards=1)
    differences = compare(incremental, postgres_figures(organization), f"{share:.0%} moved vs every month computed")
    return statistics.median(timings[False]), statistics.median(timings[True]), moved, differences


DUCKDB_LOAD = """
CREATE OR REPLACE TABLE raw AS SELECT * FROM read_csv(?, header = true, columns = {
    'customer_id': 'VARCHAR', 'period': 'VARCHAR', 'revenue': 'DECIMAL(18, 2)', 'segment': 'VARCHAR'});
CREATE OR REPLACE TABLE customers AS
    SELECT row_number() OVER (ORDER BY customer_id) AS id, customer_id, max_by(segment, period || segment) AS segment
    FROM raw GROUP BY customer_id;
CREATE OR REPLACE TABLE activity AS
    SELECT c.id AS customer, CAST(substr(r.period, 1, 4) AS INTEGER) * 12 + CAST(substr(r.period, 6, 2) AS INTEGER) - 1
               AS month,
           CAST(SUM(r.revenue) * 10000 AS BIGINT) AS revenue
    FROM raw r JOIN customers c USING (customer_id) GROUP BY ALL;
DROP TABLE raw;
"""

# PRODUCT.md read directly: every customer on every month from its first month to the last month with
# data, value(c, M) as a sliding sum over the window, the previous month's value, and whether it was
# ever active before; then each class counted and valued per month, overall and per segment.
DUCKDB_COMPUTE = """
WITH bounds AS (SELECT MAX(month) AS last FROM activity),
grid AS (
    SELECT customer, unnest(range(MIN(month), (SELECT last FROM bounds) + 1)) AS m FROM activity GROUP BY customer
),
dense AS (
    SELECT g.customer, g.m, COALESCE(a.revenue, 0) AS r
    FROM grid g LEFT JOIN activity a ON a.customer = g.customer AND a.month = g.m
),
valued AS (
    SELECT customer, m,
           SUM(r) OVER (PARTITION BY customer ORDER BY m ROWS BETWEEN {preceding} PRECEDING AND CURRENT ROW) AS v
    FROM dense
),
sided AS (
    SELECT customer, m, v,
           COALESCE(LAG(v) OVER (PARTITION BY customer ORDER BY m), 0) AS pv,
           COALESCE(MAX(v > 0) OVER (PARTITION BY customer ORDER BY m
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS ever
    FROM valued
),
classed AS (
    SELECT customer, m, v, pv,
           CASE WHEN v > 0 AND pv <= 0 AND NOT ever THEN 'new'
                WHEN v > 0 AND pv <= 0 THEN 'reactivated'
                WHEN v <= 0 AND pv > 0 THEN 'lost'
                WHEN v > 0 AND v > pv THEN 'increased'
                WHEN v > 0 AND v < pv THEN 'decreased'
                WHEN v > 0 THEN 'stable' END AS class
    FROM sided WHERE v > 0 OR pv > 0
)
SELECT CASE WHEN GROUPING(c.segment) = 1 THEN NULL ELSE c.segment END AS segment, k.m,
       COUNT(*) FILTER (WHERE v > 0), COALESCE(SUM(v) FILTER (WHERE v > 0), 0),
       {classes},
       COUNT(*) FILTER (WHERE class = 'stable')
FROM classed k JOIN customers c ON c.id = k.customer
GROUP BY GROUPING SETS ((k.m), (c.segment, k.m))
"""


# The change-point method of metrics/movements.py in DuckDB: only the months where a customer's value
# changes, the running figures of a month then added up from the changes (in Python, a few hundred rows).
DUCKDB_CHANGES = """
WITH deltas AS (
    SELECT customer, month AS m, revenue AS d FROM activity
    UNION ALL
    SELECT customer, month + {window}, -revenue FROM activity
    WHERE month + {window} <= (SELECT MAX(month) FROM activity)
),
changes AS (SELECT customer, m, SUM(d) AS d FROM deltas GROUP BY customer, m HAVING SUM(d) <> 0),
valued AS (
    SELECT customer, m, SUM(d) OVER (PARTITION BY customer ORDER BY m ROWS UNBOUNDED PRECEDING) AS v FROM changes
),
sided AS (
    SELECT customer, m, v,
           COALESCE(LAG(v) OVER (PARTITION BY customer ORDER BY m), 0) AS pv,
           COALESCE(MAX(v > 0) OVER (PARTITION BY customer ORDER BY m
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS ever
    FROM valued
),
classed AS (
    SELECT customer, m, v, pv,
           CASE WHEN v > 0 AND pv <= 0 AND NOT ever THEN 'new'
                WHEN v > 0 AND pv <= 0 THEN 'reactivated'
                WHEN v <= 0 AND pv > 0 THEN 'lost'
                WHEN v > pv THEN 'increased'
                WHEN v < pv THEN 'decreased' END AS class
    FROM sided WHERE v > 0 OR pv > 0
)
SELECT CASE WHEN GROUPING(c.segment) = 1 THEN NULL ELSE c.segment END AS segment, k.m,
       SUM(CASE WHEN v > 0 THEN 1 ELSE 0 END) - SUM(CASE WHEN pv > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN v > 0 THEN v ELSE 0 END) - SUM(CASE WHEN pv > 0 THEN pv ELSE 0 END),
       {classes}
FROM classed k JOIN customers c ON c.id = k.customer
GROUP BY GROUPING SETS ((k.m), (c.segment, k.m))
"""


def duckdb_changes_figures(db, window: int) -> dict:
    change = {"new": "v", "reactivated": "v", "lost": "-pv", "increased": "v - pv", "decreased": "v - pv"}
    classes = ", ".join(
        f"COUNT(*) FILTER (WHERE class = '{c}'), COALESCE(SUM({change[c]}) FILTER (WHERE class = '{c}'), 0)"
        for c in CLASSES
    )
    rows = db.execute(DUCKDB_CHANGES.format(window=window, classes=classes)).fetchall()
    first, last = db.execute("SELECT MIN(month), MAX(month) FROM activity").fetchone()
    moved = {(row[0], row[1]): [int(x) for x in row[2:]] for row in rows}
    figures = {}
    for segment in {segment for segment, _ in moved} | {None}:
        active = value = 0
        for month in range(first, last + 1):
            active_change, value_change, *classes_ = moved.get((segment, month), [0] * 12)
            active, value = active + active_change, value + value_change
            changed = sum(classes_[0::2]) - classes_[4]  # every class's count but lost's
            figures[(segment, month)] = (active, value, *classes_, active - changed)
    return figures


def duckdb_compute_sql(window: int) -> str:
    change = {"new": "v", "reactivated": "v", "lost": "-pv", "increased": "v - pv", "decreased": "v - pv"}
    classes = ", ".join(
        f"COUNT(*) FILTER (WHERE class = '{c}'), COALESCE(SUM({change[c]}) FILTER (WHERE class = '{c}'), 0)"
        for c in CLASSES
    )
    return DUCKDB_COMPUTE.format(preceding=window - 1, classes=classes)


def load_duckdb(path: Path):
    import duckdb

    database = path.with_suffix(".duckdb")
    database.unlink(missing_ok=True)
    db = duckdb.connect(str(database))
    db.execute("SET threads = 2")
    started = time.perf_counter()
    for statement in DUCKDB_LOAD.split(";"):
        if statement.strip():
            db.execute(statement, [str(path)] if "?" in statement else [])
    print(f"duckdb load: read_csv + sum per customer-month {time.perf_counter() - started:.1f} s", flush=True)
    return db


def duckdb_dense_figures(db, window: int) -> dict:
    rows = db.execute(duckdb_compute_sql(window)).fetchall()
    return {(row[0], row[1]): tuple(int(x) for x in row[2:]) for row in rows}


DUCKDB_METHODS = {"duckdb dense": duckdb_dense_figures, "duckdb changes": duckdb_changes_figures}


def time_duckdb(db, method, window: int, runs: int) -> tuple[float, dict]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        figures = method(db, window)
        times.append(time.perf_counter() - started)
    return statistics.median(times), figures


def compare(ours: dict, theirs: dict, label: str) -> int:
    """The number of (segment, month) whose figures differ; a month missing on one side counts as zeros."""
    zeros = (0,) * len(FIELDS)
    differences = 0
    for key in sorted(set(ours) | set(theirs), key=lambda k: (k[0] or "", k[1])):
        a, b = ours.get(key, zeros), theirs.get(key, zeros)
        if a != b:
            differences += 1
            if differences <= 5:
                diff = {name: (x, y) for name, x, y in zip(FIELDS, a, b, strict=True) if x != y}
                print(f"  MISMATCH {label} {key}: {diff}")
    months = {month for _, month in ours}
    print(f"  {label}: {len(ours)} segment-months ({len(months)} months), {differences} differ")
    return differences


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000, help="picks bench/data/activity-<size>.csv")
    parser.add_argument("--file", type=Path, help="another generated file")
    parser.add_argument("--windows", default="1,12")
    parser.add_argument("--shards", default="1,2")
    parser.add_argument("--recent", default="1,3", help="also time a computation after an import of the last N months")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (median)")
    parser.add_argument(
        "--moves",
        type=float,
        default=0.01,
        help="also time, at window 1, an import of the last month in which this share of all customers change"
        " segment, beside the same import without (0: skip)",
    )
    parser.add_argument(
        "--sql-path",
        action="store_true",
        help="also time the computation of every month with METRICS_COLUMNAR off (classified by PostgreSQL)",
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/cco_bench")
    path = args.file or default_path(args.customers)
    if not path.exists():
        sys.exit(f"{path} is missing: run bench/generate.py --customers {args.customers} first")

    setup_django(database_url)
    from django.test import override_settings

    organization, rows = load_postgres(path)
    db = load_duckdb(path)
    customers = db.execute("SELECT COUNT(*) FROM customers").fetchone()[0]

    results, failures = [], 0
    for window in [int(w) for w in args.windows.split(",")]:
        runs = args.runs
        timed = {}
        for name, method in DUCKDB_METHODS.items():
            timed[name] = time_duckdb(db, method, window, runs)
            print(f"{name} window {window}: {timed[name][0]:.2f} s", flush=True)
        dense, changes = timed["duckdb dense"][1], timed["duckdb changes"][1]
        failures += compare(changes, dense, f"window {window} duckdb changes vs dense")
        # The ratio is to the faster DuckDB method.
        duck_seconds, duck = min(timed.values(), key=lambda timing: timing[0])
        for name, (seconds, _) in timed.items():
            results.append((name, customers, rows, window, "-", runs, seconds, seconds / duck_seconds))
        for shards in [int(s) for s in args.shards.split(",")]:
            for columnar in (True, False) if args.sql_path else (True,):
                label = "postgres + duckdb inside" if columnar else "postgres, SQL path"
                with override_settings(METRICS_COLUMNAR=columnar):
                    timings = time_postgres(organization, window, shards, runs)
                for case, (seconds, ours) in timings.items():
                    case_label = f"{label}, every month: {case}"
                    print(f"{case_label} window {window} shards {shards}: {seconds:.2f} s", flush=True)
                    failures += compare(ours, duck, f"window {window} shards {shards} {case_label}")
                    results.append((case_label, customers, rows, window, shards, runs, seconds, seconds / duck_seconds))
        for months in [int(m) for m in args.recent.split(",") if m]:
            seconds, ours = time_postgres_recent(organization, months, runs)
            label = f"postgres, last {months} month{'s' if months > 1 else ''} changed"
            print(f"{label} window {window}: {seconds:.2f} s", flush=True)
            failures += compare(ours, duck, f"window {window} {label}")
            results.append((label, customers, rows, window, 1, runs, seconds, seconds / duck_seconds))

    moves = None
    if args.moves:
        organization.activity_window = 1
        organization.save(update_fields=["activity_window"])
        from metrics.computation import compute_customer_movements

        compute_customer_movements(organization=organization, shards=1)  # every month at window 1
        # What autovacuum does after a table is rewritten (a development server may run without it): with no
        # statistics at all, PostgreSQL reads every stored movement to find a few customers' rows.
        vacuum_movements()
        moves = time_segment_moves(organization, args.moves, args.runs)
        failures += moves[3]

    print()
    print("| engine | customers | rows | window | shards | runs | seconds | ratio to the faster DuckDB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for engine, n, r, window, shards, runs, seconds, ratio in results:
        print(f"| {engine} | {n:,} | {r:,} | {window} | {shards} | {runs} | {seconds:.2f} | {ratio:.1f} |")
    if moves:
        without, with_moves, moved, _ = moves
        print()
        print("| postgres, window 1, after an import of the last month | customers moved | runs | seconds | ratio |")
        print("|---|---:|---:|---:|---:|")
        print(f"| no customer changes segment | 0 | {args.runs} | {without:.2f} | 1.00 |")
        print(
            f"| {args.moves:.0%} of the customers change segment | {moved:,} | {args.runs} | {with_moves:.2f}"
            f" | {with_moves / without:.2f} |"
        )
    if failures:
        sys.exit(f"{failures} segment-months differ between PostgreSQL and DuckDB or a computation of every month")
    print("\nEvery month's figures, overall and per segment, are equal in both engines.")


if __name__ == "__main__":
    main()
