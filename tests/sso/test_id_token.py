"""The ID token's verification, with tokens signed in the test by a key whose JWKS the client is given (as discovery
would give it): a token for another client (audience), an expired one, one signed by another key, one of another
issuer, and a replayed nonce are refused with the reason; a good one is read."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from cco_portal.sso.oidc import SignInRefused, client_for, verified_identity
from cco_portal.sso.services import save_identity_provider

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.example.com"
CLIENT_ID = "portal"
NONCE = "the-nonce-of-this-sign-in"


@pytest.fixture
def signing_key():
    return RSAKey.generate_key(2048, parameters={"kid": "test-key"})


@pytest.fixture
def client(organization, signing_key):
    provider = save_identity_provider(
        organization=organization,
        acting_user=None,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="secret",
        domains=["acme.test"],
    )
    jwks = KeySet([signing_key]).as_dict(private=False)
    return client_for(provider, issuer=ISSUER, jwks=jwks, id_token_signing_alg_values_supported=["RS256"])


def id_token(key, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "ada",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "Ada@Acme.test",
        "email_verified": True,
        "name": "Ada Lovelace",
        **changes,
    }
    token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
    return {"id_token": token, "access_token": "an-access-token", "token_type": "Bearer"}


def refusal(client, token, nonce=NONCE) -> str:
    with pytest.raises(SignInRefused) as refused:
        verified_identity(client, token, nonce=nonce, issuer=ISSUER)
    return refused.value.reason


def test_a_good_token_is_read(client, signing_key):
    """Signed by the provider's key, for this client, by this issuer, with this sign-in's nonce: read, the address
    lower-case."""
    identity = verified_identity(client, id_token(signing_key), nonce=NONCE, issuer=ISSUER)
    assert (identity.email, identity.email_verified, identity.full_name) == ("ada@acme.test", True, "Ada Lovelace")


def test_a_token_for_another_client_is_refused(client, signing_key):
    """The wrong audience: a token the provider issued to another application."""
    assert refusal(client, id_token(signing_key, aud="another-app")) == "audience"


def test_an_expired_token_is_refused(client, signing_key):
    """Expired an hour ago, far beyond the clock leeway."""
    an_hour_ago = int(time.time()) - 3600
    assert refusal(client, id_token(signing_key, iat=an_hour_ago - 300, exp=an_hour_ago)) == "expired"


def test_a_token_signed_by_another_key_is_refused(client):
    forger = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    assert refusal(client, id_token(forger)) == "signature"


def test_a_token_of_another_issuer_is_refused(client, signing_key):
    assert refusal(client, id_token(signing_key, iss="https://evil.example.com")) == "issuer"


def test_a_token_of_another_sign_in_is_refused(client, signing_key):
    """The nonce of another sign-in: a token replayed from elsewhere."""
    assert refusal(client, id_token(signing_key), nonce="another-nonce") == "nonce"


def test_a_token_for_another_client_is_refused_even_when_it_names_this_one_as_authorized_party(client, signing_key):
    """An `azp` naming this client does not make up for an audience without it."""
    assert refusal(client, id_token(signing_key, aud="another-app", azp=CLIENT_ID)) == "audience"


def test_entra_ids_domain_owner_claim_stands_in_only_for_a_missing_email_verified(client, signing_key):
    """Microsoft Entra ID sends `xms_edov` instead of `email_verified`: read as verified when `email_verified` is
    absent, never over an `email_verified` false."""
    entra = id_token(signing_key, xms_edov=True)
    claims_without = jwt.decode(entra["id_token"], signing_key).claims
    del claims_without["email_verified"]
    entra["id_token"] = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims_without, signing_key)
    assert verified_identity(client, entra, nonce=NONCE, issuer=ISSUER).email_verified is True

    unverified = id_token(signing_key, email_verified=False, xms_edov=True)
    assert verified_identity(client, unverified, nonce=NONCE, issuer=ISSUER).email_verified is False
