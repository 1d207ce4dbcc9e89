"""The second factor: an authenticator app (TOTP) with recovery codes. Whoever has one gives its code after the
password; whoever must have one by their organization's rule sets it up before anything else; wrong, reused and
spent codes are refused with the reason and count as failed sign-ins; the API's token sign-in asks for it too;
an admin resets a member's lost one; every step is in the audit log. Codes are computed from the shared secret."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.models import SecondFactorRule
from cco_portal.organizations.roles import Role
from cco_portal.second_factor import demo
from cco_portal.second_factor.selectors import must_have_second_factor
from cco_portal.second_factor.services import RECOVERY_CODE_COUNT, verify_second_factor
from tests.factories import PASSWORD

from .codes import current_code_for_secret, give_authenticator, next_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SETUP = "/accounts/second-factor/"
VERIFY = "/accounts/second-factor/verify/"
TOKEN = "/api/v1/auth/token/"


def signed_in_with_password(user) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def recovery_codes_of(user) -> list[str]:
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_setting_up_shows_a_qr_code_and_the_secret_and_gives_recovery_codes_once(admin_user, second_factor_enforced):
    """The set-up page draws the otpauth URI as an SVG QR code and prints the secret; the app's first code turns
    it on, shows ten recovery codes this once, and the session counts as verified."""
    # given
    client = signed_in_with_password(admin_user)

    # when
    page = client.get(SETUP)  # the same secret on every visit until it is confirmed
    assert client.get(SETUP).context["secret"] == page.context["secret"]
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    confirmed = client.post(SETUP, {"code": current_code_for_secret(secret)})

    # then
    qr_code = re.search(r'class="second-factor-qr.*?(<svg.*?</svg>)', page.content.decode(), re.S).group(1)
    assert "<path" in qr_code
    assert "<script" not in qr_code
    shown = re.findall(r"<li>([a-z2-7]{8})</li>", confirmed.content.decode())
    assert 'href="/"' in confirmed.content.decode()  # no page was wanted: on to the portal's home
    assert len(shown) == RECOVERY_CODE_COUNT == 10
    assert sorted(shown) == sorted(recovery_codes_of(admin_user))
    assert TOTPDevice.objects.get(user=admin_user).confirmed
    assert client.get("/o/acme/").status_code == 200
    assert "recovery codes left" in page_text(client.get(SETUP))
    assert re.findall(r"<li>([a-z2-7]{8})</li>", client.get(SETUP).content.decode()) == []
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_SET_UP, actor=admin_user).exists()


def test_a_wrong_first_code_does_not_turn_it_on(admin_user, second_factor_enforced):
    """A code that is not the app's leaves the set-up open, saying what to check."""
    client = signed_in_with_password(admin_user)
    client.get(SETUP)

    refused = client.post(SETUP, {"code": "000000"})

    assert "not the app&#x27;s current code" in page_text(refused)
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()


def test_signing_in_asks_for_the_code_after_the_password(executive_user):
    """Someone with an authenticator, whatever their role, reaches nothing until the code; the right code lets
    them in, and the audit log has both steps."""
    # given
    device = give_authenticator(executive_user)
    client = signed_in_with_password(executive_user)

    # when
    before = client.get("/o/acme/")
    verified = client.post(f"{VERIFY}?next=/o/acme/", {"code": next_code(device), "next": "/o/acme/"})

    # then
    assert before.status_code == 302
    assert before["Location"].startswith(VERIFY)
    assert verified.status_code == 302
    assert verified["Location"] == "/o/acme/"
    assert client.get("/o/acme/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.SIGNED_IN, actor=executive_user).exists()
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_VERIFIED, actor=executive_user).exists()


def test_a_wrong_code_is_refused_and_counted_as_a_failed_sign_in(executive_user):
    """A wrong code says so and how to fix it, the session stays unverified, and the failure is in the log."""
    give_authenticator(executive_user)
    client = signed_in_with_password(executive_user)

    refused = client.post(VERIFY, {"code": "123456"})

    assert refused.status_code == 200
    assert "That code is wrong" in page_text(refused)
    assert client.get("/o/acme/").status_code == 302
    failure = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failure.target == executive_user.email
    assert failure.details == {"via": "second factor", "reason": "wrong code"}


def test_a_code_already_used_in_its_time_step_is_refused(executive_user):
    """A code that let one session in cannot let another in: it was seen, perhaps over someone's shoulder."""
    # given
    device = give_authenticator(executive_user)
    code = next_code(device)
    assert signed_in_with_password(executive_user).post(VERIFY, {"code": code}).status_code == 302

    # when
    replay = signed_in_with_password(executive_user)
    refused = replay.post(VERIFY, {"code": code})

    # then
    assert "That code was already used" in page_text(refused)
    assert replay.get("/o/acme/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, details__reason="reused code").count() == 1


def set_up_on_the_page(client) -> list[str]:
    """Set up an authenticator as a person does; returns the recovery codes the page shows."""
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', client.get(SETUP).content.decode()).group(1)
    confirmed = client.post(SETUP, {"code": current_code_for_secret(secret)})
    return re.findall(r"<li>([a-z2-7]{8})</li>", confirmed.content.decode())


def test_a_recovery_code_works_once(executive_user):
    """A recovery code stands in for the app's code once, whatever its case; the second time it is refused with
    the reason."""
    # given
    code = set_up_on_the_page(signed_in_with_password(executive_user))[0]

    # when
    first = signed_in_with_password(executive_user).post(VERIFY, {"code": code.upper()}, follow=True)
    second = signed_in_with_password(executive_user).post(VERIFY, {"code": code})

    # then
    assert first.status_code == 200
    assert "You used a recovery code; 9 are left" in page_text(first)
    assert "That recovery code does not work" in page_text(second)
    used = AuditEvent.objects.get(action=Action.RECOVERY_CODE_USED)
    assert used.details == {"codes_left": 9}


def test_wrong_codes_lock_the_person_out_like_wrong_passwords(executive_user):
    """django-axes counts wrong codes with wrong passwords: the fifth answers 429 and ends the session, and the
    password no longer works during the pause."""
    give_authenticator(executive_user)
    client = signed_in_with_password(executive_user)

    answers = [client.post(VERIFY, {"code": "111111"}).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]

    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert "_auth_user_id" not in client.session
    again = Client().post(LOGIN, {"username": executive_user.email, "password": PASSWORD})
    assert again.status_code == 429


def test_whoever_must_have_one_can_do_nothing_else_until_set_up(admin_user, second_factor_enforced):
    """An admin without a second factor is sent to set it up from every page, a form's POST too, and the API
    refuses their session with the reason; the set-up page and signing out stay open."""
    client = signed_in_with_password(admin_user)

    home = client.get("/o/acme/members/")
    posted = client.post("/o/acme/settings/", {"name": "Renamed"})
    api = client.get("/api/v1/orgs/")

    assert home.status_code == 302
    assert home["Location"] == f"{SETUP}?next=%2Fo%2Facme%2Fmembers%2F"
    assert posted.status_code == 302
    assert posted["Location"] == SETUP
    assert api.status_code == 403
    assert "set up an authenticator app" in api.json()["detail"]
    assert client.get(SETUP).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_begun_by_another_sign_in_is_gated_too(admin_user, second_factor_enforced):
    """However the session began (single sign-on calls django.contrib.auth.login, as force_login does), an
    admin with no second factor meets the same gate, and one with an authenticator is asked for its code."""
    client = Client()
    client.force_login(admin_user)
    assert client.get("/o/acme/")["Location"].startswith(SETUP)

    give_authenticator(admin_user)
    assert client.get("/o/acme/")["Location"].startswith(VERIFY)


def test_the_organization_rule_names_who_must_have_one(organization, cco_user, executive_user, admin_user):
    """Admins always; the CCO when the organization requires it of the CCO too; never the other roles."""
    assert must_have_second_factor(admin_user)
    assert not must_have_second_factor(cco_user)
    assert not must_have_second_factor(executive_user)

    organization.second_factor_required_for = SecondFactorRule.ADMINS_AND_CCO
    organization.save(update_fields=["second_factor_required_for"])

    assert must_have_second_factor(cco_user)
    assert not must_have_second_factor(executive_user)


def test_admins_change_the_rule_on_the_settings_page_and_the_api_audited(organization, admin_user, api_client):
    """The settings page and the API change who must have a second factor; each change is in the audit log."""
    client = Client()
    client.force_login(admin_user)
    client.post(
        "/o/acme/settings/",
        {
            "name": organization.name,
            "customer_room_max_actions": 3,
            "second_factor_required_for": SecondFactorRule.ADMINS_AND_CCO,
        },
    )
    organization.refresh_from_db()
    assert organization.second_factor_required_for == SecondFactorRule.ADMINS_AND_CCO

    api_client.force_authenticate(admin_user)
    answer = api_client.patch("/api/v1/orgs/acme/", {"second_factor_required_for": "admins"}, format="json")

    assert answer.json()["second_factor_required_for"] == "admins"
    changes = AuditEvent.objects.filter(action=Action.SETTINGS_CHANGED, target="second factor required for")
    assert [(event.details["old"], event.details["new"]) for event in changes.order_by("created_at", "pk")] == [
        ("admins", "admins_and_cco"),
        ("admins_and_cco", "admins"),
    ]


def test_the_api_token_sign_in_asks_for_the_second_factor(executive_user):
    """With an authenticator, the token sign-in needs `otp`: none or a wrong one is refused with the reason,
    the right one gives a token."""
    device = give_authenticator(executive_user)
    credentials = {"username": executive_user.email, "password": PASSWORD}

    missing = APIClient().post(TOKEN, credentials)
    wrong = APIClient().post(TOKEN, {**credentials, "otp": "000000"})
    right = APIClient().post(TOKEN, {**credentials, "otp": next_code(device)})

    assert missing.status_code == 400
    assert "send the current code" in missing.json()["otp"][0]
    assert wrong.status_code == 400
    assert "That code is wrong" in wrong.json()["otp"][0]
    assert right.status_code == 200
    assert right.json()["token"]
    assert AuthToken.objects.filter(user=executive_user).count() == 1


def test_the_api_token_sign_in_refuses_whoever_must_set_one_up_first(admin_user, cco_user, second_factor_enforced):
    """An admin with no second factor gets no token, and is told to set it up on the web; a CCO, whom this
    organization's rule does not name, still does."""
    refused = APIClient().post(TOKEN, {"username": admin_user.email, "password": PASSWORD})
    allowed = APIClient().post(TOKEN, {"username": cco_user.email, "password": PASSWORD})

    assert refused.status_code == 403
    assert "set it up first" in refused.json()["detail"]
    assert allowed.status_code == 200


def test_another_admin_resets_a_lost_second_factor_audited(organization, member_of, admin_user, api_client):
    """An admin resets a member's authenticator and recovery codes from the member page; the member's API tokens
    end, and the organization's audit log names who did it to whom. The API does the same."""
    # given
    colleague = member_of(Role.ADMIN, email="colleague@example.com")
    give_authenticator(colleague)
    AuthToken.objects.create(user=colleague)
    client = Client()
    client.force_login(admin_user)
    member_page = client.get(f"/o/acme/members/{colleague.pk}/")

    # when
    client.post(f"/o/acme/members/{colleague.pk}/second-factor/reset/")

    # then
    assert "Reset the second factor" in page_text(member_page)
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not AuthToken.objects.filter(user=colleague).exists()
    event = AuditEvent.objects.get(action=Action.SECOND_FACTOR_RESET)
    assert (event.organization, event.actor, event.target) == (organization, admin_user, colleague.email)

    give_authenticator(colleague)
    api_client.force_authenticate(admin_user)
    assert api_client.delete(f"/api/v1/orgs/acme/members/{colleague.pk}/second-factor/").status_code == 204
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_RESET).count() == 2
    assert api_client.delete(f"/api/v1/orgs/acme/members/{colleague.pk}/second-factor/").status_code == 400


def test_only_another_admin_may_reset(member_of, admin_user, cco_user, api_client):
    """A CCO may not reset anyone's; an admin may not reset their own (another admin sees it was lost)."""
    give_authenticator(admin_user)
    api_client.force_authenticate(cco_user)
    assert api_client.delete(f"/api/v1/orgs/acme/members/{admin_user.pk}/second-factor/").status_code == 403

    api_client.force_authenticate(admin_user)
    own = api_client.delete(f"/api/v1/orgs/acme/members/{admin_user.pk}/second-factor/")
    assert own.status_code == 400
    assert "Another admin" in own.json()["detail"][0]
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_a_code_is_refused_for_someone_else_s_device(executive_user, member_of):
    """A code is checked against the person's own authenticator only."""
    other = member_of(Role.EXECUTIVE)
    other_device = give_authenticator(other)
    give_authenticator(executive_user)
    client = signed_in_with_password(executive_user)
    request = client.get(VERIFY).wsgi_request

    with pytest.raises(ValidationError, match="That code is wrong"):
        verify_second_factor(user=executive_user, code=next_code(other_device), request=request)


def test_the_demo_admin_signs_in_with_the_printed_key_or_a_printed_recovery_code(
    organization, admin_user, cco_user, second_factor_enforced
):
    """seed_demo gives the demo admin an authenticator whose key it prints, and printed recovery codes: the
    admin, whom the rule requires to have one, gets in with either."""
    people = {Role.ADMIN: admin_user, Role.CCO: cco_user}
    demo.seed_demo(organization=organization, people=people)
    notes = "\n".join(demo.sign_in_notes(people=people))
    secret = re.search(r"^  ([A-Z2-7 ]+)$", notes, re.M).group(1)

    with_app = signed_in_with_password(admin_user)
    with_app.post(VERIFY, {"code": current_code_for_secret(secret)})
    with_code = signed_in_with_password(admin_user)
    with_code.post(VERIFY, {"code": demo.DEMO_RECOVERY_CODES[0]})

    assert "demo-code-1," in notes
    assert with_app.get("/o/acme/").status_code == 200
    assert with_code.get("/o/acme/").status_code == 200
