"""Forms of the meeting pages: when the customer room meets each month and whom it invites, moving one meeting,
proposing and ranking candidate actions, and the decision."""

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from cco_portal.dates import DateField
from metrics.months import parse_month_label

from .models import MAX_DURATION, MIN_DURATION, StoryMovement, Weekday, WeekOfMonth


class Rule:
    DAY = "day"
    WEEKDAY = "weekday"


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones())]


class LeadersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.email})"


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class SeriesForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("The meeting falls on"),
        choices=[(Rule.DAY, _("a day of the month")), (Rule.WEEKDAY, _("a weekday of the month"))],
        widget=forms.RadioSelect,
        initial=Rule.WEEKDAY,
    )
    day_of_month = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=28,
        required=False,
        help_text=_("1 to 28, so that every month has it."),
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Week"), choices=[("", "---"), *WeekOfMonth.choices], coerce=int, required=False, empty_value=None
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "---"), *Weekday.choices], coerce=int, required=False, empty_value=None
    )
    start_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=MIN_DURATION, max_value=MAX_DURATION, initial=90
    )
    invited = LeadersField(
        label=_("Invited leaders"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each is sent the calendar invitation of every meeting."),
    )

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = leaders

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rule") == Rule.DAY:
            cleaned["week_of_month"] = cleaned["weekday"] = None
            if cleaned.get("day_of_month") is None:
                self.add_error("day_of_month", _("Choose the day of the month."))
        else:
            cleaned["day_of_month"] = None
            for field in ("week_of_month", "weekday"):
                if cleaned.get(field) is None:
                    self.add_error(field, _("Choose the week and the weekday."))
        return cleaned

    def series_fields(self) -> dict:
        """What the series service takes."""
        fields = {name: value for name, value in self.cleaned_data.items() if name != "rule"}
        return {**fields, "invited": list(fields["invited"])}


class RescheduleForm(forms.Form):
    """A meeting's new day, time (in its own time zone), length and invited leaders."""

    day = DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=MIN_DURATION, max_value=MAX_DURATION
    )
    invited = LeadersField(label=_("Invited leaders"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, leaders, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.fields["invited"].queryset = leaders
        self.fields["start_time"].help_text = _("In the meeting's time zone, %(zone)s.") % {"zone": time_zone}

    def change(self) -> dict:
        """What the reschedule service takes."""
        data = self.cleaned_data
        return {
            "starts_at": datetime.combine(data["day"], data["start_time"], tzinfo=ZoneInfo(self.time_zone)),
            "duration_minutes": data["duration_minutes"],
            "invited": list(data["invited"]),
        }


class CandidateForm(forms.Form):
    title = forms.CharField(
        label=_("Candidate action"), max_length=200, help_text=_("What the room could do, in a few words.")
    )
    description = forms.CharField(
        label=_("Why"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RankingForm(forms.Form):
    """One's own ranking: a place (1 is first) for each candidate one ranks; a candidate left blank is unranked."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"place_{candidate.pk}"] = forms.IntegerField(
                label=candidate.title, required=False, min_value=1, max_value=len(candidates)
            )

    def clean(self):
        cleaned = super().clean()
        places = {c.pk: cleaned.get(f"place_{c.pk}") for c in self.candidates if cleaned.get(f"place_{c.pk}")}
        if len(set(places.values())) != len(places):
            raise forms.ValidationError(_("Give each candidate you rank its own place."))
        cleaned["candidate_ids"] = sorted(places, key=places.get)
        return cleaned


class DecisionForm(forms.Form):
    """The room's decision: which candidates it agrees, each with one owner and a due date."""

    def __init__(self, *args, candidates, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"agree_{candidate.pk}"] = forms.BooleanField(label=candidate.title, required=False)
            self.fields[f"owner_{candidate.pk}"] = OwnerField(
                label=_("Owner"), queryset=members, required=False, widget=forms.Select(attrs={"class": "form-select"})
            )
            self.fields[f"due_{candidate.pk}"] = DateField(
                label=_("Due date"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
            )

    def rows(self):
        """(candidate, its agree, owner and due-date fields) for the template."""
        return [(c, self[f"agree_{c.pk}"], self[f"owner_{c.pk}"], self[f"due_{c.pk}"]) for c in self.candidates]

    def agreed(self) -> list[dict]:
        """What the decision service takes."""
        return [
            {
                "candidate": c,
                "owner": self.cleaned_data[f"owner_{c.pk}"],
                "due_date": self.cleaned_data[f"due_{c.pk}"],
            }
            for c in self.candidates
            if self.cleaned_data.get(f"agree_{c.pk}")
        ]


class StoryForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer key"),
        max_length=200,
        help_text=_("As the lists behind the lost, reactivated and decreased figures show it."),
    )
    note = forms.CharField(
        label=_("Your note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the room should see in this customer's shoes."),
    )


class StoryFromListForm(forms.Form):
    """A customer of a list behind the lost, reactivated or decreased figure, told as a story at the next meeting:
    the month and figure are the list's, for the service to check against the meeting and the customer."""

    customer = forms.CharField(widget=forms.HiddenInput, max_length=200)
    month = forms.CharField(widget=forms.HiddenInput, max_length=7)
    figure = forms.ChoiceField(widget=forms.HiddenInput, choices=StoryMovement.choices)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_month(self) -> int:
        try:
            return parse_month_label(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Choose a month as YYYY-MM.")) from None


class StoryNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AttendanceForm(forms.Form):
    present = LeadersField(
        label=_("Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The invited leaders not ticked are recorded as absent."),
    )

    def __init__(self, *args, invited, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = invited


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The minutes keep what they said; this entry is added beside it, with your name and the date."),
    )
