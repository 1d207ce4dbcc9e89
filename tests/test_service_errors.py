"""One family of service errors, one way each reaches an API client or a form."""

import ast
from pathlib import Path

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


PRODUCT_PACKAGES = ("cco_portal", "assessments", "roadmap", "metrics", "reports")


def _product_modules():
    root = Path(__file__).resolve().parent.parent
    for package in PRODUCT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(root), ast.parse(path.read_text())


def test_no_view_reshapes_a_service_error_and_the_family_has_one_home():
    """The API's answer to a refusal is the EXCEPTION_HANDLER's alone: an API view that catches Django's
    ValidationError to turn it into DRF's has made a second rule, and a helper converting errors outside
    cco_portal/service_errors.py has made a copy that will drift."""
    copies, catches = [], []
    for path, tree in _product_modules():
        for node in ast.walk(tree):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            converts_errors = is_function and ("service_error" in node.name or "api_error" in node.name)
            if converts_errors and path != Path("cco_portal/service_errors.py"):
                copies.append(f"{path}:{node.lineno} {node.name}")
            if isinstance(node, ast.ExceptHandler) and "api" in path.parts:
                caught = ast.unparse(node.type) if node.type else "everything"
                if "ValidationError" in caught or caught in ("everything", "Exception"):
                    catches.append(f"{path}:{node.lineno} except {caught}")

    assert copies == [], "Use cco_portal.service_errors instead of a copy"
    assert catches == [], "Let the service's refusal reach the EXCEPTION_HANDLER"


def test_views_ask_a_predicate_who_may_act_instead_of_comparing_roles():
    """Who may do what is decided by the `can_*` predicates of each app's selectors and the views' declared
    roles, so that a page, the API and a task cannot drift apart on the same rule."""
    comparisons = []
    for path, tree in _product_modules():
        if not (path.name == "views.py" or "views" in path.parts):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("roles_allow"):
                comparisons.append(f"{path}:{node.lineno} {ast.unparse(node)}")

    assert comparisons == []
