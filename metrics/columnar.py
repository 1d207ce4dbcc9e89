"""The classification of metrics/movements.py run in an in-process DuckDB, for PostgreSQL's computations.

A computation of every month (a first import, a new window) classifies every customer-month of an organization,
one after a monthly import the few months a window reads; PostgreSQL sorts their change points (~3 million per
100,000 customers for every month) row by row, where a columnar engine takes a fraction of the time, export
included (bench/README.md). The shard's activity, its customers' segments, the 'new' rows kept before its first
month and the sums of the rows that only open its first month's values leave PostgreSQL by `COPY ... TO STDOUT`
into CSV files in a private temporary folder, DuckDB reads them into tables of the same names and columns, runs
the very same SQL text (CHANGES_TEMPLATE, AGGREGATE_SQL, with the computation's integers written in and the
sums read from their table), and writes the rows to store to a CSV file that `COPY ... FROM STDIN` loads into
the same table and the same transaction as the SQL path. Every value is an integer of ten-thousandths in both
engines, so the stored rows and the figures are the same, which tests/metrics/test_columnar.py checks.
SQLite (the embedded default) keeps the SQL path.
"""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
from django.db import DataError

from .movements import AGGREGATE_SQL, CHANGES_TEMPLATE, OPENING_SQL, SCRATCH, SHARD, STORED_CLASSES

# What DuckDB is given of the shard's rows: every column the classification reads, as PostgreSQL types them, as
# CSV lines that each query joins itself into texts of the lines of 1,024 customer ids (psycopg hands over a
# COPY row by row, at about twice the time of PostgreSQL writing them). Segments are quoted, as CSV wants.
# Of the activity, only the rows whose own change points the classification reads: from F - 1 on (F the first
# month computed), and those whose revenue leaves the window from F on; the others come added up per customer
# (OPENING). Of the movements kept, the 'new' rows.
OPENING = "metrics_customer_opening"
EXPORTS = {
    "metrics_customeractivity": (
        "SELECT string_agg(concat_ws(',', organization_id, customer_id, month, revenue), E'\\n')"
        " FROM metrics_customeractivity"
        " WHERE organization_id = %(organization)s AND customer_id %% %(shards)s = %(shard)s"
        " AND month >= %(from_month)s - %(window)s AND month <= %(last_month)s"
        " AND (month >= %(from_month)s - 1 OR month <= %(last_month)s - %(window)s)"
        " GROUP BY customer_id / 1024",
        {"organization_id": "BIGINT", "customer_id": "BIGINT", "month": "INTEGER", "revenue": "BIGINT"},
    ),
    "metrics_customer": (
        "SELECT string_agg(concat_ws(',', id, '\"' || replace(segment, '\"', '\"\"') || '\"'), E'\\n')"
        " FROM metrics_customer WHERE organization_id = %(organization)s AND id %% %(shards)s = %(shard)s"
        " GROUP BY id / 1024",
        {"id": "BIGINT", "segment": "VARCHAR"},
    ),
    "metrics_customermovement": (
        "SELECT string_agg(concat_ws(',', organization_id, customer_id, month, movement), E'\\n')"
        " FROM metrics_customermovement"
        " WHERE organization_id = %(organization)s AND movement = 'new' AND month < %(from_month)s"
        " AND customer_id %% %(shards)s = %(shard)s"
        " GROUP BY customer_id / 1024",
        {"organization_id": "BIGINT", "customer_id": "BIGINT", "month": "INTEGER", "movement": "VARCHAR"},
    ),
    OPENING: (
        f"SELECT string_agg(concat_ws(',', customer_id, revenue), E'\\n') FROM ({OPENING_SQL}) AS opening"
        " GROUP BY customer_id / 1024",
        {"customer_id": "BIGINT", "revenue": "BIGINT"},
    ),
}
CHANGES_SQL = CHANGES_TEMPLATE.format(customers=SHARD, opening=OPENING)

STORED = ", ".join(f"'{name}'" for name in STORED_CLASSES)

# The rows to store, in the columns of the COPY below (the computation's number first, when it stages them), in
# the order of the primary key, which then fills its index page after page (a third less time than unordered).
ROWS_SQL = f"""
SELECT {{prefix}}s.customer_id, s.month, s.movement, s.value, s.previous_value, c.segment
FROM {SCRATCH} s JOIN metrics_customer c ON c.id = s.customer_id
WHERE s.movement IN ({STORED})
ORDER BY s.customer_id, s.month
"""

COPY_IN = {
    False: "COPY metrics_customermovement (organization_id, customer_id, month, movement, value, previous_value,"
    " segment) FROM STDIN (FORMAT csv)",
    True: "COPY metrics_stagedcustomermovement (organization_id, computation, customer_id, month, movement, value,"
    " previous_value, segment) FROM STDIN (FORMAT csv)",
}

CHUNK = 1 << 20


def classify_in_duckdb(cursor, params: dict, *, clear: str, staged: bool) -> list[tuple]:
    """Classify one shard's change points in DuckDB, run `clear` (the DELETE of the rows they replace) in
    PostgreSQL meanwhile, COPY the new, reactivated and lost rows into the movements (or, `staged`, the staging
    table), and return AGGREGATE_SQL's rows. `cursor` is a Django cursor on PostgreSQL, inside the
    computation's transaction: DuckDB reads that transaction's snapshot."""
    # Every parameter is an integer: written into the SQL text, it reads the same in both engines.
    literals = {name: int(value) for name, value in params.items() if value is not None}
    with tempfile.TemporaryDirectory(prefix="cco-movements-") as folder:
        scratch = Path(folder)
        _export(cursor, scratch, literals)
        # DuckDB works in a thread of its own (it lets go of the GIL), the database deletes meanwhile.
        with ThreadPoolExecutor(max_workers=1) as duckdb_thread:
            classified = duckdb_thread.submit(_classify, scratch, literals, staged)
            cursor.execute(clear, params)
            try:
                aggregate = classified.result()
            except (duckdb.ConversionException, duckdb.OutOfRangeException) as error:
                # A sum past BIGINT, as PostgreSQL would have refused it: the computation fails with the same reason.
                raise DataError(str(error)) from error
        with (scratch / "rows.csv").open("rb") as source, cursor.cursor.copy(COPY_IN[staged]) as copy:
            while chunk := source.read(CHUNK):
                copy.write(chunk)
    return aggregate


def _export(cursor, scratch: Path, literals: dict) -> None:
    for table, (query, _) in EXPORTS.items():
        with (scratch / f"{table}.csv").open("w") as out:
            cursor.execute(query % literals)
            for (lines,) in cursor:
                out.write(lines + "\n")


def _classify(scratch: Path, literals: dict, staged: bool) -> list[tuple]:
    """Load the exported files, classify, write the rows to store to rows.csv, and return the sums."""
    db = duckdb.connect(":memory:", config={"temp_directory": str(scratch / "spill")})
    try:
        for table, (_, columns) in EXPORTS.items():
            db.execute(f"CREATE TABLE {table} ({', '.join(f'{name} {kind}' for name, kind in columns.items())})")
            exported = scratch / f"{table}.csv"
            if exported.stat().st_size:  # DuckDB refuses to read an empty file
                # allow_quoted_nulls off: a blank segment comes as "", which must stay blank.
                names = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
                db.execute(
                    f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, columns = {{{names}}},"
                    " allow_quoted_nulls = false)",
                    [str(exported)],
                )
        db.execute(f"CREATE TABLE {SCRATCH} AS {CHANGES_SQL % literals}")
        prefix = f"{literals['organization']}, " + (f"{literals['computation']}, " if staged else "")
        db.execute(f"COPY ({ROWS_SQL.format(prefix=prefix)}) TO '{scratch / 'rows.csv'}' (HEADER false)")
        return db.execute(AGGREGATE_SQL).fetchall()
    finally:
        db.close()
