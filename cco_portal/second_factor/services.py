"""Writes about second factors: setting up an authenticator, verifying a code at sign-in, and an admin's reset.

A code is a six-digit TOTP code of the authenticator app (django-otp's TOTPDevice, which refuses a code of a
time step it has already accepted) or one of the recovery codes (django-otp's StaticTokens, deleted when used).
A wrong code counts as a failed sign-in, through Django's `user_login_failed` signal: django-axes counts it with
the password failures of the same address and client, and the audit log records it.
"""

import re
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cco_portal.accounts.services import end_api_tokens
from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Membership, Organization

from . import selectors

RECOVERY_CODE_COUNT = 10
_AUTHENTICATOR_CODE = re.compile(r"\d{6}")


def _normalized(code: str) -> str:
    # People copy codes with the spaces and dashes an app or a printout shows.
    return re.sub(r"[\s-]", "", code or "").lower()


def start_authenticator_setup(*, user) -> TOTPDevice:
    """The authenticator `user` is setting up, unconfirmed until its first code; the same one on each visit,
    so that a page reloaded after scanning still shows the secret the app holds."""
    device = selectors.pending_authenticator_of(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_authenticator(*, user, code: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator being set up with its first code, and make RECOVERY_CODE_COUNT recovery codes.

    Returns the device and the recovery codes, which are shown this once. Refused when `user` already has an
    authenticator, when none is being set up, or when the code is not the app's current one."""
    if selectors.has_second_factor(user):
        raise ValidationError(_("You already have a second factor. To replace it, ask an admin to reset it."))
    device = selectors.pending_authenticator_of(user)
    if device is None:
        raise ValidationError(_("Nothing is being set up: open the set-up page again to get a QR code."))
    if not device.verify_token(_normalized(code)):
        raise ValidationError(
            {"code": _("That is not the app's current code. Check that the app shows CCO Portal, then try again.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user=user)
    record_event(
        action=Action.SECOND_FACTOR_SET_UP,
        actor=user,
        request=request,
        target=user.email.lower(),
        codes_left=len(codes),
    )
    return device, codes


def _new_recovery_codes(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify_second_factor(*, user, code: str, request) -> Device:
    """Check `user`'s code at sign-in: the authenticator's current code, or an unused recovery code.

    Returns the device that accepted it, for `django_otp.login`. A refusal says why: no code, a wrong code, a code
    already used in its time step, or a recovery code that is not one or was used; each counts as a failed
    sign-in (`request` must be Django's request, which django-axes marks when the failures lock the person out).
    """
    code = _normalized(code)
    if not code:
        raise ValidationError(
            {"code": _("Enter the six-digit code your authenticator app shows, or one of your recovery codes.")}
        )
    if _AUTHENTICATOR_CODE.fullmatch(code):
        device = selectors.authenticator_of(user)
        if device is not None and device.verify_token(code):
            record_event(action=Action.SECOND_FACTOR_VERIFIED, actor=user, request=request, target=user.email.lower())
            return device
        if device is not None and _accepted_before(device, code):
            reason = "reused code"
            message = _("That code was already used. Wait for the app to show the next one, then enter it.")
        else:
            reason = "wrong code"
            message = _(
                "That code is wrong. Enter the code the app shows now; if it never works, check that the "
                "phone's clock is set automatically."
            )
    else:
        recovery = selectors.recovery_codes_of(user)
        if recovery is not None and recovery.verify_token(code):
            record_event(
                action=Action.RECOVERY_CODE_USED,
                actor=user,
                request=request,
                target=user.email.lower(),
                codes_left=recovery.token_set.count(),
            )
            return recovery
        reason = "recovery code not valid"
        message = _(
            "That recovery code does not work: each works once, and it was used already or is not one of yours."
        )
    _count_failure(user=user, request=request, reason=reason)
    raise ValidationError({"code": message})


def _accepted_before(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the device's code for a time step it has already accepted: a replay, not a typo."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(code), device.tolerance)


def _count_failure(*, user, request, reason: str) -> None:
    # Through Django's signal, as a wrong password: django-axes counts it, the audit receiver records it.
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.email, "via": "second factor", "reason": reason},
        request=request,
    )


def check_token_sign_in(*, user, code: str, request) -> None:
    """May `user`, who gave the right password, have an API token? Someone with a second factor must give its
    code as well; someone who must have one and has not set it up is refused until they have."""
    if selectors.has_second_factor(user):
        if not _normalized(code):
            raise ValidationError(
                {
                    "otp": _(
                        "This account signs in with a second factor: send the current code of your "
                        "authenticator app, or a recovery code, as otp."
                    )
                }
            )
        try:
            verify_second_factor(user=user, code=code, request=request)
        except ValidationError as refusal:
            raise ValidationError({"otp": refusal.message_dict["code"]}) from None
    elif must_set_up(user):
        raise PermissionDenied(
            _(
                "Your role requires a second factor, which this account has not set up: sign in on the web and "
                "set it up first, then ask for a token again."
            )
        )


def must_set_up(user) -> bool:
    """`user` must have a second factor and has none yet: they may do nothing else until they set one up."""
    return (
        settings.SECOND_FACTOR_RULE_ENFORCED
        and selectors.must_have_second_factor(user)
        and not selectors.has_second_factor(user)
    )


@transaction.atomic
def reset_second_factor(*, organization: Organization, user, acting_user, request=None) -> None:
    """An admin of `organization` removes a member's authenticator and recovery codes, for a member who lost
    them. The member sets up a new one at their next sign-in (if their role requires one); their API tokens end,
    as a lost phone may be in someone else's hands. Recorded in the organization's audit log."""
    if not Membership.objects.for_organization(organization).filter(user=user).exists():
        raise Membership.DoesNotExist("No such member.")
    if user == acting_user:
        raise ValidationError(_("Another admin must reset your own second factor: they can see you lost it."))
    if not selectors.has_second_factor(user):
        raise ValidationError(_("%(person)s has no second factor to reset.") % {"person": user.email})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    tokens = end_api_tokens(user=user)
    record_event(
        action=Action.SECOND_FACTOR_RESET,
        organization=organization,
        actor=acting_user,
        request=request,
        target=user.email.lower(),
        tokens=tokens,
    )
