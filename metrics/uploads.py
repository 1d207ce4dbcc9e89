"""What an upload must be before the import reads a line of it: no larger than the portal takes, and
text rather than an archive, a document or other binary data. Checked on the bytes of its start only,
so that an archive is refused without being unpacked (a "compression bomb" never is)."""

from django.conf import settings
from django.core.exceptions import ValidationError

HEAD_BYTES = 8192
# The first bytes of the kinds of files people upload by mistake.
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel workbook is one too)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"(\xb5/\xfd", "a Zstandard-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel or Word document"),
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def max_upload_bytes() -> int:
    return settings.METRICS_MAX_UPLOAD_BYTES


def size_problem(size: int) -> str | None:
    limit = max_upload_bytes()
    if size <= limit:
        return None
    return (
        f"The file is {_megabytes(size)}; files of up to {_megabytes(limit)} can be imported. "
        "Split it by month and import the parts one after the other."
    )


def content_problem(head: bytes) -> str | None:
    """Why the first bytes of a file say it is not CSV text; None when they may be. UTF-16 text is left
    to the import, which names the encoding to save it in."""
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return f"This is {name}, not a CSV file: export or unpack it as CSV (UTF-8) and upload that file."
    if b"\x00" in head and not head.startswith(UTF16_BOMS) and not _looks_like_utf16(head):
        return "This file holds binary data, not CSV text: export it as CSV (UTF-8) and upload that file."
    return None


def check_upload(uploaded_file) -> None:
    """Refuse an upload that is too large or not text, with what to do instead; reads its first bytes only."""
    problem = size_problem(uploaded_file.size)
    if problem is None:
        uploaded_file.seek(0)
        problem = content_problem(uploaded_file.read(HEAD_BYTES))
        uploaded_file.seek(0)
    if problem:
        raise ValidationError({"file": problem})


# The form's other fields and the multipart boundaries take a few hundred bytes more than the file.
FORM_OVERHEAD_BYTES = 64 * 1024


class TakesCustomerFiles:
    """For the views an import is uploaded to: cco_portal/body_size.py lets their requests be as large as
    an import takes, and refuses larger ones, with this reason, before anything reads the body."""

    @staticmethod
    def max_request_bytes() -> int:
        return max_upload_bytes() + FORM_OVERHEAD_BYTES

    @staticmethod
    def too_large_message(declared: int) -> str:
        return size_problem(declared - FORM_OVERHEAD_BYTES) or size_problem(max_upload_bytes() + 1)


def _looks_like_utf16(head: bytes) -> bool:
    # Latin text in UTF-16 without a byte-order mark has a NUL in every other byte.
    sample = head[: len(head) - len(head) % 2]
    return bool(sample) and (sample[0::2].count(0) == len(sample) // 2 or sample[1::2].count(0) == len(sample) // 2)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
