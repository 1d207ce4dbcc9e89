"""Sessions: a new key at sign-in (so a planted key is worth nothing), none left after signing out, and every other
session ended by a password change, whose new password passes Django's validators."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_signing_in_replaces_the_session_key(organization, member_of):
    """A session that existed before sign-in (one an attacker could have planted) is replaced by a new key,
    and the old key neither exists any more nor signs anyone in."""
    # given: a visitor whose browser already holds a session
    person = member_of(Role.CCO)
    client = Client()
    before = client.session
    before["visited"] = True
    before.save()
    planted_key = session_key(client)

    # when
    sign_in(client, person)

    # then
    assert session_key(client) != planted_key
    assert not SessionStore().exists(planted_key)
    holder_of_the_old_key = Client()
    holder_of_the_old_key.cookies[settings.SESSION_COOKIE_NAME] = planted_key
    response = holder_of_the_old_key.get(f"/o/{organization.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_after_signing_out_the_old_session_cookie_no_longer_authenticates(organization, member_of):
    """A copy of the session cookie taken before sign-out opens neither a page nor the API afterwards."""
    # given: a signed-in person, and a copy of their session cookie
    person = member_of(Role.CCO)
    client = Client()
    sign_in(client, person)
    stolen_key = session_key(client)
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen_key
    assert thief.get(f"/o/{organization.slug}/").status_code == 200

    # when
    signed_out = client.post("/accounts/logout/")

    # then
    assert signed_out.status_code == 302
    assert not SessionStore().exists(stolen_key)
    page = thief.get(f"/o/{organization.slug}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert thief.get("/api/v1/orgs/").status_code == 401


def test_changing_the_password_signs_out_every_other_session(organization, member_of):
    """A person who changes their password stays signed in where they did it; a session elsewhere (a stolen
    cookie, a forgotten browser) is signed out."""
    # given: the same person signed in twice
    person = member_of(Role.CCO)
    here, elsewhere = Client(), Client()
    sign_in(here, person)
    sign_in(elsewhere, person)

    # when
    changed = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a-fresh-passphrase-2", "new_password2": "a-fresh-passphrase-2"},
    )

    # then
    assert changed.status_code == 302
    assert here.get(f"/o/{organization.slug}/").status_code == 200
    assert elsewhere.get(f"/o/{organization.slug}/")["Location"].startswith("/accounts/login/")


def test_a_new_password_must_pass_djangos_validators(member_of):
    """Changing the password checks Django's validators: a common one is refused and the old one still works."""
    # given
    person = member_of(Role.CCO)
    client = Client()
    sign_in(client, person)

    # when
    refused = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )

    # then
    assert refused.status_code == 200
    assert "This password is too common." in refused.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
