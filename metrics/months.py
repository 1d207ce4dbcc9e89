"""Months as whole numbers (year * 12 + month - 1), so that "M - 1" and "M - W + 1" are the same
arithmetic in PostgreSQL, SQLite and Python, and a month sorts and joins as an integer."""

from datetime import date

from django.utils import timezone

# The years a month may be in: customer data of the last century at the earliest, plans for next year at
# the latest. Outside them a label is a typing error, and year 0 cannot even be shown as a date.
FIRST_YEAR = 1900


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_label(index: int) -> str:
    """YYYY-MM, as the import files and the API write months."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month_label(label: str) -> int:
    """The month of YYYY-MM, in ASCII digits, from 1900 to next year; ValueError when it is not one."""
    year, _, month = label.partition("-")
    digits = year + month
    if len(year) != 4 or len(month) != 2 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{label!r} is not a month in the form YYYY-MM")
    if not (1 <= int(month) <= 12 and FIRST_YEAR <= int(year) <= timezone.localdate().year + 1):
        raise ValueError(f"{label!r} is not a month from {FIRST_YEAR}-01 to next year")
    return int(year) * 12 + int(month) - 1
