"""How a service's refusal reaches the person who asked: one family of errors, two ways of showing it.

Services refuse with Django's ValidationError (what was asked cannot be done, with the reason, per field when
it names fields), PermissionDenied (this person may not) and ObjectDoesNotExist (nothing by that id). Pages show a
refusal on their form with `add_service_errors`; the API turns the same exceptions into answers in
`api_exception_handler`, DRF's EXCEPTION_HANDLER. No view catches a service error to reshape it.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.http import Http404
from rest_framework import serializers
from rest_framework.views import exception_handler


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to the field it names when the form has it, else above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, messages)


def api_exception_handler(exc, context):
    """DRF's handler, which already answers PermissionDenied with 403 and Http404 with 404, taught the rest of
    the family: a refusal is a 400, per field when the service named fields, otherwise under `detail`; an
    object that does not exist is a 404."""
    if isinstance(exc, ValidationError):
        exc = serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, ObjectDoesNotExist):
        exc = Http404(str(exc))
    return exception_handler(exc, context)
