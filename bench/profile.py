"""Where compute_customer_movements spends its time on PostgreSQL, step by step, in a transaction that
is rolled back (the stored movements are left as they were).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench .venv/bin/python bench/profile.py [--explain]

It uses the organization that bench/movements.py loaded last (or --organization), with its window (or
--window), and times the steps of one shard's computation from the first month (or from --from YYYY-MM,
as after an import of that month): moving the customers who changed segment (found, their months before
it classified again, their rows restamped; nothing to do from the first month), deleting the stored
movements, the classification alone (CHANGES_SQL, counted), the classification into the temporary
table, the INSERT of the new, reactivated and lost rows, and the sums per segment and month.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organization", type=int)
    parser.add_argument("--window", type=int)
    parser.add_argument("--from", dest="from_month", help="start at this month (YYYY-MM), as after its import")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of CHANGES_SQL")
    parser.add_argument("--set", action="append", default=[], help="a statement to run first, e.g. SET LOCAL ...")
    parser.add_argument(
        "--drop",
        action="append",
        default=[],
        help="a constraint or index of metrics_customermovement to drop inside the rolled-back transaction",
    )
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/cco_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cco_portal.settings.local")
    import django

    django.setup()
    from django.db import connection, transaction

    from cco_portal.organizations.models import Organization
    from metrics import movements
    from metrics.months import parse_month_label

    organization = Organization.objects.get(pk=args.organization) if args.organization else Organization.objects.last()
    window = args.window or organization.activity_window
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(month), MAX(month) FROM metrics_customeractivity WHERE organization_id = %s", [organization.pk]
        )
        first_month, last_month = cursor.fetchone()
    from_month = parse_month_label(args.from_month) if args.from_month else first_month
    params = {
        "organization": organization.pk,
        "window": window,
        "from_month": from_month,
        "last_month": last_month,
        "shard": 0,
        "shards": 1,
    }

    def step(label, sql, fetch=False):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            result = cursor.fetchall() if fetch else cursor.rowcount
        print(f"{label:<40} {time.perf_counter() - started:7.2f} s", flush=True)
        return result

    print(f"organization {organization.pk} ({organization.slug}), window {window}")
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in args.set:
                cursor.execute(statement)
            for name in args.drop:
                kind = "CONSTRAINT" if name.endswith(("_fk", "_pkey")) or "_fk_" in name else "INDEX"
                if kind == "CONSTRAINT":
                    cursor.execute(f"ALTER TABLE metrics_customermovement DROP CONSTRAINT {name}")
                else:
                    cursor.execute(f"DROP INDEX {name}")
        started = time.perf_counter()
        moves = movements.move_segments(
            organization_id=organization.pk, window=window, first_month=first_month, from_month=from_month
        )
        print(f"{'segment moves':<40} {time.perf_counter() - started:7.2f} s ({moves.customers} customers)", flush=True)
        step("delete stored movements", movements.CLEAR_SQL)
        step("classification alone (count)", f"SELECT COUNT(*) FROM ({movements.CHANGES_SQL}) AS changes", fetch=True)
        if args.explain:
            for (line,) in step("EXPLAIN ANALYZE", "EXPLAIN (ANALYZE, BUFFERS) " + movements.CHANGES_SQL, fetch=True):
                print("    " + line)
        step(
            "classification into the temporary table",
            f"CREATE TEMPORARY TABLE {movements.SCRATCH} AS {movements.CHANGES_SQL}",
        )
        rows = step("insert new, reactivated and lost rows", movements.STORE_SQL)
        step("sums per segment and month", movements.AGGREGATE_SQL, fetch=True)
        print(f"({rows} rows stored)")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
