"""Reading an import file: from its bytes to checked rows, streamed, with every problem it has.

Nothing here touches the database: the rows go to `on_batch` (a staging table, in the import) a batch
at a time, so memory stays the same whatever the size of the file. Once a problem is found no more
rows are sent, but reading goes on to report every problem of the file.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from ..months import month_label
from ..uploads import content_problem
from .values import (
    LAYOUTS,
    MAX_TEXT,
    Layout,
    encoding_problem,
    header_name,
    parse_period,
    parse_revenue,
    parse_text,
    quoted,
)

MAX_REPORTED = 1000
PROGRESS_EVERY = 50_000
# A longer line is not a line of a CSV export; reading stops there rather than hold it in memory.
MAX_LINE = 1 << 20
# Distinct period values remembered; files have a few dozen, and a hostile one must not grow memory.
PERIOD_CACHE = 10_000

# (line, customer key, month, revenue in ten-thousandths, segment or reason)
Row = tuple[int, str, int, int, str]


@dataclass(frozen=True)
class Problem:
    """Why a file is rejected: where (line 1 is the header; None for the file as a whole) and what."""

    line: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.line and f"line {self.line}", self.column) if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Report:
    """What reading found: the data rows, the months they fall in, and the problems (the first
    MAX_REPORTED of them kept, all of them counted)."""

    rows: int = 0
    months: set[int] = field(default_factory=set)
    errors: list[Problem] = field(default_factory=list)
    error_count: int = 0
    # Every row's revenue taken positive, added up (ten-thousandths): the most any sum of the rows can be.
    magnitude: int = 0

    def add(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(problem)

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    @property
    def month_labels(self) -> list[str]:
        return [month_label(month) for month in sorted(self.months)]


class Stop(Exception):
    """Problems after which the rest of the file cannot be read sensibly."""

    def __init__(self, *problems: Problem):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def read_file(
    stream: BinaryIO,
    *,
    kind: str,
    on_batch: Callable[[list[Row]], None] | None = None,
    batch_size: int = 5000,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read and check a whole import file of `kind` from a seekable binary stream.

    Rows of a valid file are passed to `on_batch` in file order, `batch_size` at a time; `on_progress`
    is told the rows read so far and the bytes consumed every PROGRESS_EVERY rows. Never raises for
    anything in the file: every problem ends up in the report.
    """
    report = Report()
    try:
        _check_start(stream.read(4))
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        try:
            _read_rows(text, stream, LAYOUTS[kind], report, on_batch, batch_size, on_progress)
        finally:
            text.detach()
    except Stop as stop:
        for problem in stop.problems:
            report.add(problem)
    return report


def _check_start(head: bytes) -> None:
    if not head:
        raise Stop(Problem(None, None, "The file is empty."))
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise Stop(Problem(None, None, "The file is UTF-16; save it as CSV UTF-8."))
    # Uploads are refused on the same test before they are stored (uploads.check_upload); a file stored
    # otherwise, or before that check existed, meets it here.
    if problem := content_problem(head):
        raise Stop(Problem(None, None, problem))


def _lines(text: io.TextIOWrapper):
    readline = text.readline
    while line := readline(MAX_LINE):
        if len(line) == MAX_LINE and line[-1] not in "\r\n":
            raise Stop(Problem(None, None, f"A line is longer than {MAX_LINE:,} characters; is this a CSV file?"))
        yield line


def _read_rows(text, stream, layout: Layout, report: Report, on_batch, batch_size: int, on_progress) -> None:
    # Strict: a quote left open is an error at the end of the file, not a last value swallowing every line
    # after it (which then read as a row with empty columns).
    reader = csv.reader(_lines(text), strict=True)
    last_line = 0
    try:
        header = next((cells for cells in reader if any(cell.strip() for cell in cells)), None)
        if header is None:
            raise Stop(Problem(None, None, "The file is empty."))
        positions = _columns(header, layout, reader.line_num)
        width = len(header)
        i_id, i_period, i_label = positions["customer_id"], positions["period"], positions.get(layout.label)
        i_revenue = positions.get("revenue")
        label_required = layout.label_required
        batch: list[Row] = []
        periods: dict[str, int] = {}
        months = report.months
        next_progress, last_line = PROGRESS_EVERY, reader.line_num
        magnitude = 0

        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if len(cells) != width:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                cells = _fit(cells, width, line, report)
                if cells is None:
                    report.rows += 1
                    on_batch = None
                    continue
            key = cells[i_id].strip()
            if not key and not any(cell.strip() for cell in cells):
                continue  # a row of empty cells, as spreadsheets leave at the end
            report.rows += 1
            if report.rows >= next_progress:
                next_progress += PROGRESS_EVERY
                if on_progress is not None:
                    on_progress(report.rows, stream.tell())

            # The usual row takes this path; anything unusual is checked again, slowly, by _check_row.
            label = cells[i_label].strip() if i_label is not None else ""
            raw_period = cells[i_period]
            month = periods.get(raw_period)
            try:
                if month is None:
                    month = parse_period(raw_period)
                    months.add(month)
                    if len(periods) < PERIOD_CACHE:
                        periods[raw_period] = month
                units = parse_revenue(cells[i_revenue]) if i_revenue is not None else 0
                usual = (
                    key
                    # A cell the portal's export guarded with an apostrophe is read by parse_text.
                    and key[0] != "'"
                    and label[:1] != "'"
                    and len(key) <= MAX_TEXT
                    and key.isascii()
                    # ASCII and printable: no control character, NUL and line breaks included.
                    and key.isprintable()
                    and len(label) <= MAX_TEXT
                    and label.isascii()
                    and label.isprintable()
                    and (label or not label_required)
                )
            except ValueError:
                usual = False
            if not usual:
                row = _check_row(cells, line, layout, positions, report)
                if row is None:
                    on_batch = None
                    continue
                key, month, units, label = row
                months.add(month)
            magnitude += units if units >= 0 else -units
            if on_batch is not None:
                batch.append((line, key, month, units, label))
                if len(batch) >= batch_size:
                    on_batch(batch)
                    batch = []
        report.magnitude = magnitude
    except csv.Error as error:
        raise Stop(_csv_problem(error, reader.line_num, row_start=last_line + 1)) from None

    if report.rows == 0:
        raise Stop(Problem(None, None, "The file has a header but no rows."))
    if batch and on_batch is not None:
        on_batch(batch)


def _fit(cells: list[str], width: int, line: int, report: Report) -> list[str] | None:
    """A row with fewer values than columns gets empty ones; one with more is a problem, unless the
    extra ones are empty."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    if any(cell.strip() for cell in cells[width:]):
        report.add(Problem(line, None, f"The row has {len(cells)} values, but the header names {width} columns."))
        return None
    return cells[:width]


def _check_row(cells: list[str], line: int, layout: Layout, positions: dict[str, int], report: Report):
    """Check every value of a row, reporting each problem; the row's values when it has none."""
    values, problems = {}, []
    for name, index in positions.items():
        raw = cells[index]
        try:
            if problem := encoding_problem(raw):
                raise ValueError(problem)
            if name == "period":
                values[name] = parse_period(raw)
            elif name == "revenue":
                values[name] = parse_revenue(raw)
            else:
                values[name] = parse_text(raw, required=name in layout.required, what=name)
        except ValueError as error:
            problems.append(Problem(line, name, str(error)))
    for problem in problems:
        report.add(problem)
    if problems:
        return None
    return values["customer_id"], values["period"], values.get("revenue", 0), values.get(layout.label, "")


def _csv_problem(error: csv.Error, line: int, *, row_start: int) -> Problem:
    if "unexpected end of data" in str(error):
        return Problem(
            row_start,
            None,
            "A quote opens a value on this line and is never closed; close it, or remove it "
            '(a value with a quote inside it is written with the quote doubled: "6"" pipe").',
        )
    if "expected after" in str(error):
        return Problem(
            line,
            None,
            "A quoted value is followed by more text before the next comma; quote the whole value, "
            "doubling the quotes inside it.",
        )
    if "field larger than field limit" in str(error):
        return Problem(
            line,
            None,
            f"A value is longer than {csv.field_size_limit():,} characters; is a quote left open on an earlier line?",
        )
    return Problem(line, None, f"The file cannot be read as CSV: {error}.")


def _columns(header: list[str], layout: Layout, line: int) -> dict[str, int]:
    """Where each column is; a header that does not fit the layout stops the reading."""
    for cell in header:
        if problem := encoding_problem(cell):
            raise Stop(Problem(line, None, problem))
        if "\x00" in cell:
            raise Stop(Problem(line, None, "The file looks like UTF-16; save it as CSV UTF-8."))
    if len(header) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs")):
            if separator in header[0]:
                raise Stop(
                    Problem(line, None, f"The columns are separated by {name}; save the file as CSV UTF-8 (commas).")
                )
    names = [header_name(cell) for cell in header]
    found = ", ".join(name for name in names if name) or "none"
    allowed = ", ".join(layout.columns)
    problems = []
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue  # a column without a name, as spreadsheets leave after the last one: ignored
        if name in positions:
            problems.append(Problem(line, name, f"The column {quoted(name)} appears twice."))
        elif name not in layout.columns:
            problems.append(
                Problem(line, name, f"Unknown column {quoted(name)}; the columns of this file are {allowed}.")
            )
        positions.setdefault(name, index)
    for name in layout.required:
        if name not in positions:
            problems.append(
                Problem(line, name, f"The required column {quoted(name)} is missing; the columns found are {found}.")
            )
    if problems:
        raise Stop(*problems)
    return {name: index for name, index in positions.items() if name in layout.columns}
