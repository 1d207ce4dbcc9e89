"""Forms of the journey map pages. Stages and areas to choose come from the URL's organization only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization

from ..models import OperationalArea
from .models import JourneyStage, Stance, Touchpoint


class StageForm(forms.Form):
    name = forms.CharField(label=_("Stage"), max_length=80)
    position = forms.IntegerField(
        label=_("Place"), min_value=1, max_value=100, required=False, help_text=_("1 is the first stage.")
    )


class TouchpointForm(forms.Form):
    name = forms.CharField(label=_("Touchpoint"), max_length=120)
    stage = forms.ModelChoiceField(JourneyStage.objects.none(), label=_("Stage"), empty_label=None)
    area = forms.ModelChoiceField(
        OperationalArea.objects.none(), label=_("Owning area"), required=False, empty_label=_("No area yet")
    )
    position = forms.IntegerField(
        label=_("Place"), min_value=1, max_value=100, required=False, help_text=_("1 is the first in its stage.")
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = JourneyStage.objects.for_organization(organization).order_by("position")
        self.fields["area"].queryset = OperationalArea.objects.for_organization(organization).order_by("name")


class TouchpointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Touchpoint) -> str:
        return f"{obj.stage.name} · {obj.name}"


def place_fields() -> tuple[forms.ModelChoiceField, TouchpointChoiceField]:
    """The two fields that point a milestone or a customer-room action at the journey map: a stage, or one of its
    touchpoints. Scoped to an organization by `scope_place_fields` when the form is made."""
    stage = forms.ModelChoiceField(
        JourneyStage.objects.none(),
        required=False,
        label=_("Journey stage"),
        empty_label=_("None"),
        help_text=_("The stage of the journey map it acts on."),
    )
    touchpoint = TouchpointChoiceField(
        Touchpoint.objects.none(),
        required=False,
        label=_("Touchpoint"),
        empty_label=_("None"),
        help_text=_("Or, more precisely, the touchpoint it acts on."),
    )
    return stage, touchpoint


def scope_place_fields(form: forms.BaseForm, organization: Organization) -> None:
    form.fields["journey_stage"].queryset = JourneyStage.objects.for_organization(organization)
    form.fields["touchpoint"].queryset = Touchpoint.objects.for_organization(organization).select_related("stage")


class PriorityForm(forms.Form):
    touchpoint = TouchpointChoiceField(Touchpoint.objects.none(), label=_("Touchpoint"))
    experience = forms.CharField(
        label=_("Experience"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the customer should experience there, in a sentence."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = (
            Touchpoint.objects.for_organization(organization)
            .select_related("stage")
            .order_by("stage__position", "position")
        )


class StanceForm(forms.Form):
    stance = forms.ChoiceField(label=_("Your stance"), choices=Stance.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Needed when you dissent: say why."),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("chosen", _("Chosen: show it on the map")), ("set_aside", _("Set aside"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
