"""Sign-in lockout (django-axes): five failures for one email address from one client address pause that pair for
15 minutes, on the login page, the admin's login and the API's token login alike; X-Forwarded-For counts only
behind the number of proxies the deployment declares."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
EMAIL = "casey@example.com"


@pytest.fixture
def person(member_of):
    return member_of(Role.CCO, email=EMAIL)


def sign_in(client, email=EMAIL, password=PASSWORD, **headers):
    return client.post(LOGIN, {"username": email, "password": password}, **headers)


def fail(client, times, email=EMAIL, **headers):
    return [sign_in(client, email, "not-the-password", **headers).status_code for _ in range(times)]


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_fifth_failure_pauses_sign_in_and_says_when_to_try_again(person):
    """Four failures show the form again; the fifth answers 429 with a page that says when to try again,
    and even the right password is refused until then."""
    # given
    client = Client()

    # when
    statuses = fail(client, 5)
    locked = sign_in(client)

    # then
    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    page = locked.content.decode()
    assert "Try again in 15 minutes, after" in page
    retry_at = locked.context["retry_at"]
    assert f'<time datetime="{retry_at:%Y-%m-%dT%H:%M:%S}' in page
    assert not is_signed_in(client)


def test_the_lockout_holds_one_address_from_one_place_only(person, member_of):
    """The paused pair is this email from this address: the person signs in from elsewhere, and a colleague
    signs in from the same office."""
    # given
    colleague = member_of(Role.EXECUTIVE, email="colleague@example.com")
    fail(Client(REMOTE_ADDR="203.0.113.7"), 5)

    # when
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    sign_in(elsewhere)
    same_office = Client(REMOTE_ADDR="203.0.113.7")
    sign_in(same_office, email=colleague.email)

    # then
    assert is_signed_in(elsewhere)
    assert is_signed_in(same_office)


def test_the_case_of_the_email_address_does_not_reset_the_count(person):
    """Accounts are found whatever the case of the address, so CASEY@… and casey@… fail together."""
    # given
    client = Client()
    for email in [EMAIL, EMAIL.upper(), " Casey@Example.com", EMAIL.title()]:
        fail(client, 1, email=email)

    # when
    fifth = sign_in(client, email="CASEY@example.COM", password="not-the-password")

    # then
    assert fifth.status_code == 429


def test_a_spoofed_x_forwarded_for_changes_nothing_without_a_trusted_proxy(person):
    """With no proxy declared the header is the client's own to write: a new address in it on every try
    still counts against REMOTE_ADDR, and the lockout is recorded there."""
    # given
    client = Client(REMOTE_ADDR="203.0.113.7")

    # when
    statuses = [
        sign_in(client, password="not-the-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    right_password = sign_in(client, HTTP_X_FORWARDED_FOR="192.0.2.1")

    # then
    assert statuses == [200, 200, 200, 200, 429]
    assert right_password.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_behind_a_declared_proxy_the_client_is_the_address_the_proxy_added(person, settings):
    """Behind one trusted proxy (REMOTE_ADDR is the proxy) the client is the last X-Forwarded-For entry:
    people behind the proxy are counted apart, and an entry the client writes in front changes nothing."""
    # given
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(5):
        sign_in(proxy, password="not-the-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")

    # when
    attacker = sign_in(proxy, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7")
    someone_else = sign_in(proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")

    # then
    assert attacker.status_code == 429
    assert someone_else.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_the_api_token_login_is_paused_with_json(person):
    """Five wrong passwords at the token login: the fifth answers 429 in JSON with when to try again, and
    the right password then gets no token."""
    # given
    client = APIClient()
    wrong = [client.post(TOKEN, {"username": EMAIL, "password": "not-the-password"}) for _ in range(5)]

    # when
    right = client.post(TOKEN, {"username": EMAIL, "password": PASSWORD})

    # then
    assert [r.status_code for r in wrong] == [400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == str(15 * 60)
    assert right.json()["detail"].startswith("Too many failed sign-ins. Try again in 15 minutes, after ")
    assert "retry_at" in right.json()
    assert "token" not in right.json()


def test_failures_at_the_api_and_the_login_page_count_together(person):
    """Three failures at the token login and two at the login page make five: the page is paused too."""
    # given
    api = APIClient()
    for _ in range(3):
        api.post(TOKEN, {"username": EMAIL, "password": "not-the-password"})

    # when
    statuses = fail(Client(), 2)

    # then
    assert statuses == [200, 429]


def test_the_admin_login_is_paused_too(person):
    """The admin site's login goes through the same authentication, so it is paused alike."""
    # given
    client = Client()

    # when
    statuses = [
        client.post("/admin/login/", {"username": EMAIL, "password": "not-the-password"}).status_code for _ in range(5)
    ]

    # then
    assert statuses == [200, 200, 200, 200, 429]


def test_after_the_wait_the_right_password_signs_in(person):
    """Once the last failure is more than 15 minutes old the pause is over."""
    # given: five failures, the last of them 16 minutes ago
    client = Client()
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))

    # when
    response = sign_in(client)

    # then
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_successful_sign_in_clears_the_count(person):
    """Four failures, a success, then four more failures: not paused, since the success started the count anew."""
    # given
    client = Client()
    fail(client, 4)
    sign_in(client)
    client.logout()

    # when
    statuses = fail(client, 4)

    # then
    assert statuses == [200, 200, 200, 200]
