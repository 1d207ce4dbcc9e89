"""Forms of the roadmap pages. Every choice of owner, area or milestone comes from the URL's organization,
so a form can never name another organization's objects, however its data is crafted."""

from itertools import groupby

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from cco_portal.dates import DateField
from cco_portal.organizations.models import Membership, Organization

from .journey.forms import place_fields, scope_place_fields
from .models import Competency, Milestone, OperationalArea, Stage, Status
from .selectors import MilestoneFilter

User = get_user_model()

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def members(organization: Organization):
    """Who may own a milestone: the members of the organization, by name."""
    member_ids = Membership.objects.for_organization(organization).values("user_id")
    return User.objects.filter(pk__in=member_ids).order_by("full_name", "email")


class CompetencyGroupedIterator(ModelChoiceIterator):
    """Milestones under one <optgroup> per competency, so that a long list stays findable."""

    def __iter__(self):
        queryset = self.queryset.select_related("competency").order_by("competency__number", "title")
        for _competency, group in groupby(queryset, key=lambda milestone: milestone.competency_id):
            group = list(group)
            yield str(group[0].competency), [self.choice(milestone) for milestone in group]


class MilestoneChoiceField(forms.ModelMultipleChoiceField):
    iterator = CompetencyGroupedIterator


class ShortCompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.number}. {obj.short_title}"


class MilestoneForm(forms.Form):
    """Everything about a milestone, for the CCO and admins."""

    competency = forms.ModelChoiceField(Competency.objects.all(), to_field_name="number", empty_label=None)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(
        User.objects.none(),
        required=False,
        empty_label=_("No owner yet"),
        help_text=_("A member of the organization; they may then update its status, percent complete and notes."),
    )
    areas = forms.ModelMultipleChoiceField(
        OperationalArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Operational areas involved"),
    )
    start_date = DateField(required=False, widget=DATE_INPUT)
    due_date = DateField(required=False, widget=DATE_INPUT)
    status = forms.ChoiceField(choices=Status.choices, widget=forms.RadioSelect)
    percent_complete = forms.IntegerField(
        min_value=0, max_value=100, initial=0, label=_("Percent complete"), help_text=_("Done sets it to 100.")
    )
    blocked_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("What blocks it"),
        help_text=_("Needed when the status is Blocked."),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Progress notes"))
    dependencies = MilestoneChoiceField(
        Milestone.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label=_("Depends on"),
        help_text=_("Milestones that must be done first. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason to override"),
        help_text=_("Only to mark it done while a milestone it depends on is not done yet."),
    )

    journey_stage, touchpoint = place_fields()

    fieldsets = [
        ("What", ["competency", "title", "description"]),
        ("Who", ["owner", "areas"]),
        (_("Journey map"), ["journey_stage", "touchpoint"]),
        ("When", ["start_date", "due_date"]),
        ("Progress", ["status", "percent_complete", "blocked_reason", "notes"]),
        ("Dependencies", ["dependencies", "override_reason"]),
    ]

    def __init__(self, *args, organization: Organization, milestone: Milestone | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(organization)
        self.fields["areas"].queryset = OperationalArea.objects.for_organization(organization)
        self.has_areas = self.fields["areas"].queryset.exists()
        scope_place_fields(self, organization)
        others = Milestone.objects.for_organization(organization)
        self.fields["dependencies"].queryset = others.exclude(pk=milestone.pk) if milestone else others

    @classmethod
    def initial_for(cls, milestone: Milestone) -> dict:
        return {
            **{name: getattr(milestone, name) for name in cls.base_fields if name not in {"areas", "dependencies"}},
            "areas": list(milestone.areas.all()),
            "dependencies": list(milestone.dependencies.all()),
        }

    def grouped_fields(self):
        """(legend, bound fields) per fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


class OwnerUpdateForm(forms.Form):
    """What the owner of a milestone may change: its progress."""

    status = forms.ChoiceField(choices=Status.choices, widget=forms.RadioSelect)
    percent_complete = forms.IntegerField(
        min_value=0, max_value=100, label=_("Percent complete"), help_text=_("Done sets it to 100.")
    )
    blocked_reason = MilestoneForm.base_fields["blocked_reason"]
    notes = MilestoneForm.base_fields["notes"]

    @classmethod
    def initial_for(cls, milestone: Milestone) -> dict:
        return {name: getattr(milestone, name) for name in cls.base_fields}


class MaturityStageForm(forms.Form):
    stage = forms.TypedChoiceField(choices=Stage.choices, coerce=int, widget=forms.RadioSelect, label="Stage")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why this stage"),
        help_text=_("What is in place, and what is missing for the next stage."),
    )


class AreaForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name")
    leader = forms.ModelChoiceField(
        User.objects.none(),
        required=False,
        label=_("Leader"),
        empty_label=_("No leader yet"),
        help_text=_("The one member who answers for the area's touchpoints on the journey map."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = members(organization)


class MilestoneFilterForm(forms.Form):
    """The filters of the milestone list and the timeline, read from the query string."""

    competency = ShortCompetencyChoiceField(
        Competency.objects.all(), to_field_name="number", required=False, empty_label=_("All competencies")
    )
    owner = forms.ModelChoiceField(User.objects.none(), required=False, empty_label="Anyone")
    area = forms.ModelChoiceField(OperationalArea.objects.none(), required=False, empty_label=_("All areas"))
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    due_from = DateField(required=False, widget=DATE_INPUT, label=_("Due from"))
    due_to = DateField(required=False, widget=DATE_INPUT, label=_("Due until"))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(organization)
        self.fields["area"].queryset = OperationalArea.objects.for_organization(organization)

    def filters(self) -> MilestoneFilter:
        """The valid filters; a value that is not valid (shown as an error) filters nothing."""
        if not self.is_bound:
            return MilestoneFilter()
        self.is_valid()
        data = self.cleaned_data
        return MilestoneFilter(
            competency=data["competency"].number if data.get("competency") else None,
            owner=data["owner"].pk if data.get("owner") else None,
            area=data["area"].pk if data.get("area") else None,
            status=data.get("status") or None,
            overdue=bool(data.get("overdue")),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
        )

    def is_filtered(self) -> bool:
        return self.filters() != MilestoneFilter()
