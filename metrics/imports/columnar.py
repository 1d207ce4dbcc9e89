"""PostgreSQL's quick path for a plain activity file: an in-process DuckDB reads, checks and adds up the rows,
and the customer-months go to their table by COPY, in the order of its primary key.

reading.py reads and checks a file in CPython, row by row, and merging.py groups the staged rows with
INSERT … SELECT: together ~20 times the time of a raw COPY of the same file (bench/README.md). Most files are
plain: printable ASCII, no quotes, every value of the usual shape. For those DuckDB reads the file with every
column as text (it never guesses a type) and checks every row with the conditions of reading.py's usual path;
the few distinct periods are read by values.parse_period itself. Anything else, however harmless (a quote, a
BOM-less encoding question, a blank key, an amount written "+5", a customer-month whose rows name two
segments, sums near the limits), and any problem at all, sends the whole file to reading.py, whose report
and messages are then exactly today's. So this path only ever stores files reading.py would store, and
stores what merging.py would: tests/metrics/test_import_columnar.py compares them on generated files.
"""

import csv
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import duckdb
from django.db.backends.base.base import BaseDatabaseWrapper

from ..models import ImportKind, ImportMode
from ..transfer import QUOTED_SEGMENT, copy_file_in, write_joined_lines
from . import reading
from .merging import (
    ACTIVITY,
    CUSTOMER,
    MAX_CUSTOMER_MONTH,
    MAX_MONTH_TOTAL,
    TOUCHED,
    UPDATE_SEGMENTS,
)
from .reading import MAX_LINE, Report, Stop
from .staging import temporary
from .values import LAYOUTS, MAX_TEXT, parse_period

BOM = b"\xef\xbb\xbf"
# The bytes of a plain file: printable ASCII but the quote, and line ends. A file with any other byte (a
# quote, a tab, a control character, anything not ASCII) is read by reading.py.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)).replace(b'"', b"") + b"\n\r"
CHUNK = 1 << 20
# An amount as reading.py's usual rows write it; its value is then the decimal's, in ten-thousandths.
PLAIN_AMOUNT = r"-?[0-9]{{1,12}}(\.[0-9]{{1,4}})?"  # (braces doubled: GROUP_ROWS is formatted)
KEYS = "metrics_import_keys"
GROUPED = "metrics_import_grouped"
# DuckDB's memory, spilled to the import's private folder beyond it: the same peak for any size of file.
DUCKDB_MEMORY = "256MB"

# One row per customer and period text (trimmed), with what the checks found. A value is trimmed of spaces
# only: a plain file holds no other whitespace. A row is usual as reading.py's fast path defines it.
GROUP_ROWS = f"""
CREATE TABLE grouped_periods AS
WITH texts AS (
    SELECT trim(coalesce({{key}}, '')) AS key, trim(coalesce({{period}}, '')) AS period,
           trim(coalesce({{revenue}}, '')) AS revenue, {{label}} AS label
    FROM read_csv(?, header = false, skip = 1, delim = ',', quote = '', escape = '', auto_detect = false,
                  strict_mode = true, null_padding = false, max_line_size = {MAX_LINE - 2}, columns = {{columns}})
),
cells AS (
    -- In ten-thousandths: a DECIMAL(18, 4) times 10,000 overflows from 10 digits before the point, so longer
    -- amounts (rare) take the wider, twice slower DECIMAL(38, 4).
    SELECT *, TRY_CAST(CASE WHEN length(revenue) <= 10 THEN TRY_CAST(revenue AS DECIMAL(18, 4)) * 10000
                            ELSE TRY_CAST(revenue AS DECIMAL(38, 4)) * 10000 END AS BIGINT) AS units
    FROM texts
)
SELECT key, period, count(*) AS rows,
    count(*) FILTER (WHERE NOT (
        regexp_full_match(revenue, '{PLAIN_AMOUNT}') AND units IS NOT NULL AND key <> '' AND left(key, 1) <> ''''
        AND left(label, 1) <> '''' AND length(key) <= {MAX_TEXT} AND length(label) <= {MAX_TEXT}
    )) AS unusual,
    sum(units) AS revenue, sum(abs(units)::HUGEINT) AS magnitude,
    min(nullif(label, '')) AS first_label, max(nullif(label, '')) AS last_label
FROM cells GROUP BY key, period
"""
# One row per customer and month. When every month is written one way in the file (as good as always), the
# groups are those of the periods already; otherwise they are added up again.
MONTHS = """
CREATE VIEW grouped AS
SELECT g.key, p.month, g.revenue, g.first_label, g.last_label
FROM grouped_periods g JOIN periods p ON p.period = g.period
"""
GROUP_MONTHS = """
CREATE TABLE grouped AS
SELECT g.key, p.month, sum(g.revenue) AS revenue, min(g.first_label) AS first_label, max(g.last_label) AS last_label
FROM grouped_periods g JOIN periods p ON p.period = g.period
GROUP BY g.key, p.month
"""
# The file's customers in key order (which the customers' unique index takes best), each with the segment of
# its latest month in the file: a customer new to the organization is added with it, which is its segment.
KEYS_SQL = """
COPY (
    SELECT key, arg_max(coalesce(first_label, ''), month) FROM grouped GROUP BY key ORDER BY key
) TO '{path}' (FORMAT csv, HEADER false)
"""
# The file's rows as they are to be stored.
FILE_ROWS = """
CREATE TABLE file_rows AS
SELECT ids.id AS customer_id, g.month, g.revenue, coalesce(g.first_label, '') AS segment
FROM grouped g JOIN read_csv(?, header = false, delim = ',', quote = '"', auto_detect = false,
                             columns = {'id': 'BIGINT', 'key': 'VARCHAR'}) ids ON ids.key = g.key
"""
# The rows to write, in the order of the primary key (the index then grows at its end): all of them, or, when the
# file replaces months already stored, those not stored as they are.
ROWS = """
COPY (
    SELECT {organization}, * FROM ({rows}) AS written ORDER BY customer_id, month
) TO '{path}' (FORMAT csv, HEADER false)
"""
# A replace import of months already stored (a whole history uploaded again every month, a data source's
# scheduled pull) mostly brings them back as they were: their stored rows are read into DuckDB beside the file's,
# and only the rows that differ are deleted and written. The computation that follows starts at the first month
# whose revenue differs, as the months before it keep their movements.
STORED_ROWS = (
    f"SELECT string_agg(concat_ws(',', customer_id, month, revenue, {QUOTED_SEGMENT}), E'\\n')"
    f" FROM {ACTIVITY} WHERE organization_id = %s AND month = ANY(%s) GROUP BY customer_id / 1024"
)
STORED_TABLE = """
CREATE TABLE stored_rows AS SELECT * FROM read_csv(?, header = false, delim = ',', quote = '"', escape = '"',
    auto_detect = false, allow_quoted_nulls = false,
    columns = {'customer_id': 'BIGINT', 'month': 'INTEGER', 'revenue': 'BIGINT', 'segment': 'VARCHAR'})
"""
CHANGED_ROWS = "SELECT * FROM file_rows EXCEPT SELECT * FROM stored_rows"
GONE_KEYS = """
COPY (
    SELECT customer_id, month FROM (SELECT * FROM stored_rows EXCEPT SELECT * FROM file_rows) AS gone
) TO '{path}' (FORMAT csv, HEADER false)
"""
FIRST_DIFFERENCE = """
SELECT min(month) FROM (
    (SELECT customer_id, month, revenue FROM file_rows EXCEPT SELECT customer_id, month, revenue FROM stored_rows)
    UNION ALL
    (SELECT customer_id, month, revenue FROM stored_rows EXCEPT SELECT customer_id, month, revenue FROM file_rows)
) AS differing
"""
GONE = "metrics_import_gone"
DELETE_GONE = f"""
DELETE FROM {ACTIVITY} AS activity USING {GONE} AS gone
WHERE activity.organization_id = %s AND activity.customer_id = gone.customer_id AND activity.month = gone.month
"""
COPY_ACTIVITY = (
    "COPY {table} (organization_id, customer_id, month, revenue, segment)"
    " FROM STDIN (FORMAT csv, FORCE_NOT_NULL (segment))"
)
# The file's customers, known before or just added, by key.
FILE_CUSTOMERS = (
    f"SELECT customer.id, customer.external_id FROM {CUSTOMER} AS customer JOIN {KEYS} AS keys"
    " ON customer.organization_id = {organization} AND customer.external_id = keys.external_id"
)
# The same as CSV lines joined into texts (metrics/transfer.py; a COPY took 0.16 s for 68,000 customers). A plain
# file's keys hold no quote, comma or line end: they need no quoting.
FILE_CUSTOMER_LINES = (
    "SELECT string_agg(concat_ws(',', id, external_id), E'\\n') FROM ({file_customers}) AS known GROUP BY id / 1024"
)


class Declined(Exception):
    """The file is not plain: reading.py reads it."""


class ColumnarImport:
    """Context manager holding one file's checked, grouped rows in DuckDB (in a private temporary folder)
    until `merge` stores them; `read` returns the report, or None when reading.py must read the file."""

    def __init__(self, path: str, *, kind: str):
        self.path, self.kind = path, kind
        self._exit = ExitStack()

    def __enter__(self) -> "ColumnarImport":
        self.scratch = Path(self._exit.enter_context(tempfile.TemporaryDirectory(prefix="cco-import-")))
        self.db = duckdb.connect(":memory:", config={"temp_directory": str(self.scratch / "spill")})
        self._exit.callback(self.db.close)
        self.db.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        self.db.execute("SET preserve_insertion_order = false")
        return self

    def __exit__(self, *exc) -> None:
        self._exit.close()

    def read(self, on_progress: Callable[[int, int], None] | None = None) -> Report | None:
        try:
            return self._read(on_progress)
        except (Declined, Stop, ValueError, duckdb.Error):
            return None

    def _read(self, on_progress) -> Report:
        layout = LAYOUTS[self.kind]
        with open(self.path, "rb") as stream:
            reading._check_start(stream.read(4))
            stream.seek(0)
            header = _plain_header(stream)
            size = stream.tell()
        positions = reading._columns(header, layout, 1)
        columns = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(len(header)))
        label = positions.get(layout.label)
        self.db.execute(
            GROUP_ROWS.format(
                key=f"c{positions['customer_id']}",
                period=f"c{positions['period']}",
                revenue=f"c{positions['revenue']}",
                label="''" if label is None else f"trim(coalesce(c{label}, ''))",
                columns="{" + columns + "}",
            ),
            [self.path],
        )
        rows, unusual, magnitude, mixed = self.db.execute(
            "SELECT sum(rows), sum(unusual), sum(magnitude), count(*) FILTER (WHERE first_label <> last_label)"
            " FROM grouped_periods"
        ).fetchone()
        if not rows or unusual or mixed:
            raise Declined
        # The months, by values.py itself; a period it refuses sends the file to reading.py for the message.
        periods = {
            period: parse_period(period)
            for (period,) in self.db.execute("SELECT DISTINCT period FROM grouped_periods").fetchall()
        }
        self.db.execute("CREATE TABLE periods (period VARCHAR, month INTEGER)")
        self.db.executemany("INSERT INTO periods VALUES (?, ?)", list(periods.items()))
        # A customer-month's rows under two spellings of its period may name two segments.
        self.db.execute(MONTHS if len(set(periods.values())) == len(periods) else GROUP_MONTHS)
        if self.db.execute("SELECT count(*) FROM grouped WHERE first_label <> last_label").fetchone()[0]:
            raise Declined
        report = self.report = Report(rows=int(rows), months=set(periods.values()), magnitude=int(magnitude))
        # The file was read in one go: its progress is told once it is, at the same steps as reading.py's.
        if on_progress is not None:
            for done in range(reading.PROGRESS_EVERY, report.rows + 1, reading.PROGRESS_EVERY):
                on_progress(done, round(size * done / report.rows))
        return report

    def within_limits(
        self, connection: BaseDatabaseWrapper, *, organization_id: int, mode: str, report: Report
    ) -> bool:
        """Whether no sum can pass what the figures hold (merging.sum_problems, which reading.py's path runs
        when one could: its messages need the staged lines)."""
        kept = 0
        if mode == ImportMode.APPEND:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COALESCE(SUM(ABS(revenue * 1.0)), 0) FROM {ACTIVITY}"
                    " WHERE organization_id = %s AND month = ANY(%s)",
                    [organization_id, sorted(report.months)],
                )
                kept = cursor.fetchone()[0]
        return report.magnitude + kept <= min(MAX_CUSTOMER_MONTH, MAX_MONTH_TOTAL)

    def merge(self, connection: BaseDatabaseWrapper, *, organization_id: int, mode: str) -> int | None:
        """Store the grouped rows as merging.merge_activity stores staged ones, inside the import's transaction, and
        return the first month whose stored rows changed, as it does."""
        org = int(organization_id)
        months = sorted(self.report.months)
        keys, ids, rows = self.scratch / "keys.csv", self.scratch / "ids.csv", self.scratch / "rows.csv"
        self.db.execute(KEYS_SQL.format(path=keys))
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor
            for table in (KEYS, TOUCHED, GROUPED, GONE):
                cursor.execute(f"DROP TABLE IF EXISTS {temporary(connection, table)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {KEYS} (external_id text NOT NULL, segment text NOT NULL)")
            cursor.execute(f"CREATE TEMPORARY TABLE {TOUCHED} (customer_id bigint)")
            copy_file_in(cursor, f"COPY {KEYS} FROM STDIN (FORMAT csv, FORCE_NOT_NULL (segment))", keys)
            # The customers known before: their latest month may lie outside the file, so their segment is
            # worked out from what is stored once it is (merging.UPDATE_SEGMENTS).
            file_customers = FILE_CUSTOMERS.format(organization=org)
            cursor.execute(f"INSERT INTO {TOUCHED} (customer_id) SELECT id FROM ({file_customers}) AS known")
            cursor.execute(
                f"INSERT INTO {CUSTOMER} (organization_id, external_id, segment)"
                f" SELECT %s, external_id, segment FROM {KEYS} ON CONFLICT (organization_id, external_id) DO NOTHING",
                [org],
            )
            write_joined_lines(cursor, FILE_CUSTOMER_LINES.format(file_customers=file_customers), ids)
            self.db.execute(FILE_ROWS, [str(ids)])
            first_changed = months[0]
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {ACTIVITY} WHERE organization_id = %s AND month = ANY(%s))",
                [org, months],
            )
            if not cursor.fetchone()[0]:
                self.db.execute(ROWS.format(organization=org, rows="SELECT * FROM file_rows", path=rows))
                copy_file_in(cursor, COPY_ACTIVITY.format(table=ACTIVITY), rows)
            elif mode == ImportMode.REPLACE:
                first_changed = self._replace(cursor, org, months, rows)
            else:
                # Appending to months with data: added to the rows there, as merging.ADD_TO_ACTIVITY does.
                self.db.execute(ROWS.format(organization=org, rows="SELECT * FROM file_rows", path=rows))
                cursor.execute(f"CREATE TEMPORARY TABLE {GROUPED} (LIKE {ACTIVITY})")
                copy_file_in(cursor, COPY_ACTIVITY.format(table=GROUPED), rows)
                cursor.execute(
                    f"INSERT INTO {ACTIVITY} (organization_id, customer_id, month, revenue, segment)"
                    f" SELECT organization_id, customer_id, month, revenue, segment FROM {GROUPED}"
                    " ORDER BY customer_id, month"
                    " ON CONFLICT (customer_id, month) DO UPDATE SET revenue = "
                    f"{ACTIVITY}.revenue + excluded.revenue, segment = CASE WHEN excluded.segment <> ''"
                    f" THEN excluded.segment ELSE {ACTIVITY}.segment END"
                )
                cursor.execute(f"DROP TABLE {GROUPED}")
            cursor.execute(UPDATE_SEGMENTS)
            cursor.execute(f"DROP TABLE {TOUCHED}")
            cursor.execute(f"DROP TABLE {KEYS}")
        return first_changed

    def _replace(self, cursor, org: int, months: list[int], rows: Path) -> int | None:
        """Replace the stored rows of the file's months by its own, deleting and writing only the rows that
        differ, and return the first month whose revenue differs (None: none does)."""
        stored, gone = self.scratch / "stored.csv", self.scratch / "gone.csv"
        write_joined_lines(cursor, STORED_ROWS, stored, [org, months])
        self.db.execute(STORED_TABLE, [str(stored)])
        self.db.execute(ROWS.format(organization=org, rows=CHANGED_ROWS, path=rows))
        self.db.execute(GONE_KEYS.format(path=gone))
        first_changed = self.db.execute(FIRST_DIFFERENCE).fetchone()[0]
        cursor.execute(f"CREATE TEMPORARY TABLE {GONE} (customer_id bigint, month integer)")
        copy_file_in(cursor, f"COPY {GONE} FROM STDIN (FORMAT csv)", gone)
        # Customers who lose a row of these months may lose their latest month, and so its segment.
        cursor.execute(f"INSERT INTO {TOUCHED} (customer_id) SELECT DISTINCT customer_id FROM {GONE}")
        cursor.execute(DELETE_GONE, [org])
        cursor.execute(f"DROP TABLE {GONE}")
        copy_file_in(cursor, COPY_ACTIVITY.format(table=ACTIVITY), rows)
        return first_changed


def applies(connection: BaseDatabaseWrapper, *, kind: str, enabled: bool) -> bool:
    """Whether an import of `kind` may try the quick path on this connection."""
    return enabled and kind == ImportKind.ACTIVITY and connection.vendor == "postgresql"


def _plain_header(stream) -> list[str]:
    """The header's cells of a plain file; Declined if any byte of the file is not plain."""
    if stream.read(len(BOM)) != BOM:
        stream.seek(0)
    start = stream.tell()
    first = stream.readline(MAX_LINE)
    if not first.endswith(b"\n"):
        raise Declined
    stream.seek(start)
    while chunk := stream.read(CHUNK):
        if chunk.endswith(b"\r"):
            chunk += stream.read(1)
        # Line ends are \n or \r\n, as DuckDB and the csv module both read them.
        if chunk.translate(None, _PLAIN_BYTES) or chunk.count(b"\r") != chunk.count(b"\r\n"):
            raise Declined
    header = next(csv.reader([first.decode("ascii")]), [])
    if not any(cell.strip() for cell in header):
        raise Declined
    return header
