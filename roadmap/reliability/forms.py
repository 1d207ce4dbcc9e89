"""Forms of the reliability log and the moments of truth. Touchpoints, areas and milestones to choose come from
the URL's organization only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cco_portal.dates import DateField
from cco_portal.organizations.models import Organization

from ..journey.forms import TouchpointChoiceField
from ..journey.models import Touchpoint
from ..models import Milestone, OperationalArea
from .models import IssueStatus
from .services import LEADER_FIELDS


def _touchpoints(organization: Organization):
    return (
        Touchpoint.objects.for_organization(organization)
        .select_related("stage")
        .order_by("stage__position", "position")
    )


class IssueForm(forms.Form):
    """An issue's details; the leader of its area sees only what they keep current (`leader_only`)."""

    title = forms.CharField(label=_("Issue"), max_length=200, help_text=_("What goes wrong, in a line."))
    touchpoint = TouchpointChoiceField(
        Touchpoint.objects.none(), label=_("Touchpoint"), required=False, empty_label=_("Not placed yet")
    )
    area = forms.ModelChoiceField(
        OperationalArea.objects.none(),
        label=_("Owning area"),
        required=False,
        empty_label=_("The touchpoint's area"),
    )
    customers_touched = forms.IntegerField(
        label=_("Customers touched"),
        min_value=0,
        max_value=10**9,
        required=False,
        help_text=_("How many customers it touches; blank while nobody knows."),
    )
    customer_share = forms.DecimalField(
        label=_("Share of customers (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Optional: the share of all customers it touches."),
    )
    root_cause = forms.CharField(
        label=_("Root cause"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("What makes it happen, as far as it is known."),
    )

    def clean_customers_touched(self) -> int:
        return self.cleaned_data["customers_touched"] or 0

    def __init__(self, *args, organization: Organization, leader_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = _touchpoints(organization)
        self.fields["area"].queryset = OperationalArea.objects.for_organization(organization).order_by("name")
        if leader_only:
            for name in set(self.fields) - LEADER_FIELDS:
                del self.fields[name]


class IssueFilterForm(forms.Form):
    """The filters of the log, read from the query string; a value that is not valid filters nothing."""

    touchpoint = TouchpointChoiceField(
        Touchpoint.objects.none(), label=_("Touchpoint"), required=False, empty_label=_("All touchpoints")
    )
    area = forms.ModelChoiceField(
        OperationalArea.objects.none(), label=_("Area"), required=False, empty_label=_("All areas")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *IssueStatus.choices], required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        # Its own ids: the page also holds the issue form, whose fields have the same names.
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = _touchpoints(organization)
        self.fields["area"].queryset = OperationalArea.objects.for_organization(organization).order_by("name")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=IssueStatus.choices)
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Needed to resolve: say what fixed it."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)


class OccurrencesForm(forms.Form):
    month = DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("The month counted, as YYYY-MM."),
    )
    count = forms.IntegerField(label=_("Occurrences that month"), min_value=0, max_value=10**9)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("Optional: said if the count reopens a resolved issue."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "count_%s")
        super().__init__(*args, **kwargs)


class RecurrenceForm(forms.Form):
    note = forms.CharField(
        label=_("How it came back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("When, where, who saw it."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "recurrence_%s")
        super().__init__(*args, **kwargs)


class MomentForm(forms.Form):
    touchpoint = TouchpointChoiceField(Touchpoint.objects.none(), label=_("Touchpoint"))
    intended_experience = forms.CharField(
        label=_("Intended experience"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("What the customer should experience at this moment, better than anywhere else."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = _touchpoints(organization)


class MomentExperienceForm(forms.Form):
    intended_experience = forms.CharField(
        label=_("Intended experience"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Milestone) -> str:
        return f"{obj.competency.number} · {obj.title}"


class LinkMilestoneForm(forms.Form):
    milestone = MilestoneChoiceField(Milestone.objects.none(), label=_("Milestone"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = (
            Milestone.objects.for_organization(organization)
            .select_related("competency")
            .order_by("competency__number", "due_date", "pk")
        )
