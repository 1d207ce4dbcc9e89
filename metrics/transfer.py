"""Rows between PostgreSQL and the CSV files that an in-process DuckDB reads and writes (metrics/columnar.py,
metrics/imports/columnar.py). Both take psycopg's own cursor, inside the caller's transaction."""

from pathlib import Path

CHUNK = 1 << 20
# A text column as a CSV field, quoted (the lines are joined by the query itself, not written by COPY).
QUOTED_SEGMENT = "'\"' || replace(segment, '\"', '\"\"') || '\"'"


def write_joined_lines(cursor, query: str, path: Path, params: list | None = None) -> None:
    """Write to `path` the texts `query` returns, each a run of CSV lines the query joined itself
    (`string_agg(..., E'\\n') ... GROUP BY id / 1024`): psycopg hands a COPY over row by row, at about twice the
    time PostgreSQL takes to write it, where a few thousand texts cost next to nothing."""
    with path.open("w") as out:
        cursor.execute(query, params)
        for (lines,) in cursor:
            out.write(lines + "\n")


def copy_file_in(cursor, statement: str, path: Path) -> None:
    """Run `statement`, a `COPY ... FROM STDIN`, with the bytes of the file at `path`."""
    with path.open("rb") as source, cursor.copy(statement) as copy:
        while chunk := source.read(CHUNK):
            copy.write(chunk)
