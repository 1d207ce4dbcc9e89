"""API tokens are stored hashed, expire, can be listed and revoked by their owner and by the admins of an
organization the owner belongs to, and end with a password change, a reset or "sign out everywhere"."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from cco_portal.accounts.services import API_TOKENS_PER_PERSON, issue_api_token
from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD

NEW_PASSWORD = "a-new-and-long-passphrase-2026"


def signed_in_api(secret: str) -> APIClient:
    return APIClient(headers={"Authorization": f"Token {secret}"})


def works(secret: str) -> bool:
    return signed_in_api(secret).get("/api/v1/orgs/").status_code == 200


@pytest.fixture
def person(member_of):
    return member_of(Role.EXECUTIVE, email="scripts@example.com")


def test_a_token_is_stored_only_as_a_hash(person):
    """Signing in gives a token that works; the database holds nothing from which it could be used."""
    # when
    secret = APIClient().post("/api/v1/auth/token/", {"username": person.email, "password": PASSWORD}).json()["token"]

    # then
    assert works(secret)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert secret not in stored
    assert secret[:15] in stored  # the key that names it in lists


def test_an_expired_token_no_longer_works(person):
    """A token past its expiry is refused, as every token is after API_TOKEN_TTL_DAYS."""
    token, secret = issue_api_token(user=person)
    assert token.expiry > timezone.now() + timedelta(days=29)

    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    assert not works(secret)


def test_the_owner_lists_and_revokes_a_token(person):
    """The owner sees their tokens by their first characters, never whole, and a revoked one stops working;
    the revocation is in the audit log."""
    # given
    _, first = issue_api_token(user=person)
    _, second = issue_api_token(user=person)
    api = signed_in_api(first)

    # when
    listed = api.get("/api/v1/auth/tokens/").json()
    revoked = api.delete(f"/api/v1/auth/tokens/{second[:15]}/")

    # then
    assert sorted(row["token_key"] for row in listed) == sorted([first[:15], second[:15]])
    assert first not in str(listed)
    assert revoked.status_code == 204
    assert not works(second)
    assert works(first)
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_REVOKED, target=person.email).exists()


def test_nobody_revokes_another_persons_token_as_their_own(person, member_of):
    """Another person's token is not found on one's own list of tokens."""
    _, theirs = issue_api_token(user=person)
    _, mine = issue_api_token(user=member_of(Role.EXECUTIVE))

    answer = signed_in_api(mine).delete(f"/api/v1/auth/tokens/{theirs[:15]}/")

    assert answer.status_code == 404
    assert works(theirs)


def test_a_password_change_ends_every_token(person):
    """Changing the password on the page ends the API tokens the old password gave."""
    _, secret = issue_api_token(user=person)
    client = Client()
    client.force_login(person)

    client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not works(secret)


def test_a_password_reset_ends_every_token(person):
    """Setting a new password through the emailed reset link ends the tokens too."""
    _, secret = issue_api_token(user=person)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    client = Client()

    page = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(person)}/", follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not works(secret)


def test_signing_out_everywhere_ends_sessions_and_tokens(person):
    """From the page, "sign out everywhere" ends this session, the one on another device and every token."""
    # given
    _, secret = issue_api_token(user=person)
    here, elsewhere = Client(), Client()
    here.force_login(person)
    elsewhere.force_login(person)

    # when
    done = here.post("/accounts/sign-out-everywhere/", follow=True)

    # then
    assert "You are signed out everywhere" in done.content.decode()
    assert not works(secret)
    for client in (here, elsewhere):
        assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGNED_OUT_EVERYWHERE, target=person.email).exists()


def test_the_api_signs_out_everywhere(person):
    _, first = issue_api_token(user=person)
    _, second = issue_api_token(user=person)

    assert signed_in_api(first).post("/api/v1/auth/sign-out-everywhere/").status_code == 204

    assert not works(first)
    assert not works(second)


def test_an_admin_reviews_and_revokes_members_tokens_only(organization, other_organization, person, member_of):
    """An admin lists the live tokens of the organization's members and revokes one; a token of someone who is
    not a member is not found, through the API or the page."""
    # given
    admin = member_of(Role.ADMIN)
    outsider = member_of(Role.ADMIN, org=other_organization)
    _, members = issue_api_token(user=person)
    _, outsiders = issue_api_token(user=outsider)
    api = APIClient()
    api.force_authenticate(admin)
    page = Client()
    page.force_login(admin)

    # when
    listed = api.get(f"/api/v1/orgs/{organization.slug}/api-tokens/").json()
    foreign = api.delete(f"/api/v1/orgs/{organization.slug}/api-tokens/{outsiders[:15]}/")
    foreign_page = page.post(f"/o/{organization.slug}/api-tokens/", {"revoke": outsiders[:15]})
    revoked = page.post(f"/o/{organization.slug}/api-tokens/", {"revoke": members[:15]}, follow=True)

    # then
    assert [(row["user"], row["token_key"]) for row in listed["results"]] == [(person.email, members[:15])]
    assert (foreign.status_code, foreign_page.status_code) == (404, 404)
    assert works(outsiders)
    assert f"The token {members[:15]}… of {person.email} no longer works." in revoked.content.decode()
    assert not works(members)


def test_only_admins_see_the_members_tokens(organization, member_of):
    cco = member_of(Role.CCO)
    api = APIClient()
    api.force_authenticate(cco)

    assert api.get(f"/api/v1/orgs/{organization.slug}/api-tokens/").status_code == 403


def test_the_oldest_tokens_end_past_the_limit(person):
    """A script that signs in on every run never locks itself out: past the limit the oldest token ends."""
    secrets = [issue_api_token(user=person)[1] for _ in range(API_TOKENS_PER_PERSON + 1)]

    assert AuthToken.objects.filter(user=person).count() == API_TOKENS_PER_PERSON
    assert not works(secrets[0])
    assert works(secrets[-1])


def test_the_tokens_page_shows_a_new_token_once(person):
    """A token made on the page is shown whole once; afterwards the page names it by its first characters."""
    client = Client()
    client.force_login(person)

    made = client.post("/accounts/tokens/", {"new": "1"}).content.decode()
    secret = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', made).group(1)
    later = client.get("/accounts/tokens/").content.decode()

    assert works(secret)
    assert secret not in later
    assert f"{secret[:15]}…" in later


def test_signing_out_says_so(person):
    """After "Sign out" the sign-in page says the person is signed out."""
    client = Client()
    client.force_login(person)

    page = client.post("/accounts/logout/", follow=True)

    assert "You are signed out." in page.content.decode()
    assert client.get("/").status_code == 302
