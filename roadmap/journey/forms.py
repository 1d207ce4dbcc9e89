"""Forms of the journey map pages. Stages and areas to choose come from the URL's organization only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization

from ..models import OperationalArea
from .models import JourneyStage


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
