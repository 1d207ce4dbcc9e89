"""A file's own headers renamed onto the import's columns: "Customer, Invoice date, Amount, Region" onto
customer_id, period, revenue, segment. Only the header line changes, so every line of the file keeps its
number and the import names the rows the person will look for."""

import csv
import io
import tempfile
from typing import BinaryIO

from django.core.files import File

from ..imports.values import LAYOUTS, header_name
from .models import ColumnMapping

# A header line longer than this is not a header; the import says what is wrong with such a file.
MAX_HEADER = 64 * 1024
COPY_CHUNK = 1024 * 1024


def clean_mapping(mapping: dict[str, str], *, kind: str) -> dict[str, str]:
    """`mapping` with its file columns normalized as the import matches headers; ValueError naming a
    target that is not a column of `kind`'s files ("" ignores a column)."""
    columns = LAYOUTS[kind].columns
    cleaned = {}
    for file_column, column in mapping.items():
        key, target = header_name(file_column), header_name(column or "")
        if not key:
            raise ValueError("A mapped column needs the name the file gives it.")
        if target and target not in columns:
            raise ValueError(f"“{column}” is not an import column; choose one of {', '.join(columns)}, or none.")
        cleaned[key] = target
    return cleaned


def organization_mapping(organization, kind: str) -> dict[str, str]:
    return dict(
        ColumnMapping.objects.for_organization(organization).filter(kind=kind).values_list("file_column", "column")
    )


def mapped_header(header: list[str], mapping: dict[str, str]) -> list[str]:
    """The import's names for `header`: mapped ones renamed, the others as they are."""
    return [mapping.get(header_name(cell), cell) for cell in header]


def is_standard(header: list[str], *, kind: str) -> bool:
    columns = LAYOUTS[kind].columns
    return all(not header_name(cell) or header_name(cell) in columns for cell in header)


def remap_file(stream: BinaryIO, mapping: dict[str, str], *, kind: str, name: str) -> File | None:
    """A copy of the CSV `stream` with its header renamed by `mapping`, or None when the header is already
    the import's own or the mapping changes nothing (the stream is then left at its start)."""
    stream.seek(0)
    first = stream.readline(MAX_HEADER)
    stream.seek(0)
    try:
        text = first.decode("utf-8-sig")
        header = next(csv.reader([text]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None  # the import reports what is wrong with it
    if not mapping or is_standard(header, kind=kind):
        return None
    renamed = mapped_header(header, mapping)
    if renamed == header:
        return None
    line = io.StringIO()
    csv.writer(line, lineterminator=text[len(text.rstrip("\r\n")) :] or "\n").writerow(renamed)
    copy = tempfile.TemporaryFile()  # noqa: SIM115 (the caller reads and closes it)
    copy.write(line.getvalue().encode())
    stream.seek(len(first))
    while chunk := stream.read(COPY_CHUNK):
        copy.write(chunk)
    copy.seek(0)
    stream.seek(0)
    return File(copy, name=name)


def mapped_upload(*, organization, uploaded_file, kind: str):
    """The upload with the organization's mapping applied to its header, when the header is not the
    import's own; otherwise the upload itself."""
    mapping = organization_mapping(organization, kind)
    if not mapping:
        return uploaded_file
    return remap_file(uploaded_file, mapping, kind=kind, name=uploaded_file.name) or uploaded_file
