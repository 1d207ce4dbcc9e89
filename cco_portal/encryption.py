"""Secrets a customer gives the portal, at rest: the passwords of data sources and the client secrets of single
sign-on providers. Fernet (AES in CBC mode with an HMAC) under DATA_SOURCE_ENCRYPTION_KEY, which production must be
given (settings/production.py) and development derives (settings/local.py, test.py)."""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# What a page or an answer shows in place of a stored password.
MASK = "••••"


def _fernet() -> Fernet:
    try:
        return Fernet(settings.DATA_SOURCE_ENCRYPTION_KEY)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "DATA_SOURCE_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from error


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt(token: str) -> str:
    """The clear text of a stored secret; a token from another key cannot be read and says so."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret (a data source's password or a sign-on provider's client secret) was stored under "
            "another DATA_SOURCE_ENCRYPTION_KEY; enter it again."
        ) from None
