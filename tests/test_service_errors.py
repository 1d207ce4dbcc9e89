"""One family of service errors, one way each reaches an API client or a form."""

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from cco_portal.service_errors import add_service_errors, api_exception_handler


def test_the_api_answers_every_service_error_as_documented():
    """A refusal naming a field is a 400 per field, one naming none is a 400 under `detail`; a permission
    refusal is a 403 and a missing object a 404."""
    by_field = api_exception_handler(ValidationError({"closes_on": "Choose a later day."}), {})
    general = api_exception_handler(ValidationError("Only an open round can be closed early."), {})
    denied = api_exception_handler(PermissionDenied("Not yours."), {})
    missing = api_exception_handler(ObjectDoesNotExist("No such round."), {})

    assert (by_field.status_code, by_field.data) == (400, {"closes_on": ["Choose a later day."]})
    assert (general.status_code, general.data) == (400, {"detail": ["Only an open round can be closed early."]})
    assert denied.status_code == 403
    assert missing.status_code == 404


class RoundDatesForm(forms.Form):
    closes_on = forms.DateField()


def test_a_form_shows_a_refusal_beside_the_field_it_names_or_above():
    form = RoundDatesForm(data={"closes_on": "2030-01-01"})
    form.is_valid()

    add_service_errors(form, ValidationError({"closes_on": "Choose a later day.", "ceo": "Choose the CEO."}))
    add_service_errors(form, ValidationError("This round has closed."))

    assert form.errors["closes_on"] == ["Choose a later day."]
    assert form.non_field_errors() == ["Choose the CEO.", "This round has closed."]
