"""Authenticator codes computed in the test from the shared secret, as the person's phone computes them."""

from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_authenticator(user) -> TOTPDevice:
    """A confirmed authenticator for `user`, as if they had set it up."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def next_code(device: TOTPDevice) -> str:
    """The code of the time step after the last one the device accepted, which it accepts (tolerance 1): a
    test that signs in twice within 30 seconds never offers the same step's code twice by accident."""
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + 1).token():06d}"


def current_code_for_secret(secret: str) -> str:
    """The code an app shows now for a secret typed as the set-up page shows it (base32 in groups)."""
    key = b32decode(secret.replace(" ", ""))
    return f"{TOTP(key).token():06d}"
