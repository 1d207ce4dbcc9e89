"""Forms of the listening path pages. Stages, owners and data sources to choose come from the URL's organization
only."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cco_portal.dates import DateField
from cco_portal.organizations import gathered_feeds
from cco_portal.organizations.models import Organization

from ..journey.models import JourneyStage
from . import selectors
from .models import LONGEST_CADENCE, MONTHLY, QUARTERLY, WEEKLY, SourceKind

OTHER = "other"
CADENCES = [
    (str(WEEKLY), _("Weekly")),
    (str(MONTHLY), _("Monthly")),
    (str(QUARTERLY), _("Quarterly")),
    (OTHER, _("Every … days")),
]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    stages = forms.ModelMultipleChoiceField(
        JourneyStage.objects.none(),
        label=_("Stages it listens at"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = OwnerChoiceField(
        None, label=_("Owner"), required=False, empty_label=_("Nobody yet"), help_text=_("Records its reports.")
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=CADENCES, initial=str(MONTHLY))
    other_days = forms.IntegerField(
        label=_("Or every so many days"),
        min_value=1,
        max_value=LONGEST_CADENCE,
        required=False,
        help_text=_("Only with the cadence “every … days”."),
    )
    description = forms.CharField(
        label=_("What it tells"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stages"].queryset = JourneyStage.objects.for_organization(organization).order_by("position")
        self.fields["owner"].queryset = selectors.owners(organization)

    def clean(self):
        data = super().clean()
        if data.get("cadence") == OTHER:
            if not data.get("other_days"):
                self.add_error("other_days", _("Say every how many days it reports, from 1 to 366."))
            data["cadence_days"] = data.get("other_days")
        elif data.get("cadence"):
            data["cadence_days"] = int(data["cadence"])
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "kind", "stages", "owner", "cadence_days", "description")}

    @staticmethod
    def initial_of(source) -> dict:
        preset = str(source.cadence_days) in {value for value, _label in CADENCES}
        return {
            "name": source.name,
            "kind": source.kind,
            "stages": list(source.stages.all()),
            "owner": source.owner_id,
            "cadence": str(source.cadence_days) if preset else OTHER,
            "other_days": None if preset else source.cadence_days,
            "description": source.description,
        }


class ReportForm(forms.Form):
    reported_on = DateField(label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What it said, in a line or two."),
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")


class FeedForm(forms.Form):
    stage = forms.ModelChoiceField(JourneyStage.objects.none(), label=_("Stage"), empty_label=None)
    feed_key = forms.ChoiceField(label=_("Data source"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = JourneyStage.objects.for_organization(organization).order_by("position")
        self.fields["feed_key"].choices = [(feed.key, feed.name) for feed in gathered_feeds.feeds_for(organization)]

    def clean_feed_key(self):
        key = self.cleaned_data["feed_key"]
        if not key:
            raise ValidationError(_("Choose a data source."))
        return key
