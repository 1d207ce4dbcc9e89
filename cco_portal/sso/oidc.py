"""The OpenID Connect protocol, through Authlib's Django client: discovery, the authorization code flow with PKCE
(S256), `state` and `nonce` kept in the session, and the ID token verified (signature against the provider's JWKS,
issuer, audience, expiry, nonce). Nothing here decodes or checks a token by hand; this module only names Authlib's
refusals in words a person understands.

The state lives in the session under Authlib's key for it and is removed when the callback reads it: a callback
whose state was used once (a replay) or never given (a forged link) finds nothing and is refused.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.utils.translation import gettext as _
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from requests import RequestException

from cco_portal.encryption import decrypt

from .models import IdentityProvider

SCOPE = "openid email profile"
# Clocks of the portal and the provider may differ a little; a token expired longer ago than this is refused.
CLOCK_LEEWAY_SECONDS = 60
# Outside calls (discovery, keys, the token exchange) must not hold a web worker for long.
HTTP_TIMEOUT_SECONDS = 10
# The session remembers which organization's provider a sign-in was started at.
PENDING_SESSION_KEY = "sso_pending_organization"


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in; `reason` is the short code the audit log records."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedIdentity:
    email: str
    email_verified: bool
    full_name: str
    subject: str
    id_token: str


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def client_for(provider: IdentityProvider, **metadata) -> DjangoOAuth2App:
    """Authlib's client for one organization's provider. `metadata` given (tests) stands in for discovery."""
    name = f"sso-{provider.organization_id}"
    return DjangoOAuth2App(
        DjangoIntegration(name),
        name,
        client_id=provider.client_id,
        client_secret=decrypt(provider.client_secret_encrypted),
        server_metadata_url=None if metadata else discovery_url(provider.issuer),
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": HTTP_TIMEOUT_SECONDS},
        **metadata,
    )


def load_metadata(client: DjangoOAuth2App, provider: IdentityProvider) -> dict:
    """The discovery document, which must name the configured issuer (else another server's tokens would do)."""
    try:
        metadata = client.load_server_metadata()
    except (RequestException, ValueError) as error:
        raise SignInRefused(
            "discovery", _("The provider's settings could not be read: check the issuer URL.")
        ) from error
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise SignInRefused(
            "issuer", _("The provider's discovery document names another issuer than the one configured.")
        )
    return metadata


def authorization_redirect(request, provider: IdentityProvider, redirect_uri: str, login_hint: str = ""):
    """The redirect to the provider's sign-in page; Authlib stores state, nonce and the PKCE verifier."""
    client = client_for(provider)
    load_metadata(client, provider)
    request.session[PENDING_SESSION_KEY] = provider.organization_id
    extra = {"login_hint": login_hint} if login_hint else {}
    return client.authorize_redirect(request, redirect_uri, **extra)


@contextmanager
def _refusals_named():
    """Authlib's and joserfc's refusals, as the reason the audit log records and words a person understands."""
    try:
        yield
    except MismatchingStateError as error:
        raise SignInRefused("state", _("This sign-in link was already used or was not started here.")) from error
    except OAuthError as error:
        raise SignInRefused(
            "provider_error", _("The provider refused the sign-in (%(error)s).") % {"error": error.error}
        ) from error
    except RequestException as error:
        raise SignInRefused("provider_unreachable", _("The provider could not be reached.")) from error
    except ExpiredTokenError as error:
        raise SignInRefused("expired", _("The provider's ID token has expired.")) from error
    except BadSignatureError as error:
        raise SignInRefused("signature", _("The ID token's signature does not match the provider's keys.")) from error
    except ClaimError as error:
        claim = {"aud": "audience", "iss": "issuer"}.get(error.claim, error.claim)
        raise SignInRefused(claim, _("The ID token's %(claim)s is not the one expected.") % {"claim": claim}) from error
    except (JoseError, ValueError) as error:
        raise SignInRefused("invalid_token", _("The provider's ID token could not be read.")) from error


def _claims_options(issuer: str, client_id: str) -> dict:
    # The audience is named here: Authlib's own check of an ID token accepts another audience when `azp` names
    # this client, which OpenID Connect Core (3.1.3.7) does not.
    return {"iss": {"essential": True, "values": [issuer]}, "aud": {"essential": True, "values": [client_id]}}


def _is_email_verified(claims) -> bool:
    """`email_verified` true. Microsoft Entra ID never sends it for work accounts; its optional claim `xms_edov`
    (the address's domain verified as the tenant's) stands in, only where `email_verified` is absent: a false one
    is refused whatever else the token says."""
    if "email_verified" in claims:
        return claims["email_verified"] is True
    return claims.get("xms_edov") is True


def _identity(claims, id_token: str) -> VerifiedIdentity:
    return VerifiedIdentity(
        email=str(claims.get("email") or "").strip().lower(),
        email_verified=_is_email_verified(claims),
        full_name=str(claims.get("name") or "")[:150],
        subject=str(claims["sub"]),
        id_token=id_token,
    )


def verified_identity(client: DjangoOAuth2App, token: dict, nonce: str, issuer: str) -> VerifiedIdentity:
    """The ID token in `token`, verified as the callback verifies it: signature (JWKS), issuer, audience (our
    client id), expiry and nonce."""
    if "id_token" not in token:
        raise SignInRefused("no_id_token", _("The provider sent no ID token."))
    with _refusals_named():
        claims = client.parse_id_token(
            token, nonce=nonce, claims_options=_claims_options(issuer, client.client_id), leeway=CLOCK_LEEWAY_SECONDS
        )
    return _identity(claims, token["id_token"])


def complete_authorization(request, provider: IdentityProvider) -> VerifiedIdentity:
    """Read the provider's answer on the callback: the state (used once), the code exchanged with the PKCE
    verifier, the ID token verified. Refusals are SignInRefused, with the reason."""
    client = client_for(provider)
    metadata = load_metadata(client, provider)
    with _refusals_named():
        token = client.authorize_access_token(
            request, claims_options=_claims_options(metadata["issuer"], client.client_id), leeway=CLOCK_LEEWAY_SECONDS
        )
    if "userinfo" not in token:
        raise SignInRefused("no_id_token", _("The provider sent no ID token."))
    return _identity(token["userinfo"], token["id_token"])


def logout_url(provider: IdentityProvider, id_token: str, post_logout_redirect_uri: str) -> str:
    """The provider's end-session address (RP-initiated logout) when its discovery document has one, else ""."""
    client = client_for(provider)
    try:
        metadata = client.load_server_metadata()
    except (RequestException, ValueError):
        return ""
    if not metadata.get("end_session_endpoint"):
        return ""
    return client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token, client_id=provider.client_id
    )["url"]
