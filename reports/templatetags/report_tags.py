"""How the report writes the snapshot's figures: amounts from decimal strings, and months from YYYY-MM."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format

from metrics.months import month_start, parse_month_label

register = template.Library()


def _decimal(amount) -> Decimal:
    try:
        return Decimal(amount or 0)
    except (InvalidOperation, TypeError):
        return Decimal(0)


@register.filter
def amount(value) -> str:
    """A snapshot's decimal string with thousands separators: 12,345.50."""
    return f"{_decimal(value):,}"


@register.filter
def signed_amount(value) -> str:
    """A change of value with its sign: +1,200.00, -350.00, 0.00."""
    number = _decimal(value)
    return f"+{number:,}" if number > 0 else f"{number:,}"


@register.filter
def month_title(label: str) -> str:
    """YYYY-MM as people say it: March 2024; a month outside the years a month may be in (an action's
    stored before months were checked, "0000-01") as it is stored, rather than a page that fails."""
    try:
        return date_format(month_start(parse_month_label(label)), "F Y")
    except ValueError:
        return label


@register.filter
def signed_points(number) -> str:
    """A change of a percentage in points: +5 points, -2 points, no change."""
    if not number:
        return "no change"
    return f"{number:+d} point{'s' if abs(number) != 1 else ''}"


@register.filter
def iso_date(text: str | None) -> date | None:
    """A snapshot's YYYY-MM-DD as a date, for the date filter; None when there is none."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@register.filter
def iso_datetime(text: str | None) -> datetime | None:
    """A snapshot's ISO 8601 timestamp as a datetime, for the date filter; None when there is none."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


@register.filter
def get_item(mapping: dict | None, key):
    """mapping[key], or None: a snapshot's mapping read with a key from the template."""
    return (mapping or {}).get(key)
