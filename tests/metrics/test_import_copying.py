"""PostgreSQL reading the usual file itself (metrics/imports/copying.py): the same staged rows as
reading.py for every file it takes, and reading.py for every file it does not."""

import io
import sys

import pytest
from django.db import connection

from metrics.imports import CopyStaging, Staging, merge_activity, merge_reasons
from metrics.imports import copying as copying_module
from metrics.imports import reading as reading_module
from metrics.imports.copying import WHITESPACE, copy_file
from metrics.imports.staging import TABLE
from metrics.models import ImportKind, ImportMode
from tests.metrics.import_files import REASONS_HEADER, csv_bytes, stored_activity, stored_reasons, stored_segments

pytestmark = pytest.mark.django_db

HEADER = b"customer_id,period,revenue,segment\n"

# Files without quotes or backslashes, with what SQL settles alone and what it leaves to Python.
TAKEN = {
    "plain rows": HEADER + b"ann,2024-01,100,North\nbob,2024-01,50.5,South\nann,2024-02,-3,\n",
    "rows of a customer and month add up, the last segment wins": (
        HEADER + b"ann,2024-01,1,North\nann,2024-01-31,2,\nann,2024-01,3,East\nann,2024-01,4,\n"
    ),
    "numbers of every allowed shape": (
        HEADER + b"a,2024-01,+1.5,\nb,2024-01,.25,\nc,2024-01,7.,\nd,2024-01,-0,\ne,2024-01,1.230000,\n"
        b"f,2024-01,00012,\ng,2024-01,99999999999999.9999,\nh,2024-01,-.5,\n"
    ),
    "values with spaces around them": HEADER + b" ann ,2024-01 , 100 , North\n\tbob,2024-02,\t5\t,\xc2\xa0South\n",
    "keys and segments beyond ASCII": HEADER + "Zoë,2024-01,1,Zürich\n李,2024-02,2,东\n".encode(),
    "a BOM, CRLF, a header in any case and an unnamed empty column": (
        "\ufeff Customer ID ,PERIOD,Revenue,segment,\r\nann,2024-01,1,North,\r\nbob,2024-02,2,,\r\n,,,,\r\n"
    ).encode(),
    "rows of empty cells at the end, no final line break": HEADER + b"ann,2024-01,1,North\n,,,\n , ,,",
    "no segment column": b"period,revenue,customer_id\n2024-01,1,ann\n2024-03,2,bob\n",
}

GIVEN_UP = {
    "quotes": HEADER + b'"ann",2024-01,1,North\n',
    "a backslash": HEADER + b"a\\b,2024-01,1,North\n",
    "a blank line": HEADER + b"ann,2024-01,1,North\n\nbob,2024-01,1,North\n",
    "a row with fewer values": HEADER + b"ann,2024-01,1\n",
    "a row with more values": HEADER + b"ann,2024-01,1,North,\n",
    "bytes that are not UTF-8": HEADER + b"O\x92Brien,2024-01,1,\n",
    "a bad month": HEADER + b"ann,2024-13,1,\n",
    "a bad revenue": HEADER + b"ann,2024-01,1.23456,\n",
    "an empty key": HEADER + b" ,2024-01,1,North\n",
    "a key too long": HEADER + b"x" * 201 + b",2024-01,1,\n",
    "a revenue too large": HEADER + b"ann,2024-01,100000000000000,\n",
    "carriage returns alone": b"customer_id,period,revenue\rann,2024-01,1\r",
    "a header only": HEADER,
    "an unknown column": b"customer_id,period,revenue,amount\nann,2024-01,1,2\n",
}


def test_whitespace_is_what_python_strips():
    """The characters trimmed in SQL are exactly those str.strip() removes."""
    assert set(WHITESPACE) == {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("This test is about PostgreSQL's COPY: set DATABASE_URL=postgres://…")


def import_both_ways(content: bytes, copied_into, read_into, kind=ImportKind.ACTIVITY):
    """Stage the file with copy_file for one organization and with reading.py for the other, and merge
    each; the two reports."""
    merge = merge_activity if kind == ImportKind.ACTIVITY else merge_reasons
    with CopyStaging(connection):
        copied = copy_file(connection, io.BytesIO(content), kind=kind, staged=TABLE)
        if copied is not None:
            merge(connection, organization_id=copied_into.pk, mode=ImportMode.REPLACE)
    with Staging(connection) as staging:
        read = reading_module.read_file(io.BytesIO(content), kind=kind, on_batch=staging.add)
        if read.is_valid:
            merge(connection, organization_id=read_into.pk, mode=ImportMode.REPLACE)
    return copied, read


@pytest.mark.services
@pytest.mark.parametrize("content", TAKEN.values(), ids=TAKEN.keys())
def test_a_file_copy_takes_is_stored_as_reading_stores_it(organization, other_organization, content):
    """Same rows, months, sums and segments as reading.py, for every file the SQL reads."""
    _require_postgresql()
    # when
    copied, read = import_both_ways(content, organization, other_organization)

    # then
    assert copied is not None, "copy_file should read this file itself"
    assert read.is_valid, read.errors
    assert (copied.rows, copied.months, copied.error_count) == (read.rows, read.months, 0)
    assert stored_activity(organization) == stored_activity(other_organization)
    assert stored_segments(organization) == stored_segments(other_organization)


@pytest.mark.services
@pytest.mark.parametrize("content", GIVEN_UP.values(), ids=GIVEN_UP.keys())
def test_copy_leaves_every_other_file_to_reading(organization, other_organization, content):
    """Quotes, backslashes, anything COPY refuses and any bad row: copy_file gives up, and leaves no
    table behind and no aborted transaction."""
    _require_postgresql()
    # when
    copied, _ = import_both_ways(content, organization, other_organization)

    # then
    assert copied is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'metrics_import_%%'")
        assert cursor.fetchone() == (0,)


@pytest.mark.services
def test_a_reasons_file_is_copied_as_reading_stores_it(organization, other_organization):
    """A reasons file: the last reason of a customer and month, trimmed; an empty reason is a problem."""
    _require_postgresql()
    # given
    rows = [("ann", "2024-01", "moved"), ("ann", "2024-01", " price "), ("bob", "2024-02-03", "Zoë's café")]

    # when
    copied, read = import_both_ways(csv_bytes(rows, header=REASONS_HEADER), organization, other_organization, "reasons")
    refused, _ = import_both_ways(csv_bytes([("ann", "2024-01", " ")], header=REASONS_HEADER), organization, None)

    # then
    assert copied is not None
    assert copied.rows == read.rows == 3
    assert (
        stored_reasons(organization)
        == stored_reasons(other_organization)
        == {
            ("ann", "2024-01"): "price",
            ("bob", "2024-02"): "Zoë's café",
        }
    )
    assert refused is None


@pytest.mark.services
def test_rows_sql_leaves_to_python_are_bounded(organization, other_organization, monkeypatch):
    """More rows needing Python than MAX_UNSETTLED: reading.py reads the whole file, with the same result."""
    _require_postgresql()
    # given
    monkeypatch.setattr(copying_module, "MAX_UNSETTLED", 2)
    rows = [(f" c{n} ", "2024-01", "1", "North") for n in range(3)]

    # when
    copied, read = import_both_ways(csv_bytes(rows), organization, other_organization)

    # then
    assert copied is None
    assert read.rows == 3


def test_progress_is_told_on_the_same_rows_whichever_way_the_file_is_read(organization, monkeypatch):
    """Every PROGRESS_EVERY rows, also when PostgreSQL reads the file itself (a file without quotes), and
    with the bytes read so far."""
    # given
    monkeypatch.setattr(reading_module, "PROGRESS_EVERY", 100)
    monkeypatch.setattr(copying_module, "SEGMENT", 1000)  # several segments, each cut anywhere in a line
    content = csv_bytes([(f"C{n}", f"2024-{n % 12 + 1:02d}", f"{n}.5", "West") for n in range(350)])
    staging_class = CopyStaging if connection.vendor == "postgresql" else Staging
    seen = []

    # when
    with staging_class(connection) as staging:
        report = staging.read(io.BytesIO(content), kind=ImportKind.ACTIVITY, on_progress=lambda *at: seen.append(at))

    # then
    assert [rows for rows, _ in seen] == [100, 200, 300]
    assert all(0 < position < len(content) for _, position in seen)
    assert (report.rows, report.error_count) == (350, 0)
