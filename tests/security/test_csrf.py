"""CSRF: every unsafe request that rides on the session cookie needs the token, signing in and out included.
The token comes from the page (a form's hidden input or <meta name="csrf-token">), since the cookie is HttpOnly."""

import re

import pytest
from django.test import Client

from cco_portal.organizations.models import Invitation
from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def csrf_token_of(page) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.content.decode()).group(1)


@pytest.fixture
def signed_in_admin(organization, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def test_signing_in_without_the_token_is_refused(member_of):
    """A login POST without the token (login CSRF) gets 403 and signs nobody in."""
    # given
    person = member_of(Role.CCO)
    client = Client(enforce_csrf_checks=True)

    # when
    response = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})

    # then
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_signing_in_with_the_token_from_the_page_works(member_of):
    """The same POST with the token the login page holds signs in: the refusal above is about the token."""
    # given
    person = member_of(Role.CCO)
    client = Client(enforce_csrf_checks=True)
    token = csrf_token_of(client.get("/accounts/login/"))

    # when
    response = client.post(
        "/accounts/login/", {"username": person.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_a_form_post_without_the_token_is_refused(organization, signed_in_admin, mailoutbox):
    """An admin's invitation form posted without the token gets 403, and nobody is invited."""
    # when
    response = signed_in_admin.post(
        f"/o/{organization.slug}/members/invite/", {"email": "new@example.com", "role": Role.EXECUTIVE}
    )

    # then
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_an_api_post_on_the_session_without_the_token_is_refused(organization, signed_in_admin, mailoutbox):
    """The API used with the browser's session cookie needs the token too: 403, and nobody is invited."""
    # when
    response = signed_in_admin.post(
        f"/api/v1/orgs/{organization.slug}/invitations/",
        {"email": "new@example.com", "role": Role.EXECUTIVE},
        content_type="application/json",
    )

    # then
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_an_api_post_on_the_session_with_the_token_from_the_page_works(organization, signed_in_admin):
    """With the page's token in X-CSRFToken, as the portal's scripts send it, the same API call succeeds."""
    # given
    token = csrf_token_of(signed_in_admin.get(f"/o/{organization.slug}/members/"))

    # when
    response = signed_in_admin.post(
        f"/api/v1/orgs/{organization.slug}/invitations/",
        {"email": "new@example.com", "role": Role.EXECUTIVE},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    # then
    assert response.status_code == 201
    assert Invitation.objects.get().email == "new@example.com"


def test_signing_out_without_the_token_is_refused(organization, signed_in_admin, admin_user):
    """A logout POST without the token gets 403, and the session stays signed in."""
    # when
    response = signed_in_admin.post("/accounts/logout/")

    # then
    assert response.status_code == 403
    assert signed_in_admin.session["_auth_user_id"] == str(admin_user.pk)
