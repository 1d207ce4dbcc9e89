"""The columns of the two import files and the checks of each value, with the message a person needs to
fix a rejected value. Each check returns the stored value or raises ValueError with that message."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cco_portal.csv_export import restore

from ..models import REVENUE_SCALE, ImportKind

MAX_TEXT = 200
# At most 12 digits before the point (a trillion, less a cent): a row stays below 10**16 ten-thousandths, so
# that a customer's rows of a month, and its value over the longest activity window, add up far within the
# 64-bit integers both databases store. Sums that could still overflow are refused by merging.sum_problems.
MAX_INTEGER_DIGITS = 12
# The first month a period may name; the last is the current month (data of the future is a typo).
FIRST_YEAR = 1900
DECIMALS = len(str(REVENUE_SCALE)) - 1

_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")
# Characters a key or label must not hold: control characters (a line break, a bell) and those that
# change the direction text is shown in, which can make one key look like another.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Bytes that are not UTF-8 reach the checks as these lone surrogates (errors="surrogateescape").
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file. `label` is stored beside each row: the segment or the reason."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    label: str
    label_required: bool

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


LAYOUTS = {
    ImportKind.ACTIVITY: Layout(
        ImportKind.ACTIVITY, ("customer_id", "period", "revenue"), ("segment",), "segment", label_required=False
    ),
    ImportKind.REASONS: Layout(
        ImportKind.REASONS, ("customer_id", "period", "reason"), (), "reason", label_required=True
    ),
}


def quoted(value: str, limit: int = 40) -> str:
    """A value as messages show it, cut short when long."""
    return f"“{value if len(value) <= limit else value[: limit - 1] + '…'}”"


def header_name(cell: str) -> str:
    """A header cell as matched against the column names: " Customer ID " and "customer-id" are customer_id."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


def parse_text(value: str, *, required: bool, what: str) -> str:
    # A cell of the portal's own CSV export may carry the apostrophe that keeps a spreadsheet from
    # reading it as a formula; like a spreadsheet, the import reads the text behind it.
    value = restore(value.strip()).strip()
    if not value and required:
        raise ValueError(f"Empty; every row needs a {what}.")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{quoted(value)} is {len(value)} characters long; at most {MAX_TEXT} are allowed.")
    if "\x00" in value:
        raise ValueError("Contains a NUL character, which a CSV file cannot hold; is this a text file?")
    if found := _INVISIBLE.search(value):
        raise ValueError(
            f"Contains the invisible character U+{ord(found[0]):04X} ({_invisible_name(found[0])}) at position "
            f"{found.start() + 1}; remove it, as it can make one {what} look like another."
        )
    return value


def _invisible_name(char: str) -> str:
    if char in "\r\n":
        return "a line break"
    if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
        return "a control character"
    return "a text-direction mark"


def parse_period(value: str) -> int:
    """The month of YYYY-MM, or of a real date YYYY-MM-DD, as months.py numbers it."""
    value = value.strip()
    if not value:
        raise ValueError("Empty; every row needs a period (YYYY-MM or YYYY-MM-DD).")
    match = _PERIOD.fullmatch(value)
    if match is None:
        raise ValueError(f"{quoted(value)} is not a period; write YYYY-MM (2024-01) or YYYY-MM-DD (2024-01-31).")
    year, month, day = int(match[1]), int(match[2]), match[3]
    if not 1 <= month <= 12:
        raise ValueError(f"{quoted(value)} has no month {month}; months run from 01 to 12.")
    if year < FIRST_YEAR:
        raise ValueError(f"{quoted(value)} is before {FIRST_YEAR}-01, the first month the portal takes.")
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValueError(
            f"{quoted(value)} is after this month ({today.year:04d}-{today.month:02d}); "
            "activity of the future cannot be imported."
        )
    if day is not None:
        try:
            date(year, month, int(day))
        except ValueError:
            raise ValueError(f"{quoted(value)} is not a date: {year:04d}-{month:02d} has no day {day}.") from None
    return year * 12 + month - 1


def parse_revenue(value: str) -> int:
    """An amount such as 1234.5, -20 or +0.0125 in ten-thousandths; a leading + or - is allowed, and zeros
    after the fourth decimal, but no thousands separators, decimal commas, currency signs or exponents."""
    text = restore(value.strip())
    body = text[1:] if text[:1] in ("+", "-") else text
    whole, _, fraction = body.partition(".")
    # isdigit() alone would let other scripts' digits through; with isascii() it means 0-9.
    if (
        (whole or fraction)
        and body.isascii()
        and (whole.isdigit() or not whole)
        and (fraction.isdigit() or not fraction)
    ):
        if len(fraction) > DECIMALS:
            if fraction[DECIMALS:].strip("0"):
                raise ValueError(
                    f"{quoted(text)} has {len(fraction.rstrip('0'))} decimal places; at most {DECIMALS} can be stored."
                )
            fraction = fraction[:DECIMALS]
        if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
            raise ValueError(
                f"{quoted(text)} is too large for the figures; at most {MAX_INTEGER_DIGITS} digits before the point."
            )
        units = int(whole or "0") * REVENUE_SCALE + int(fraction.ljust(DECIMALS, "0"))
        return -units if text[0] == "-" else units
    if not text:
        raise ValueError("Empty; every row needs a revenue (0 when there was none).")
    if "," in text:
        raise ValueError(
            f"{quoted(text)} is not a number: use a point for decimals (1234.50) and no thousands separators."
        )
    raise ValueError(
        f"{quoted(text)} is not a number; write it like 1234.50 or -20 (a leading + or - is allowed, "
        "no currency signs or thousands separators)."
    )


def encoding_problem(value: str) -> str | None:
    """What to tell about bytes that are not UTF-8 in `value`, if it holds any."""
    found = _NOT_UTF8.findall(value)
    if not found:
        return None
    raw = bytes(ord(char) - 0xDC00 for char in found)
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return f"Byte 0x{raw[0]:02x} is not UTF-8; save the file as CSV UTF-8."
    return f"Byte 0x{raw[0]:02x} is not UTF-8; the file looks like Windows-1252 — save it as CSV UTF-8."
