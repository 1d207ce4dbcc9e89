"""The classification of metrics/movements.py run in an in-process DuckDB, for PostgreSQL's computations.

A computation of every month (a first import, a new window) classifies every customer-month of an organization,
one after a monthly import the few months a window reads; PostgreSQL sorts their change points (~3 million per
100,000 customers for every month) row by row, where a columnar engine takes a fraction of the time, export
included (bench/README.md). The shard's activity, its customers' segments, the 'new' rows kept before its first
month, the sums of the rows that only open its first month's values, and the rows stored from that month on leave
PostgreSQL as CSV texts (metrics/transfer.py) into files in a private temporary folder. DuckDB reads them into
tables of the same names and columns, runs the very same SQL text (CHANGES_TEMPLATE, AGGREGATE_SQL, with the
computation's integers written in and the sums read from their table), and compares its rows with those stored:
PostgreSQL deletes the rows gone or changed and `COPY ... FROM STDIN` loads the new or changed ones, in the same
table and the same transaction as the SQL path. Every value is an integer of ten-thousandths in both engines, so
the stored rows and the figures are the same, which tests/metrics/test_columnar.py checks.
SQLite (the embedded default) keeps the SQL path.
"""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
from django.db import DataError

from .movements import AGGREGATE_SQL, CHANGES_TEMPLATE, CLEAR_STAGED_SQL, OPENING_SQL, SCRATCH, SHARD, STORED_CLASSES
from .transfer import QUOTED_SEGMENT, copy_file_in, write_joined_lines

# What DuckDB is given of the shard's rows: every column the classification reads, as PostgreSQL types them, as
# CSV lines that each query joins itself into texts of the lines of 1,024 customer ids (metrics/transfer.py).
# Segments are quoted, as CSV wants.
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
        f"SELECT string_agg(concat_ws(',', id, {QUOTED_SEGMENT}), E'\\n')"
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

# The rows a computation in place replaces (from its first month), every column: it writes only those that change.
# A computation of every month after a re-import of a whole history, or of the first months, finds most of them
# as they were, and rewriting a row costs PostgreSQL a unique check against the row of the same key it has just
# deleted: at 1,000,000 customers, 16 s of a 31 s computation (bench/README.md).
KEPT = "metrics_movement_kept"
KEPT_ROWS = (
    f"SELECT string_agg(concat_ws(',', customer_id, month, movement, value, previous_value, {QUOTED_SEGMENT}),"
    " E'\\n')"
    " FROM metrics_customermovement"
    " WHERE organization_id = %(organization)s AND month >= %(from_month)s AND customer_id %% %(shards)s = %(shard)s"
    " GROUP BY customer_id / 1024",
    {
        "customer_id": "BIGINT",
        "month": "INTEGER",
        "movement": "VARCHAR",
        "value": "BIGINT",
        "previous_value": "BIGINT",
        "segment": "VARCHAR",
    },
)
ROWS = "metrics_movement_rows"
ROWS_SQL = f"""
CREATE TABLE {ROWS} AS
SELECT s.customer_id, s.month, s.movement, s.value, s.previous_value, c.segment
FROM {SCRATCH} s JOIN metrics_customer c ON c.id = s.customer_id
WHERE s.movement IN ({STORED})
"""
# The rows to write, in the columns of the COPY below (the computation's number first, when it stages them), in
# the order of the primary key, which then fills its index page after page (a third less time than unordered);
# and the keys of the rows kept that are gone or changed.
WRITE_SQL = f"""
COPY (
    SELECT {{prefix}}* FROM (SELECT * FROM {ROWS} EXCEPT SELECT * FROM {KEPT})
    ORDER BY customer_id, month
) TO '{{path}}' (HEADER false)
"""
GONE_SQL = f"""
COPY (
    SELECT customer_id, month FROM (SELECT * FROM {KEPT} EXCEPT SELECT * FROM {ROWS})
    ORDER BY customer_id, month
) TO '{{path}}' (HEADER false)
"""
GONE = "metrics_movement_gone"
DELETE_GONE = f"""
DELETE FROM metrics_customermovement m USING {GONE} g
WHERE m.organization_id = %(organization)s AND m.customer_id = g.customer_id AND m.month = g.month
"""

COPY_IN = {
    False: "COPY metrics_customermovement (organization_id, customer_id, month, movement, value, previous_value,"
    " segment) FROM STDIN (FORMAT csv)",
    True: "COPY metrics_stagedcustomermovement (organization_id, computation, customer_id, month, movement, value,"
    " previous_value, segment) FROM STDIN (FORMAT csv)",
}


def classify_in_duckdb(cursor, params: dict, *, staged: bool) -> list[tuple]:
    """Classify one shard's change points in DuckDB, COPY the new, reactivated and lost rows into the movements
    in place of those stored from the first month computed, writing only the rows that change (or, `staged`, into
    the staging table, after the DELETE of the rows it staged before, run in PostgreSQL meanwhile), and
    return AGGREGATE_SQL's rows. `cursor` is a Django cursor on PostgreSQL, inside the computation's transaction:
    DuckDB reads that transaction's snapshot."""
    # Every parameter is an integer: written into the SQL text, it reads the same in both engines.
    literals = {name: int(value) for name, value in params.items() if value is not None}
    with tempfile.TemporaryDirectory(prefix="cco-movements-") as folder:
        scratch = Path(folder)
        exports = EXPORTS if staged else {**EXPORTS, KEPT: KEPT_ROWS}
        for table, (query, _) in exports.items():
            write_joined_lines(cursor.cursor, query % literals, scratch / f"{table}.csv")
        # DuckDB works in a thread of its own (it lets go of the GIL), the database deletes meanwhile.
        with ThreadPoolExecutor(max_workers=1) as duckdb_thread:
            classified = duckdb_thread.submit(_classify, scratch, literals, staged)
            if staged:
                cursor.execute(CLEAR_STAGED_SQL, params)
            try:
                aggregate = classified.result()
            except (duckdb.ConversionException, duckdb.OutOfRangeException) as error:
                # A sum past BIGINT, as PostgreSQL would have refused it: the computation fails with the same reason.
                raise DataError(str(error)) from error
        if not staged:
            cursor.execute(f"DROP TABLE IF EXISTS {GONE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {GONE} (customer_id bigint, month integer)")
            copy_file_in(cursor.cursor, f"COPY {GONE} FROM STDIN (FORMAT csv)", scratch / "gone.csv")
            cursor.execute(DELETE_GONE, params)
            cursor.execute(f"DROP TABLE {GONE}")
        copy_file_in(cursor.cursor, COPY_IN[staged], scratch / "rows.csv")
    return aggregate


def _classify(scratch: Path, literals: dict, staged: bool) -> list[tuple]:
    """Load the exported files, classify, write the rows to store to rows.csv (and the keys of those kept that go,
    to gone.csv), and return the sums."""
    db = duckdb.connect(":memory:", config={"temp_directory": str(scratch / "spill")})
    try:
        for table, (_, columns) in {**EXPORTS, KEPT: KEPT_ROWS}.items():
            db.execute(f"CREATE TABLE {table} ({', '.join(f'{name} {kind}' for name, kind in columns.items())})")
            exported = scratch / f"{table}.csv"
            if exported.exists() and exported.stat().st_size:  # DuckDB refuses to read an empty file
                # allow_quoted_nulls off: a blank segment comes as "", which must stay blank.
                names = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
                db.execute(
                    f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, columns = {{{names}}},"
                    " allow_quoted_nulls = false)",
                    [str(exported)],
                )
        db.execute(f"CREATE TABLE {SCRATCH} AS {CHANGES_SQL % literals}")
        db.execute(ROWS_SQL)
        prefix = f"{literals['organization']}, " + (f"{literals['computation']}, " if staged else "")
        db.execute(WRITE_SQL.format(prefix=prefix, path=scratch / "rows.csv"))
        db.execute(GONE_SQL.format(path=scratch / "gone.csv"))
        return db.execute(AGGREGATE_SQL).fetchall()
    finally:
        db.close()
