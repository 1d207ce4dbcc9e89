"""The staging table: one import's checked rows, in a temporary table of the import's own connection,
from which merging.py moves them into the organization's data in one transaction.

PostgreSQL receives them with COPY (psycopg's cursor.copy()); other databases with executemany. A
temporary table is private to the connection and written without the write-ahead log, and it is
dropped when the import ends, or with the connection if the worker dies. Raw SQL because a temporary
table has no model, and COPY has no ORM counterpart.
"""

from collections.abc import Callable
from typing import IO, BinaryIO

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from .reading import Report, Row, read_file

TABLE = "metrics_import_rows"
COLUMNS = "line, external_id, month, revenue, label"
# The escapes of PostgreSQL's COPY text format, for the rare value that needs one.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Staging:
    """Context manager: creates the table on entry and drops it on exit; `add` stores a batch of rows."""

    batch_size = 5000
    # INTEGER PRIMARY KEY makes the line SQLite's row id: the lookup by line in merging.py is then free.
    definition = "line INTEGER PRIMARY KEY, external_id text NOT NULL, month integer NOT NULL, revenue bigint NOT NULL"

    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection

    def __enter__(self) -> "Staging":
        self.connection.ensure_connection()
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {temporary(self.connection, TABLE)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} ({self.definition}, label text NOT NULL)")
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {temporary(self.connection, TABLE)}")
        except DatabaseError:
            # After a failure the connection or its transaction may be unusable; the table goes with it.
            if exc_type is None:
                raise

    def read(
        self, stream: BinaryIO | IO[bytes], *, kind: str, on_progress: Callable[[int, int], None] | None = None
    ) -> Report:
        """Read and check a whole import file of `kind` (see read_file), staging the rows of a valid one."""
        return read_file(stream, kind=kind, on_batch=self.add, batch_size=self.batch_size, on_progress=on_progress)

    def add(self, rows: list[Row]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s)", rows)

    def analyze(self) -> None:
        """Let the planner know the table's size; temporary tables are never analyzed by themselves."""


class CopyStaging(Staging):
    """PostgreSQL: every batch is one COPY, written as text in one piece."""

    batch_size = 50_000
    # The line is the key, for the rare customer-month whose segments differ (merging.py); the rows
    # arrive in line order, so the index only ever grows at its end.
    definition = "line bigint PRIMARY KEY, external_id text NOT NULL, month integer NOT NULL, revenue bigint NOT NULL"

    def add(self, rows: list[Row]) -> None:
        text = "".join([f"{line}\t{key}\t{month}\t{units}\t{label}\n" for line, key, month, units, label in rows])
        # A key or label holding a tab, newline, carriage return or backslash needs escaping; counting
        # them in the whole batch is much quicker than looking into every value.
        if text.count("\t") != 4 * len(rows) or text.count("\n") != len(rows) or "\\" in text or "\r" in text:
            text = "".join(
                [
                    f"{line}\t{key.translate(_COPY_ESCAPES)}\t{month}\t{units}\t{label.translate(_COPY_ESCAPES)}\n"
                    for line, key, month, units, label in rows
                ]
            )
        with self.connection.cursor() as cursor, cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy:
            copy.write(text)

    def analyze(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")


def staging_for(connection: BaseDatabaseWrapper) -> Staging:
    """The fastest way to stage rows on this connection's database."""
    return CopyStaging(connection) if connection.vendor == "postgresql" else Staging(connection)


def temporary(connection: BaseDatabaseWrapper, table: str) -> str:
    """The name of a temporary table, qualified so that it can never mean a permanent one."""
    return f"pg_temp.{table}" if connection.vendor == "postgresql" else f"temp.{table}"
