"""The authenticator's otpauth URI as a QR code drawn in SVG on the server: no script, no image request."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice


def qr_code_svg(text: str) -> str:
    """`text` as an inline SVG QR code (one path, scalable), without the XML declaration."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


def readable_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
