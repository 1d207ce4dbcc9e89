"""CSV downloads that are safe to open in a spreadsheet.

A cell whose text starts with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula, so text that people typed (a comment, a name) could run one on the reader's
machine (OWASP "CSV injection"). Such text gets a leading apostrophe, which spreadsheets show as text.
Numbers stay numbers: a negative change of -0.25 is data, not a formula.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """The value as a spreadsheet should see it: text that would start a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The text neutralize() guarded, as it was: what a spreadsheet shows, and what an import of the
    portal's own export must read back."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def write_csv(file, header: Sequence, rows: Iterable[Sequence]) -> None:
    """Write a header row and `rows` to the text `file`, every text cell neutralized."""
    # The byte-order mark tells Excel the file is UTF-8; without it accented names come out garbled.
    file.write("\ufeff")
    writer = csv.writer(file)
    writer.writerow([neutralize(cell) for cell in header])
    writer.writerows([neutralize(cell) for cell in row] for row in rows)


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """A whole CSV file as text (for a zip of several tables), every text cell neutralized."""
    text = io.StringIO()
    write_csv(text, header, rows)
    return text.getvalue()


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """An attachment `filename` with a header row and `rows`, every text cell neutralized."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    write_csv(response, header, rows)
    return response
