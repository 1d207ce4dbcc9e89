"""Forms of the customer pages: which month, segment and figure to show, the upload, the activity window."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import ALL_SEGMENTS, ImportKind, ImportMode
from .months import month_label, month_start, parse_month_label
from .periods import LENGTHS, MONTH, QUARTER, YEAR, parse_period_label, period_label, period_name

# How the segment of customers without one is written in addresses ("" already means every segment).
NO_SEGMENT = "__none__"

FIGURES = [
    ("start", "Active at the start"),
    ("new", "New"),
    ("reactivated", "Reactivated"),
    ("lost", "Lost"),
    ("increased", "Increased"),
    ("decreased", "Decreased"),
    ("stable", "Stable"),
    ("active", "Active at the end"),
]


def segment_param(segment: str | None) -> str:
    """The segment as the pages' addresses write it."""
    if segment is ALL_SEGMENTS:
        return ""
    return segment or NO_SEGMENT


class MonthSegmentForm(forms.Form):
    """Which month and segment to show; what is missing or unknown falls back to the last month and every
    segment, so a bookmarked address keeps working after new data arrives."""

    month = forms.ChoiceField(label="Month", required=False)
    segment = forms.ChoiceField(label="Segment", required=False)

    def __init__(self, data, *, months: list[int], segments: list[str]):
        super().__init__(data)
        self.months = months
        self.fields["month"].choices = [(month_label(m), date_format(month_start(m), "F Y")) for m in reversed(months)]
        self.fields["segment"].choices = [("", "All segments")] + [
            (segment_param(s), s or "No segment") for s in segments
        ]
        self.is_valid()

    def clean_month(self) -> int | None:
        label = self.cleaned_data["month"]
        return parse_month_label(label) if label else None

    def clean_segment(self) -> str | None:
        value = self.cleaned_data["segment"]
        if not value:
            return ALL_SEGMENTS
        return "" if value == NO_SEGMENT else value

    @property
    def selected_month(self) -> int | None:
        return self.cleaned_data.get("month") or (self.months[-1] if self.months else None)

    @property
    def selected_segment(self) -> str | None:
        return self.cleaned_data.get("segment", ALL_SEGMENTS)


# How the bridge can be read: the monthly bridge, or periods of three or twelve months (metrics/periods.py).
BY_CHOICES = [(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year"))]


class PeriodSegmentForm(MonthSegmentForm):
    """Which month, quarter or year and which segment to show. `by` chooses the length; the month field serves
    the monthly bridge, the period field (2024-Q1, 2024) quarters and years, each falling back to the last."""

    by = forms.ChoiceField(label=_("Show by"), choices=BY_CHOICES, required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)

    field_order = ["by", "month", "period", "segment"]

    def __init__(self, data, *, months: list[int], segments: list[str], periods_of=None):
        self.by = data.get("by") if data.get("by") in LENGTHS and periods_of else MONTH
        self.length = LENGTHS[self.by]
        self.periods: list[int] = periods_of(self.length) if self.length > 1 else []
        if self.length > 1 and "month" in data:
            data = data.copy()
            del data["month"]  # a month left in the address by the monthly view says nothing about quarters
        super().__init__(data, months=months, segments=segments)
        self.fields["period"].choices = [
            (period_label(p, self.length), period_name(p, self.length)) for p in reversed(self.periods)
        ]
        self._errors = None
        self.is_valid()

    @property
    def period_label(self) -> str:
        """What the period field is called: Quarter or Year."""
        return str(dict(BY_CHOICES)[self.by])

    def clean_period(self) -> int | None:
        label = self.cleaned_data["period"]
        return parse_period_label(label, self.length) if label and self.length > 1 else None

    @property
    def selected_period(self) -> int | None:
        """The chosen period: a month for the monthly bridge, else a quarter or a year."""
        if self.length == 1:
            return self.selected_month
        return self.cleaned_data.get("period") or (self.periods[-1] if self.periods else None)

    @property
    def selected_name(self) -> str:
        if self.selected_period is None:
            return ""
        if self.length == 1:
            return date_format(month_start(self.selected_period), "F Y")
        return period_name(self.selected_period, self.length)

    def query(self, **extra) -> dict:
        """The address parameters that show the same selection on another page."""
        if self.length == 1:
            chosen = {"month": month_label(self.selected_period)} if self.selected_period is not None else {}
        else:
            chosen = {"by": self.by, "period": period_label(self.selected_period, self.length)}
        return {**chosen, "segment": segment_param(self.selected_segment), **extra}


class DrillDownForm(PeriodSegmentForm):
    figure = forms.ChoiceField(label="Customers", choices=FIGURES, required=False)

    field_order = ["by", "month", "period", "figure", "segment"]

    def __init__(self, data, **kwargs):
        # No figure asked for shows the customers active at the end, and the selector must say so too.
        if not data.get("figure"):
            data = data.copy()
            data["figure"] = "active"
        super().__init__(data, **kwargs)

    @property
    def selected_figure(self) -> str:
        return self.cleaned_data.get("figure") or "active"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 text with a header row, as in the columns below."))
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices, initial=ImportKind.ACTIVITY)
    mode = forms.ChoiceField(
        label=_("What to do with the data already here"),
        choices=ImportMode.choices,
        initial=ImportMode.REPLACE,
        widget=forms.RadioSelect,
        help_text=(
            _(
                "Replace: every month in the file is replaced by the file's rows, so importing the same file again "
                "changes nothing; months not in the file stay as they are. Add: the file's amounts are added to "
                "what is already recorded, for files that bring further rows of the same months."
            )
        ),
    )


class ActivityWindowForm(forms.Form):
    # A plain form: the service compares the new window with the organization's, which a ModelForm would
    # already have overwritten.
    activity_window = forms.IntegerField(
        label=_("Activity window, in months"),
        min_value=1,
        max_value=36,
        help_text=_("From 1 to 36 months."),
    )


class ReasonForm(forms.Form):
    """Why one customer moved in one month, written on the customer in a list behind a figure."""

    customer = forms.CharField(widget=forms.HiddenInput, max_length=200)
    month = forms.CharField(widget=forms.HiddenInput, max_length=7)
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=200,
        help_text=_("In a few words, as the customer would say it. Leave it empty to remove the reason."),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_month(self) -> int:
        try:
            return parse_month_label(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Choose a month as YYYY-MM.")) from None
