"""Every date a person types or a client sends is read by cco_portal.dates: ASCII digits, 1900 to 2100."""

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django import forms
from rest_framework import serializers

from cco_portal.dates import ApiDateField, DateField

PRODUCT_PACKAGES = ("cco_portal", "assessments", "roadmap", "metrics", "reports")
# 2024-03-14 in the fullwidth digits of East Asian keyboards.
FULLWIDTH_DAY = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in "2024-03-14")


class Dates(forms.Form):
    day = DateField()


class ApiDates(serializers.Serializer):
    day = ApiDateField()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("٢٠٢٤-٠٣-١٤", "Write the date as YYYY-MM-DD with the digits 0 to 9."),
        (FULLWIDTH_DAY, "Write the date as YYYY-MM-DD with the digits 0 to 9."),
        ("0001-01-01", "Choose a date from 1900 to 2100."),
        ("9999-12-31", "Choose a date from 1900 to 2100."),
    ],
)
def test_other_digits_and_absurd_years_are_refused_with_the_reason(typed, message):
    form, api = Dates(data={"day": typed}), ApiDates(data={"day": typed})

    assert not form.is_valid()
    assert form.errors["day"] == [message]
    assert not api.is_valid()
    assert api.errors["day"] == [message]


def test_an_ordinary_day_is_read_on_both_sides():
    form, api = Dates(data={"day": "2026-03-14"}), ApiDates(data={"day": "2026-03-14"})

    assert form.is_valid()
    assert form.cleaned_data["day"] == date(2026, 3, 14)
    assert api.is_valid()
    assert api.validated_data["day"] == date(2026, 3, 14)


def _product_classes():
    for package_name in PRODUCT_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            skipped = (".migrations", ".management", "cco_portal.settings", "cco_portal.wsgi", "cco_portal.asgi")
            if any(part in module_info.name for part in skipped):
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


def _date_fields(cls):
    if issubclass(cls, forms.BaseForm):
        return cls.base_fields.items()
    if issubclass(cls, serializers.Serializer) and not inspect.isabstract(cls):
        try:
            fields = cls().fields
        except Exception:  # a serializer that needs its context to build its fields is read without it
            fields = cls._declared_fields
        return ((name, field) for name, field in fields.items() if not field.read_only)
    return ()


def test_every_form_and_api_date_field_uses_the_one_reader():
    """A new field, declared or made from a model by a ModelForm or a ModelSerializer, fails here until it
    reads dates through cco_portal.dates."""
    others = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _product_classes()
        for name, field in _date_fields(cls)
        if (isinstance(field, forms.DateField) and not isinstance(field, DateField))
        or (isinstance(field, serializers.DateField) and not isinstance(field, ApiDateField))
    ]

    assert others == []
