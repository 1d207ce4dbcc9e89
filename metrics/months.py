"""Months as whole numbers (year * 12 + month - 1), so that "M - 1" and "M - W + 1" are the same
arithmetic in PostgreSQL, SQLite and Python, and a month sorts and joins as an integer."""

from datetime import date


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_label(index: int) -> str:
    """YYYY-MM, as the import files and the API write months."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month_label(label: str) -> int:
    """The month of YYYY-MM; ValueError when it is not one."""
    year, month = label.split("-")
    if len(year) != 4 or len(month) != 2 or not (1 <= int(month) <= 12):
        raise ValueError(f"{label!r} is not a month in the form YYYY-MM")
    return int(year) * 12 + int(month) - 1
