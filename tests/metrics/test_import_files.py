"""What a rejected import file tells its author: the corpus of bad files, each with the line, column and
reason of every problem, and arbitrary bytes that must give problems, never an exception."""

import io
import random
import tracemalloc

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cco_portal.csv_export import csv_text
from metrics.imports import MAX_REPORTED, read_file
from metrics.models import Dataset, ImportKind, ImportStatus
from tests.metrics.import_files import REASONS_HEADER, csv_bytes, expected_activity, run, stored_activity

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = f"{TODAY:%Y-%m}"
NEXT_MONTH = f"{TODAY.year + TODAY.month // 12:04d}-{TODAY.month % 12 + 1:02d}"
GOOD = [("ann", "2024-01", "100", "North"), ("bob", "2024-01", "50.5", "South")]
HEADER = b"customer_id,period,revenue,segment\n"


def problems(activity_import) -> list[tuple]:
    return [(error["line"], error["column"], error["message"]) for error in activity_import.errors]


CORPUS = {
    "missing column": (
        b"customer_id,revenue\nann,100\n",
        [(1, "period", "The required column “period” is missing; the columns found are customer_id, revenue.")],
    ),
    "unknown column": (
        b"customer_id,period,revenue,amount\nann,2024-01,100,5\n",
        [
            (
                1,
                "amount",
                "Unknown column “amount”; the columns of this file are customer_id, period, revenue, segment.",
            )
        ],
    ),
    "month 13": (
        HEADER + b"ann,2024-01,1,\nbob,2024-13,1,\n",
        [(3, "period", "“2024-13” has no month 13; months run from 01 to 12.")],
    ),
    "30 February": (
        HEADER + b"ann,2024-02-30,1,\n",
        [(2, "period", "“2024-02-30” is not a date: 2024-02 has no day 30.")],
    ),
    "two-digit year": (
        HEADER + b"ann,24-01,1,\n",
        [(2, "period", "“24-01” is not a period; write YYYY-MM (2024-01) or YYYY-MM-DD (2024-01-31).")],
    ),
    "decimal comma": (
        HEADER + b'ann,2024-01,"12,50",\n',
        [(2, "revenue", "“12,50” is not a number: use a point for decimals (1234.50) and no thousands separators.")],
    ),
    "letters": (
        HEADER + b"ann,2024-01,abc,\n",
        [
            (
                2,
                "revenue",
                "“abc” is not a number; write it like 1234.50 or -20 (a leading + or - is allowed, "
                "no currency signs or thousands separators).",
            )
        ],
    ),
    "five decimals": (
        HEADER + b"ann,2024-01,1.23456,\n",
        [(2, "revenue", "“1.23456” has 5 decimal places; at most 4 can be stored.")],
    ),
    "empty file": (b"", [(None, None, "The file is empty.")]),
    "blank lines only": (b"\n\n  \n", [(None, None, "The file is empty.")]),
    "header only": (HEADER, [(None, None, "The file has a header but no rows.")]),
    "Windows-1252": (
        HEADER + b"ann,2024-01,1,\n" * 5 + b"O\x92Brien,2024-01,1,\n",
        [(7, "customer_id", "Byte 0x92 is not UTF-8; the file looks like Windows-1252 — save it as CSV UTF-8.")],
    ),
    "UTF-16": (
        "customer_id,period,revenue\nann,2024-01,1\n".encode("utf-16"),
        [(None, None, "The file is UTF-16; save it as CSV UTF-8.")],
    ),
    "semicolons": (
        b"customer_id;period;revenue\nann;2024-01;1\n",
        [(1, None, "The columns are separated by semicolons; save the file as CSV UTF-8 (commas).")],
    ),
    "too many values": (
        HEADER + b"ann,2024-01,1,North,extra\n",
        [(2, None, "The row has 5 values, but the header names 4 columns.")],
    ),
    "several problems in a row": (
        HEADER + b",2024-1,1e3,North\n",
        [
            (2, "customer_id", "Empty; every row needs a customer_id."),
            (2, "period", "“2024-1” is not a period; write YYYY-MM (2024-01) or YYYY-MM-DD (2024-01-31)."),
            (
                2,
                "revenue",
                "“1e3” is not a number; write it like 1234.50 or -20 (a leading + or - is allowed, "
                "no currency signs or thousands separators).",
            ),
        ],
    ),
    "key too long": (
        HEADER + b"x" * 201 + b",2024-01,1,\n",
        [(2, "customer_id", f"“{'x' * 39}…” is 201 characters long; at most 200 are allowed.")],
    ),
    # An absurd period once made 1.56 million monthly rows out of a 12-line file.
    "year 0001": (
        HEADER + b"ann,0001-01,1,\n",
        [(2, "period", "“0001-01” is before 1900-01, the first month the portal takes.")],
    ),
    "year 9999": (
        HEADER + b"ann,2024-01,1,\nann,9999-12-31,1,\n",
        [
            (
                3,
                "period",
                f"“9999-12-31” is after this month ({THIS_MONTH}); activity of the future cannot be imported.",
            )
        ],
    ),
    "next month": (
        HEADER + f"ann,{NEXT_MONTH},1,\n".encode(),
        [
            (
                2,
                "period",
                f"“{NEXT_MONTH}” is after this month ({THIS_MONTH}); activity of the future cannot be imported.",
            )
        ],
    ),
    "revenue beyond the figures": (
        HEADER + b"ann,2024-01,1000000000000,\n",
        [(2, "revenue", "“1000000000000” is too large for the figures; at most 12 digits before the point.")],
    ),
    "line break in a key": (
        HEADER + b'"ann\nlee",2024-01,1,\n',
        [
            (
                2,
                "customer_id",
                "Contains the invisible character U+000A (a line break) at position 4; remove it, as it can make "
                "one customer_id look like another.",
            )
        ],
    ),
    "right-to-left override in a key": (
        HEADER + "ann\u202egpj.exe,2024-01,1,\n".encode(),
        [
            (
                2,
                "customer_id",
                "Contains the invisible character U+202E (a text-direction mark) at position 4; remove it, as it "
                "can make one customer_id look like another.",
            )
        ],
    ),
    "bell in a segment": (
        HEADER + b"ann,2024-01,1,North\x07\n",
        [
            (
                2,
                "segment",
                "Contains the invisible character U+0007 (a control character) at position 6; remove it, as it "
                "can make one segment look like another.",
            )
        ],
    ),
    "unclosed quote": (
        HEADER + b'ann,2024-01,1,\n"bob,2024-01,2,\ncy,2024-01,3,\n',
        [
            (
                3,
                None,
                "A quote opens a value on this line and is never closed; close it, or remove it (a value with a "
                'quote inside it is written with the quote doubled: "6"" pipe").',
            )
        ],
    ),
}


@pytest.mark.parametrize(("content", "expected"), CORPUS.values(), ids=CORPUS.keys())
def test_a_bad_file_is_rejected_with_each_problem_and_changes_nothing(organization, content, expected):
    """Every problem is reported where it is, and the organization's data stays as it was."""
    # given
    run(organization, csv_bytes(GOOD))
    before, version = stored_activity(organization), Dataset.objects.get(organization=organization).version

    # when
    rejected = run(organization, content)

    # then
    assert rejected.status == ImportStatus.FAILED
    assert problems(rejected) == expected
    assert rejected.error_count == len(expected)
    assert stored_activity(organization) == before
    assert Dataset.objects.get(organization=organization).version == version


def test_37_bad_rows_in_1000_give_exactly_37_problems_on_their_lines(organization):
    """One problem per bad row, on the file's own line numbers (the header is line 1)."""
    # given
    chooser = random.Random(37)
    bad_lines = set(chooser.sample(range(2, 1002), 37))
    breakages = [("period", "2024-13"), ("period", "2024-02-30"), ("revenue", "12,50"), ("revenue", "1.23456")]
    rows, expected = [], []
    for line in range(2, 1002):
        row = {"customer_id": f"C{line}", "period": "2024-05-31", "revenue": f"{line}.25", "segment": "West"}
        if line in bad_lines:
            column, value = chooser.choice([*breakages, ("customer_id", " ")])
            row[column] = value
            expected.append((line, column))
        rows.append(tuple(row.values()))

    # when
    rejected = run(organization, csv_bytes(rows))

    # then
    assert rejected.error_count == 37
    assert [(error["line"], error["column"]) for error in rejected.errors] == expected
    assert rejected.rows_total == 1000
    assert stored_activity(organization) == {}


def test_only_the_first_problems_are_kept_but_all_are_counted(organization):
    """A file of nothing but bad rows keeps the first MAX_REPORTED problems and counts them all."""
    # when
    rejected = run(organization, csv_bytes([("ann", "2024-13", "1", "")] * (MAX_REPORTED + 500)))

    # then
    assert rejected.error_count == MAX_REPORTED + 500
    assert len(rejected.errors) == MAX_REPORTED
    assert rejected.errors[-1]["line"] == MAX_REPORTED + 1


def test_a_friendly_file_is_accepted(organization):
    """A BOM, headers in any case and spacing, CRLF line ends, a date for a period, a leading +, zeros past
    the fourth decimal, empty trailing rows and an unnamed empty column are all fine."""
    # given
    content = (
        "\ufeff Customer ID ,PERIOD,Revenue,segment,\r\n"
        "ann,2024-01-31,+100.50000,North,\r\n"
        "ann,2024-01,-0.5,,\r\n"
        "Zoë,2024-02,7,Süd,\r\n"
        ",,,,\r\n"
    ).encode()

    # when
    imported = run(organization, content)

    # then
    assert (imported.status, imported.errors, imported.rows_total) == (ImportStatus.SUCCEEDED, [], 3)
    assert imported.months == ["2024-01", "2024-02"]
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (1_000_000, "North"),
        ("Zoë", "2024-02"): (70_000, "Süd"),
    }


def test_a_reasons_file_needs_its_reason(organization):
    """In a reasons file the reason is required; a segment column is unknown there."""
    # when
    empty_reason = run(
        organization, csv_bytes([("ann", "2024-01", " ")], header=REASONS_HEADER), kind=ImportKind.REASONS
    )
    segment = run(organization, b"customer_id,period,segment\nann,2024-01,North\n", kind=ImportKind.REASONS)

    # then
    assert problems(empty_reason) == [(2, "reason", "Empty; every row needs a reason.")]
    assert problems(segment) == [
        (1, "segment", "Unknown column “segment”; the columns of this file are customer_id, period, reason."),
        (1, "reason", "The required column “reason” is missing; the columns found are customer_id, period, segment."),
    ]


def read(content: bytes, kind=ImportKind.ACTIVITY):
    return read_file(io.BytesIO(content), kind=kind, on_batch=lambda rows: None)


def assert_only_problems(report) -> None:
    for problem in report.errors:
        assert problem.line is None or problem.line >= 1
        assert problem.message
    assert report.error_count >= len(report.errors)
    assert report.is_valid or report.error_count


@settings(max_examples=300, database=None, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_problems_never_an_exception(content):
    """Whatever the bytes, reading ends with a report."""
    assert_only_problems(read(content))
    assert_only_problems(read(content, kind=ImportKind.REASONS))


@settings(max_examples=300, database=None, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
def test_arbitrary_text_under_a_valid_header_gives_problems_never_an_exception(cells, newline):
    """Rows of any text, with quotes, separators and line ends of every kind, under a correct header."""
    lines = [",".join(row) for row in cells]
    content = newline.join(["customer_id,period,revenue,segment", *lines]).encode("utf-8", "surrogatepass")
    assert_only_problems(read(content))


class GeneratedCsv(io.RawIOBase):
    """An activity file of `rows` rows, made as it is read: the test holds none of it."""

    def __init__(self, rows: int):
        self.rows = rows
        self.seek(0)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        assert (offset, whence) == (0, io.SEEK_SET), "only rewinding is supported"
        self.made, self.pending, self.position = 0, HEADER, 0
        return 0

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        while len(self.pending) < len(buffer) and self.made < self.rows:
            upto = min(self.made + 1000, self.rows)
            self.pending += "".join(
                f"C{n:07d},2024-{n % 12 + 1:02d},{n % 997}.25,North\n" for n in range(self.made, upto)
            ).encode()
            self.made = upto
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        self.position += size
        return size


def peak_memory_reading(rows: int) -> int:
    tracemalloc.start()
    try:
        report = read_file(io.BufferedReader(GeneratedCsv(rows)), kind=ImportKind.ACTIVITY, on_batch=lambda rows: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (report.rows, report.error_count) == (rows, 0)
    return peak


def test_reading_takes_the_same_memory_whatever_the_size_of_the_file():
    """Four times the rows, the same peak: the file streams through a batch at a time."""
    # when
    small, large = peak_memory_reading(10_000), peak_memory_reading(40_000)

    # then
    assert large < small * 1.1
    assert large < 3 * 2**20


# Export, then import: the portal's own CSV writer (which guards formula-like text with an apostrophe,
# cco_portal/csv_export.py) and the import read the same rows back.
keys = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=10).filter(
    lambda key: key.strip() == key and key
)
labels = st.sampled_from(["", "North", "=SUM(A1)", "+44 region", "-", "@team", "Zürich"])
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(keys, st.sampled_from(["2024-01", "2024-02", "2024-03"]), amounts, labels), min_size=1, max_size=12
    )
)
def test_a_file_written_by_the_portals_csv_export_imports_as_it_was_written(organization, rows):
    """Given any customer keys (formula-like ones included), segments and amounts written by csv_export,
    when the file is imported, then exactly those rows are stored: the guard apostrophe is read as a
    spreadsheet reads it, and negative amounts stay numbers."""
    organization.customers.all().delete()
    exported = csv_text(["customer_id", "period", "revenue", "segment"], rows).encode()

    imported = run(organization, exported)

    assert imported.status == "succeeded", imported.errors
    written = [(key, period, str(amount), label) for key, period, amount, label in rows]
    assert stored_activity(organization) == expected_activity(written)[0]
