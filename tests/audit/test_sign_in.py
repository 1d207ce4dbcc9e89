"""Sign-in events: heard from Django's auth signals and django-axes, recorded with no organization."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from tests.audit.helpers import events, only_event
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
EMAIL = "casey@example.com"
WRONG = "not-the-password-Zq81"


@pytest.fixture
def person(member_of):
    return member_of(Role.CCO, email=EMAIL)


def test_signing_in_and_out_is_recorded_with_the_person_and_address(person):
    """A sign-in and a sign-out each record who, and from which address, with no organization."""
    # given
    client = Client(REMOTE_ADDR="203.0.113.7")

    # when
    client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})
    client.post("/accounts/logout/")

    # then
    signed_in, signed_out = only_event(Action.SIGNED_IN), only_event(Action.SIGNED_OUT)
    for event in (signed_in, signed_out):
        assert event.actor == person
        assert event.actor_email == EMAIL
        assert event.organization is None
        assert event.ip_address == "203.0.113.7"


def test_a_failed_sign_in_records_the_email_tried_and_never_the_password(person):
    """The address tried is kept (lower-case, as the lockout counts it); the password appears nowhere."""
    # when
    Client(REMOTE_ADDR="203.0.113.7").post(LOGIN, {"username": " Casey@Example.com", "password": WRONG})

    # then
    event = only_event(Action.SIGN_IN_FAILED)
    assert event.target == EMAIL
    assert event.actor is None
    assert event.actor_email == ""
    assert event.ip_address == "203.0.113.7"
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert all(WRONG not in str(value) for value in stored.values())


def test_a_failed_api_token_login_is_recorded_too(person):
    """The API's token login goes through authenticate(), so its failures are recorded alike."""
    # when
    APIClient(REMOTE_ADDR="203.0.113.8").post("/api/v1/auth/token/", {"username": EMAIL, "password": WRONG})

    # then
    event = only_event(Action.SIGN_IN_FAILED)
    assert event.target == EMAIL
    assert event.ip_address == "203.0.113.8"


def test_a_token_login_is_recorded_as_a_sign_in(person):
    """A token login never calls login(); the token view records it, marked as such."""
    # when
    response = APIClient(REMOTE_ADDR="203.0.113.8").post(
        "/api/v1/auth/token/", {"username": EMAIL, "password": PASSWORD}
    )

    # then
    assert response.status_code == 200
    event = only_event(Action.SIGNED_IN)
    assert event.actor == person
    assert event.details == {"via": "api token"}
    assert event.ip_address == "203.0.113.8"


def test_the_fifth_failure_is_recorded_as_a_lockout_and_so_is_every_refused_attempt(person):
    """Four failures, then the pause: each attempt is one event, the fifth and later ones lockouts."""
    # given
    client = Client(REMOTE_ADDR="203.0.113.7")

    # when
    for _ in range(5):
        client.post(LOGIN, {"username": EMAIL, "password": WRONG})
    client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})

    # then
    assert [event.action for event in events()] == [Action.SIGN_IN_FAILED] * 4 + [Action.LOCKED_OUT] * 2
    lockout = events(Action.LOCKED_OUT)[0]
    assert lockout.target == EMAIL
    assert lockout.ip_address == "203.0.113.7"
    assert lockout.details == {"failures": 5}
    assert not events(Action.SIGNED_IN)
