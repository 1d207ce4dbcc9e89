from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Decision


class CharterForm(forms.Form):
    customer_definition = forms.CharField(
        label=_("What counts as a customer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    value_definition = forms.CharField(
        label=_("What value means"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    intent = forms.CharField(
        label=_("Our intent"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "A few lines in the leaders' own words: why these figures, and what the leaders will do with them."
        ),
    )


class SignatureForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Needed when you object: say what you object to."),
    )
