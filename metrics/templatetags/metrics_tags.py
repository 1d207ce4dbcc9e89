"""How the customer pages write money, months and durations."""

from datetime import timedelta
from urllib.parse import urlencode

from django import template
from django.utils.formats import date_format

from metrics import selectors
from metrics.models import to_amount
from metrics.months import month_label, month_start

register = template.Library()


@register.filter
def money(units) -> str:
    """Stored revenue units as an amount with thousands separators: 12,345.50."""
    return f"{to_amount(units):,}"


@register.filter
def signed_money(units) -> str:
    """A change of value with its sign: +1,200.00, -350.00, 0.00."""
    text = money(units)
    return f"+{text}" if units and units > 0 else text


@register.filter
def signed(number) -> str:
    """A change of a count with its sign: +12, -3, 0."""
    return f"+{number:,}" if number and number > 0 else f"{number or 0:,}"


@register.filter
def value_meaning(window) -> str:
    """What value means at this activity window (metrics.selectors.value_meaning)."""
    return selectors.value_meaning(int(window or 1))


@register.filter
def month_name(index) -> str:
    """A month index as people say it: March 2024."""
    return date_format(month_start(index), "F Y")


@register.filter
def row_name(row) -> str:
    """The name of a trend row: a stored month's (March 2024), or a quarter's or a year's (Q1 2024, 2024)."""
    return row.name if hasattr(row, "period") else month_name(row.month)


@register.filter
def month_param(index) -> str:
    """A month index as the pages' addresses write it: 2024-03."""
    return month_label(index)


@register.filter
def duration(delta: timedelta | None) -> str:
    """A short duration: less than 1 s, 4 s, 2 min 5 s, 1 h 3 min."""
    if delta is None:
        return ""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 1:
        return "less than 1 s"
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@register.simple_tag
def reason_query(customer: str, month: int, back: str) -> str:
    """The query of the page that writes why `customer` moved in `month`, coming back to `back`."""
    return urlencode({"customer": customer, "month": month_label(month), "next": back})
