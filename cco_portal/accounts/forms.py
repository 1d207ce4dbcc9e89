from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cco_portal.sso.selectors import is_password_sign_in_refused
from cco_portal.sso.services import password_refused_for_single_sign_on

from .models import User


class UserCreationForm(auth_forms.UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


def _company_account_only() -> ValidationError:
    return ValidationError(
        format_html(
            _(
                'Your organization signs in with its company account, not a password: <a href="{}">Sign in with your '
                "company's account</a>."
            ),
            reverse("sso:sign_in"),
        ),
        code="single_sign_on_required",
    )


class SignInForm(auth_forms.AuthenticationForm):
    """Django's, refusing the password of someone whose organization requires single sign-on, with the way in."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if password_refused_for_single_sign_on(email=username, request=self.request):
            raise _company_account_only()
        return super().clean()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, saying to someone whose organization requires single sign-on that there is no password to reset."""

    def clean_email(self):
        email = self.cleaned_data["email"]
        if is_password_sign_in_refused(email):
            raise _company_account_only()
        return email
