from django import forms
from django.utils.translation import gettext_lazy as _

from .models import KINDS, Action


def _kind_choices():
    groups = [("", "Every event")]
    for kind, label in KINDS.items():
        actions = [(action.value, action.label) for action in Action if action.kind == kind]
        groups.append((label, [(kind, f"{label}: every event"), *actions]))
    return groups


class AuditFilterForm(forms.Form):
    """The GET form of the audit log (page, CSV and API alike)."""

    kind = forms.ChoiceField(choices=_kind_choices, required=False, label=_("Kind of event"))
    person = forms.CharField(
        required=False, max_length=254, label=_("Person"), help_text=_("Part of an email address.")
    )

    def filters(self) -> dict:
        """The filters that were understood; one that was not is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters())
