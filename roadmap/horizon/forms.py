from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Competency, Stage
from .models import FIRST_GOAL_YEAR, LAST_YEAR


class YearlyGoalForm(forms.Form):
    competency = forms.ModelChoiceField(Competency.objects.order_by("number"), label=_("Competency"), empty_label=None)
    year = forms.TypedChoiceField(
        label=_("Year of the path"),
        coerce=int,
        choices=[(year, _("Year %(year)s") % {"year": year}) for year in range(FIRST_GOAL_YEAR, LAST_YEAR + 1)],
    )
    goal = forms.CharField(
        label=_("Goal"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the competency should reach by the end of that year; empty clears the year."),
    )
    target_stage = forms.TypedChoiceField(
        label=_("Stage it aims for"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("None named")), *Stage.choices],
    )
