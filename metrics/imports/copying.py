"""PostgreSQL reads the usual import file itself: its bytes go with COPY into a temporary table of text
columns, and one INSERT … SELECT checks and converts every row into the staging table at once.

This is the fast way in, not a second definition of a valid file: reading.py stays the reference.
copy_file gives up (returns None) on anything it does not handle exactly as reading.py does, and the
import then reads the file with reading.py, which also names every problem with its line and column:
- quotes or backslashes anywhere after the header (PostgreSQL and Python's csv module read malformed
  quoting differently, a quoted value may span lines, and a line `\\.` would end a COPY), a header it
  cannot split by itself, or anything COPY refuses (bytes that are not UTF-8, a NUL, a blank line, a
  row with more or fewer values than the header);
- any row that reading.py would reject, or too many rows that SQL cannot settle on its own.
SQL settles a row when its values need no trimming and its revenue is plain digits; the period is
looked up among the file's distinct periods, which parse_period reads in Python. The few other rows
(values with spaces around them, rows of empty cells) are read here, row by row, with reading.py's checks.
"""

import contextlib
from collections.abc import Callable
from typing import BinaryIO

import psycopg
from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from . import reading
from .reading import MAX_LINE, PERIOD_CACHE, Report, Row, Stop, check_row, find_columns
from .values import LAYOUTS, MAX_TEXT, Layout, parse_period

RAW = "metrics_import_raw"
PERIODS = "metrics_import_periods"
# What Python's str.strip() removes (every character whose isspace() is true); tests/metrics checks it.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Rows SQL leaves to Python; more than this and reading.py reads the whole file instead, so that
# memory stays small whatever the file.
MAX_UNSETTLED = 10_000
# Each COPY is about this many bytes, cut at a line end; progress is recorded between two of them.
SEGMENT = 1 << 21
BOM = b"\xef\xbb\xbf"
# Python's csv module refuses a value of more than 131,072 characters, and reading.py a line of more than
# MAX_LINE: COPY takes both. Values SQL settles are kept well below, so that no row settled here would
# have been refused there: at most MAX_COLUMNS columns, the unnamed ones (ignored) of at most MAX_IGNORED
# characters, a revenue of at most MAX_REVENUE and a period of at most MAX_PERIOD.
MAX_COLUMNS, MAX_IGNORED, MAX_REVENUE, MAX_PERIOD = 100, 1000, 64, 1000


class GiveUp(Exception):
    """The file is not one that copy_file reads exactly as reading.py would."""


def copy_file(
    connection: BaseDatabaseWrapper,
    stream: BinaryIO,
    *,
    kind: str,
    staged: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report | None:
    """Read and check a whole import file on PostgreSQL into the (empty) staging table `staged`; the
    report of a valid file, or None when the file must be read by reading.py instead, which will then
    find the same rows, or name its problems. The rows are staged with the same values and in the same
    order as reading.py stages them (their `line` is their rank, not their line in the file)."""
    layout = LAYOUTS[kind]
    # In a transaction (the tests, a caller's atomic block) a refused COPY must not abort it.
    guard = transaction.atomic(using=connection.alias) if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            try:
                return _copy(cursor, stream, layout, staged, on_progress)
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{RAW}")
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{PERIODS}")
    except (GiveUp, DatabaseError, psycopg.Error):
        return None


def _copy(cursor, stream: BinaryIO, layout: Layout, staged: str, on_progress) -> Report:
    header = stream.readline(MAX_LINE)
    header = header.removeprefix(BOM)
    if not header.endswith(b"\n") or b'"' in header or b"\r" in header[:-2]:
        raise GiveUp
    try:
        names = header.decode("utf-8").rstrip("\r\n").split(",")
        positions = find_columns(names, layout, 1)
    except (UnicodeDecodeError, Stop):
        raise GiveUp from None
    width = len(names)
    if width > MAX_COLUMNS:
        raise GiveUp
    cells = ", ".join(f"c{index} text" for index in range(width))
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{RAW}")
    cursor.execute(f"CREATE TEMPORARY TABLE {RAW} (line bigint GENERATED ALWAYS AS IDENTITY, {cells})")
    rows = _copy_rows(cursor, stream, width, on_progress)
    if rows == 0:
        raise GiveUp  # reading.py tells what is wrong with a file without rows
    report = Report(rows=rows)
    report.months.update(_periods(cursor, positions["period"]))
    cursor.execute(_insert_sql(layout, positions, width, staged), {"whitespace": WHITESPACE})
    if cursor.rowcount < rows:
        _settle_the_rest(cursor, layout, positions, staged, report)
    return report


def _copy_rows(cursor, stream: BinaryIO, width: int, on_progress) -> int:
    """COPY the rest of the file into the raw table, a segment at a time; the number of rows.

    Without quotes every line is a row, so a segment can end on the very row where reading.py would
    tell its progress, which is told between two COPY statements (none can run during one)."""
    columns = ", ".join(f"c{index}" for index in range(width))
    # Empty cells are empty strings, as Python's csv module reads them, not NULL.
    statement = f"COPY {RAW} ({columns}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({columns}))"
    every = reading.PROGRESS_EVERY
    rows, next_progress, data = 0, every, b""
    while chunk := stream.read(SEGMENT):
        if b'"' in chunk or b"\\" in chunk:
            raise GiveUp
        data += chunk
        lines = data.count(b"\n")
        while rows + lines >= next_progress:
            needed = next_progress - rows
            end = _after_line(data, needed)
            if _copy_segment(cursor, statement, data[:end]) != needed:
                raise GiveUp
            rows, data, lines = next_progress, data[end:], lines - needed
            next_progress += every
            if on_progress is not None:
                on_progress(rows, stream.tell() - len(data))
        cut = data.rfind(b"\n") + 1
        if cut:
            rows += _copy_segment(cursor, statement, data[:cut])
            data = data[cut:]
        elif len(data) > MAX_LINE:
            raise GiveUp
    if data:
        rows += _copy_segment(cursor, statement, data)
        if rows >= next_progress and on_progress is not None:
            on_progress(rows, stream.tell())
    return rows


def _after_line(data: bytes, lines: int) -> int:
    """Where the `lines`-th line of data ends: found by counting, which copies nothing."""
    low, high = 0, len(data)
    while low < high:
        middle = (low + high) // 2
        if data.count(b"\n", 0, middle) < lines:
            low = middle + 1
        else:
            high = middle
    return low


def _copy_segment(cursor, statement: str, segment: bytes) -> int:
    with cursor.copy(statement) as copy:
        copy.write(segment)
    return cursor.rowcount


def _periods(cursor, period: int) -> set[int]:
    """The file's distinct periods, read by parse_period into a lookup table; the months they fall in."""
    cursor.execute(f"SELECT DISTINCT c{period} FROM {RAW} LIMIT %s", [PERIOD_CACHE + 1])
    values = [value for (value,) in cursor.fetchall()]
    if len(values) > PERIOD_CACHE:
        raise GiveUp
    months = {}
    for value in values:
        if len(value) > MAX_PERIOD:
            raise GiveUp
        try:
            months[value] = parse_period(value)
        except ValueError:
            if value.strip():
                raise GiveUp from None  # a row with this period is a problem whatever its other cells
    cursor.execute(f"CREATE TEMPORARY TABLE {PERIODS} (value text PRIMARY KEY, month integer NOT NULL)")
    cursor.executemany(f"INSERT INTO {PERIODS} (value, month) VALUES (%s, %s)", list(months.items()))
    cursor.execute(f"ANALYZE {PERIODS}")
    return set(months.values())


def _insert_sql(layout: Layout, positions: dict[str, int], width: int, staged: str) -> str:
    """Every row that SQL settles alone, converted as reading.py converts it, into the staging table."""
    key = f"raw.c{positions['customer_id']}"
    label = f"raw.c{positions[layout.label]}" if layout.label in positions else "''"
    revenue = f"raw.c{positions['revenue']}" if "revenue" in positions else "'0'"
    required_label = "AND label <> ''" if layout.label_required else ""
    ignored = "".join(
        f" AND char_length(raw.c{index}) <= {MAX_IGNORED}" for index in range(width) if index not in positions.values()
    )
    # A value stands as it is when trimming would not change it and it is not too long. A revenue that
    # is an optional sign, digits and at most one point (`shape` is what is left without the digits) is
    # a valid numeric, which must have at most 4 decimals that are not zero and 14 digits before the point.
    # OFFSET 0 keeps the inner query whole, so that each value is converted once, not once per use.
    plain_number = (
        f"char_length(shape) < char_length({revenue}) AND char_length({revenue}) <= {MAX_REVENUE} "
        f"AND (shape IN ('', '.') OR (shape IN ('-', '+', '-.', '+.') AND left({revenue}, 1) = left(shape, 1)))"
    )
    return f"""
        INSERT INTO {staged} (line, external_id, month, revenue, label)
        SELECT line, key, month, CAST(amount * 10000 AS bigint), label
        FROM (
            SELECT raw.line, {key} AS key, periods.month, {label} AS label,
                CASE WHEN {plain_number} THEN CAST({revenue} AS numeric) END AS amount
            FROM {RAW} AS raw
            JOIN {PERIODS} AS periods ON periods.value = raw.c{positions["period"]}
            CROSS JOIN LATERAL (SELECT translate({revenue}, '0123456789', '') AS shape) AS revenue
            WHERE true{ignored}
            OFFSET 0
        ) AS cells
        WHERE char_length(key) BETWEEN 1 AND {MAX_TEXT} AND key = btrim(key, %(whitespace)s)
            AND char_length(label) <= {MAX_TEXT} AND label = btrim(label, %(whitespace)s) {required_label}
            AND abs(amount) < 1e14 AND amount = round(amount, 4)
    """


def _settle_the_rest(cursor, layout: Layout, positions: dict[str, int], staged: str, report: Report) -> None:
    """Check in Python, as reading.py does, the rows SQL left; give up at the first problem (reading.py
    then reports them all) or when there are too many."""
    cursor.execute(
        f"SELECT * FROM {RAW} AS raw WHERE NOT EXISTS (SELECT FROM {staged} AS rows WHERE rows.line = raw.line) "
        "ORDER BY line LIMIT %s",
        [MAX_UNSETTLED + 1],
    )
    unsettled = cursor.fetchall()
    if len(unsettled) > MAX_UNSETTLED:
        raise GiveUp
    settled: list[Row] = []
    problems = Report()
    for line, *cells in unsettled:
        if not any(cell.strip() for cell in cells):
            report.rows -= 1  # a row of empty cells, as spreadsheets leave at the end
            continue
        values = check_row(cells, line, layout, positions, problems)
        if values is None:
            raise GiveUp
        settled.append((line, *values))
        report.months.add(values[1])
    if report.rows == 0:
        raise GiveUp
    with cursor.copy(f"COPY {staged} (line, external_id, month, revenue, label) FROM STDIN") as copy:
        for row in settled:
            copy.write_row(row)
