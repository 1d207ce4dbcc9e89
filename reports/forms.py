"""Forms of the pages that run the customer room: the monthly schedule, computing a month now, and the
actions leadership agreed."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.dates import DateField
from metrics.months import month_index, month_label, parse_month_label
from roadmap.journey.forms import place_fields, scope_place_fields

from .models import ActionStatus

# The months offered when computing now or recording an action: the last two years, newest first.
MONTHS_OFFERED = 24


def recent_months(today=None) -> list[tuple[str, str]]:
    current = month_index(today or timezone.localdate())
    return [(month_label(m), month_label(m)) for m in range(current, current - MONTHS_OFFERED, -1)]


class MonthChoiceField(forms.ChoiceField):
    """A month chosen as YYYY-MM; its number (metrics.months) once cleaned."""

    def __init__(self, **kwargs):
        super().__init__(choices=recent_months, **kwargs)

    def clean(self, value):
        return parse_month_label(super().clean(value))


class ScheduleForm(forms.Form):
    day_of_month = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=28,
        help_text=_("1 to 28, so that every month has it. The report is of the month before."),
    )
    hour = forms.IntegerField(
        label="Hour", min_value=0, max_value=23, help_text=_("0 to 23, in the portal's time zone.")
    )
    enabled = forms.BooleanField(
        label=_("Compute the report every month"), required=False, help_text=_("Off: only on demand and after imports.")
    )


class ComputeForm(forms.Form):
    """Which month to compute: one of the months with customer data, newest first."""

    month = MonthChoiceField(label="Month")

    def __init__(self, *args, data_months: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(month_label(m), month_label(m)) for m in reversed(data_months)]


class ActionForm(forms.Form):
    month = MonthChoiceField(label=_("Customer room of"), help_text=_("The month of the meeting it was agreed in."))
    title = forms.CharField(label="Action", max_length=200, help_text=_("What leadership agreed, in a few words."))
    owner = forms.ModelChoiceField(label="Owner", queryset=get_user_model().objects.none(), required=False)
    due_date = DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    journey_stage, touchpoint = place_fields()

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        scope_place_fields(self, organization)
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(memberships__organization=organization).distinct().order_by("full_name")
        )
        self.fields["owner"].label_from_instance = lambda user: user.display_name
