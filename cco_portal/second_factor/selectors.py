"""Reads about second factors: who has one, who must have one, and how many recovery codes are left.

The devices are django-otp's: a TOTPDevice (an authenticator app) and a StaticDevice whose StaticTokens are the
recovery codes. A TOTP device counts once it is confirmed with a first code.
"""

from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cco_portal.organizations.models import Membership, Organization, SecondFactorRule
from cco_portal.organizations.roles import Role


def authenticator_of(user) -> TOTPDevice | None:
    """`user`'s confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator_of(user) -> TOTPDevice | None:
    """The authenticator `user` is setting up: shown as a QR code, not yet confirmed with a first code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_codes_of(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def must_have_second_factor(user) -> bool:
    """True when one of `user`'s roles, in any of their organizations, needs a second factor by that
    organization's rule: admins always; the CCO where the organization requires it of the CCO too."""
    # Across organizations on purpose: a person signs in once, for all of them.
    return (
        Membership.objects.unscoped()
        .filter(user=user)
        .filter(
            Q(role=Role.ADMIN)
            | Q(role=Role.CCO, organization__second_factor_required_for=SecondFactorRule.ADMINS_AND_CCO)
        )
        .exists()
    )


def member_has_second_factor(*, organization: Organization, user) -> bool:
    """Whether a member of `organization` has an authenticator; what the organization's admins may see."""
    return Membership.objects.for_organization(organization).filter(user=user).exists() and has_second_factor(user)
