"""The one reader of a day typed by a person or sent by a client, for every form and API date field.

Django's and DRF's date fields parse with patterns whose digits are Unicode digits, so '٢٠٢٤-٠٣-١٤' (Arabic-Indic)
was read as 14 March 2024, and they take any year from 1 to 9999, which pages cannot draw and sums cannot
reach. Both fields here accept ASCII digits only and days from 1900 to 2100.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)

NOT_ASCII = _("Write the date as YYYY-MM-DD with the digits 0 to 9.")
OUT_OF_RANGE = _("Choose a date from 1900 to 2100.")


def check_typed_date(value: object) -> None:
    """Refuse a typed date written in other digits than 0 to 9, before any parser reads it."""
    if isinstance(value, str) and not value.strip().isascii():
        raise ValidationError(NOT_ASCII, code="invalid")


def check_date_range(day: date | None) -> None:
    if day is not None and not (EARLIEST <= day <= LATEST):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class DateField(forms.DateField):
    """A form's date: ASCII digits, 1900 to 2100."""

    def to_python(self, value):
        check_typed_date(value)
        day = super().to_python(value)
        check_date_range(day)
        return day


class ApiDateField(serializers.DateField):
    """An API date: ISO 8601 in ASCII digits, 1900 to 2100."""

    def to_internal_value(self, value):
        try:
            check_typed_date(value)
            day = super().to_internal_value(value)
            check_date_range(day)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return day
