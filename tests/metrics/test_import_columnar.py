"""On PostgreSQL a plain activity file is read, checked and added up by DuckDB and its customer-months are
COPYed (metrics/imports/columnar.py): it must store exactly what reading.py and merging.py store, and any
file with a problem must get reading.py's report, message for message."""

from unittest import mock

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.imports import columnar
from metrics.models import ActivityImport, ImportMode, ImportStatus
from tests.metrics.import_files import csv_bytes, run, stored_activity, stored_segments

pytestmark = pytest.mark.services

row = st.tuples(
    # Keys and segments with spaces around them, which both paths trim.
    st.sampled_from(["ann", "bob", " cy ", "dee", "C-00017"]),
    # A customer-month split over a month and a date of it, and over several rows.
    st.sampled_from(["2023-11", "2024-01", "2024-01-15", " 2024-02", "2024-03", "2024-03-31"]),
    # Refunds, zero amounts, the most digits a row takes; "+5" and "7." are not plain: reading.py reads them.
    st.sampled_from(
        ["0", "-0", "0.0001", "10", "-10", " 25.5 ", "-40.25", "9999999999", "123456789012.1234", "-999999999999.9999"]
    ),
    st.sampled_from(["", "North", " South ", "East", "North"]),
)
unusual = st.sampled_from(["+5", "7.", "10.50000"])


def imported(organization, content: bytes, *, mode: str, quick: bool):
    with override_settings(METRICS_COLUMNAR=quick):
        finished = run(organization, content, mode=mode)
    return finished.status, finished.rows_total, finished.months, finished.errors


def with_one_segment_a_month(rows):
    """The rows with each customer-month's first segment on all its rows, as billing systems write them."""
    first = {}
    for key, period, _amount, segment in rows:
        first.setdefault((key.strip(), period.strip()[:7]), segment)
    return [(key, period, amount, first[key.strip(), period.strip()[:7]]) for key, period, amount, _ in rows]


# Files that hypothesis makes hold, now and then, a key's month with two segments, an unusual amount or sums near
# the limit, all of which go to reading.py; at least this share of the imports must still take the quick path,
# or the comparison would be comparing reading.py with itself.
QUICK_SHARE_AT_LEAST = 0.3


def test_the_quick_path_stores_what_the_python_path_stores(organization, other_organization):
    """The same files imported one after the other in each mode: the same rows, segments and reports."""
    quick_merges = []

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        files=st.lists(
            st.tuples(
                st.lists(row, min_size=1, max_size=25),
                st.sampled_from([ImportMode.REPLACE, ImportMode.APPEND]),
                st.lists(unusual, max_size=1),
                st.booleans(),
            ),
            min_size=1,
            max_size=3,
        )
    )
    def same_rows_both_ways(files):
        for organization_ in (organization, other_organization):
            organization_.customers.all().delete()
            ActivityImport.objects.for_organization(organization_).delete()
        appended = set()
        for rows, mode, odd, one_segment_a_month in files:
            if one_segment_a_month:
                rows = with_one_segment_a_month(rows)
            if odd:
                rows = [*rows[:-1], (rows[-1][0], rows[-1][1], odd[0], rows[-1][3])]
            content = csv_bytes(rows)
            if mode == ImportMode.APPEND and content in appended:
                continue  # refused before it is read, on either path (start_import)
            if mode == ImportMode.APPEND:
                appended.add(content)
            with mock.patch.object(
                columnar.ColumnarImport, "merge", autospec=True, side_effect=columnar.ColumnarImport.merge
            ) as merge:
                quick = imported(organization, content, mode=mode, quick=True)
            quick_merges.append(merge.call_count)
            python = imported(other_organization, content, mode=mode, quick=False)
            assert quick == python
            assert stored_activity(organization) == stored_activity(other_organization)
            assert stored_segments(organization) == stored_segments(other_organization)

    same_rows_both_ways()

    assert sum(quick_merges) >= QUICK_SHARE_AT_LEAST * len(quick_merges), quick_merges


def test_a_plain_file_takes_the_quick_path(organization):
    """Without this, the comparison above could be comparing reading.py with itself."""
    rows = [
        ("ann", "2024-01", "10", "North"),
        ("ann", "2024-01-20", "-2.5", ""),
        ("bob", "2024-02", "3", ""),
        ("cy", "2024-02", "-999999999999.9999", "West"),
    ]
    with mock.patch.object(
        columnar.ColumnarImport, "merge", autospec=True, side_effect=columnar.ColumnarImport.merge
    ) as merge:
        finished = run(organization, csv_bytes(rows))
    assert merge.call_count == 1
    assert finished.status == ImportStatus.SUCCEEDED
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (75_000, "North"),
        ("bob", "2024-02"): (30_000, ""),
        ("cy", "2024-02"): (-9_999_999_999_999_999, "West"),
    }
    assert stored_segments(organization) == {"ann": "North", "bob": "", "cy": "West"}


def test_a_file_with_one_bad_row_gets_the_exact_message(organization, other_organization):
    """One bad amount among plain rows: reading.py's report, line, column and reason, and nothing stored."""
    rows = [("ann", "2024-01", "10", "North"), ("bob", "2024-01", "12.50 EUR", ""), ("cy", "2024-02", "3", "")]
    content = csv_bytes(rows)

    quick = imported(organization, content, mode=ImportMode.REPLACE, quick=True)
    python = imported(other_organization, content, mode=ImportMode.REPLACE, quick=False)

    assert quick == python
    assert quick[0] == ImportStatus.FAILED
    assert quick[3] == [
        {
            "line": 3,
            "column": "revenue",
            "message": "“12.50 EUR” is not a number; write it like 1234.50 or -20 (a leading + or - is allowed, "
            "no currency signs or thousands separators).",
        }
    ]
    assert stored_activity(organization) == {}
