from django import forms
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.roles import Role


class CompanyEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work email address"),
        help_text=_("Your organization's sign-in page opens for the company account of this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class IdentityProviderForm(forms.Form):
    """What an admin enters for the organization's OpenID Connect provider; the secret is never shown back."""

    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "For example https://acme.okta.com, https://login.microsoftonline.com/<tenant id>/v2.0 or "
            "https://accounts.google.com. The portal reads the rest from its discovery document."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=255)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    domains = forms.CharField(
        label=_("Email domains"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. acme.com. People with these addresses sign in through this provider."),
    )
    default_role = forms.ChoiceField(
        label=_("Role of a first sign-in"),
        required=False,
        choices=[("", _("None (an admin gives it)")), *Role.choices],
    )
    is_required = forms.BooleanField(
        label=_("Members must sign in with the company account"),
        required=False,
        help_text=_("Passwords stop working for everyone with an address in these domains; password reset too."),
    )

    def __init__(self, *args, has_client_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            _("A secret is stored (encrypted; never shown). Leave this empty to keep it.")
            if has_client_secret
            else _("The secret the provider gave for the portal; it is stored encrypted and never shown again.")
        )
