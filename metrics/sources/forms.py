"""Forms of the data-source pages: a source (its password write-only) and the upload column mapping."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportKind, ImportMode
from .models import SourceKind


def mapping_text(mapping: dict[str, str]) -> str:
    return "\n".join(f"{key}={column}" for key, column in mapping.items())


def parse_mapping(text: str) -> dict[str, str]:
    """ "File column=import column" lines as a dict; ValidationError naming a line without "="."""
    mapping = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        file_column, sign, column = line.partition("=")
        if not sign:
            raise forms.ValidationError(
                _("Line %(number)s: write the file's column, =, and the import column."), params={"number": number}
            )
        mapping[file_column.strip()] = column.strip()
    return mapping


class MappingField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        return parse_mapping(super().to_python(value) or "")

    def prepare_value(self, value):
        return mapping_text(value) if isinstance(value, dict) else value


class DataSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    target = forms.ChoiceField(label=_("Brings in"), choices=ImportKind.choices)
    mode = forms.ChoiceField(label=_("Each pull"), choices=ImportMode.choices, initial=ImportMode.REPLACE)
    url = forms.CharField(
        label=_("Address"),
        max_length=1000,
        help_text=_(
            "A database URL (postgres://user@host:5432/name or mysql://user@host:3306/name) or the https:// "
            "address of a CSV file."
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the stored one."),
    )
    query = forms.CharField(
        label=_("Query"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_("SQL sources: one SELECT, run read-only; name its columns customer_id, period, revenue, segment."),
    )
    column_map = MappingField(
        label=_("Column mapping"),
        required=False,
        help_text=_(
            "One per line: the source's column=the import column (empty to leave it out), e.g. Amount=revenue."
        ),
    )
    schedule = forms.CharField(
        label=_("Schedule"),
        required=False,
        max_length=100,
        help_text=_("A crontab: minute hour day month weekday, e.g. 0 6 * * * for 06:00 every day. Empty: on demand."),
    )
    enabled = forms.BooleanField(label=_("Pull on the schedule"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # A source keeps its kind: a query and a file address are not each other's.
            self.fields["kind"].disabled = True


class ColumnMappingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Files of"), choices=ImportKind.choices)
    mapping = MappingField(
        label=_("Column mapping"),
        required=False,
        help_text=_(
            "One per line: your file's header=the import column (customer_id, period, revenue, segment; reason), "
            "e.g. Invoice date=period. Empty after = leaves a column out."
        ),
    )
