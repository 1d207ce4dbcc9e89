"""Single sign-on's configuration by admins (page and API), the passwords it turns off, the address of no
organization, and what a first sign-in makes of a verified identity."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.encryption import decrypt
from cco_portal.organizations.models import Invitation, Membership
from cco_portal.organizations.roles import Role
from cco_portal.sso.models import IdentityProvider
from cco_portal.sso.oidc import SignInRefused, VerifiedIdentity
from cco_portal.sso.services import account_for_identity, save_identity_provider
from cco_portal.sso.views import ORGANIZATION_SESSION_KEY
from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "the-client-secret-1234"


@pytest.fixture
def provider(organization, admin_user):
    return save_identity_provider(
        organization=organization,
        acting_user=admin_user,
        issuer="https://acme.okta.com/",
        client_id="portal",
        client_secret=SECRET,
        domains="Acme.test\n@acme-outfitters.test",
    )


def identity(email="ada@acme.test", verified=True) -> VerifiedIdentity:
    return VerifiedIdentity(email=email, email_verified=verified, full_name="Ada", subject="1", id_token="t")


def test_admin_sets_up_single_sign_on_on_the_settings_page(client, organization, admin_user):
    """The page stores the secret encrypted, never shows it back, and records the change without it."""
    client.force_login(admin_user)
    url = reverse("sign_on_settings", kwargs={"org_slug": organization.slug})
    form = {"issuer": "https://acme.okta.com", "client_id": "portal", "client_secret": SECRET, "domains": "acme.test"}

    response = client.post(url, form)

    assert response.status_code == 302
    stored = IdentityProvider.objects.get(organization=organization)
    assert stored.client_secret_encrypted != SECRET
    assert decrypt(stored.client_secret_encrypted) == SECRET
    assert stored.domain_names == ["acme.test"]
    assert stored.default_role == ""
    assert not stored.is_required
    page = client.get(url).content.decode()
    assert SECRET not in page
    assert "A secret is stored" in page
    assert "/sso/callback/" in page
    event = AuditEvent.objects.get(organization=organization, action=Action.SETTINGS_CHANGED, target="single sign-on")
    assert event.details["changes"]["domains"]["new"] == ["acme.test"]
    assert SECRET not in str(event.details)


def test_an_empty_secret_keeps_the_stored_one_and_a_new_one_is_audited_as_changed(provider, organization, admin_user):
    save_identity_provider(
        organization=organization,
        acting_user=admin_user,
        issuer=provider.issuer,
        client_id="portal",
        domains="acme.test",
    )
    provider.refresh_from_db()
    assert decrypt(provider.client_secret_encrypted) == SECRET
    save_identity_provider(
        organization=organization,
        acting_user=admin_user,
        issuer=provider.issuer,
        client_id="portal",
        domains="acme.test",
        client_secret="another-secret",
    )
    last = AuditEvent.objects.filter(target="single sign-on").first()
    assert last.details["changes"] == {"client secret": {"old": "", "new": "changed"}}


def test_a_domain_belongs_to_one_organization(client, provider, other_organization, member_of):
    """Another organization's admin cannot claim Acme's domain: the form says which domain and why."""
    client.force_login(member_of(Role.ADMIN, org=other_organization))
    response = client.post(
        reverse("sign_on_settings", kwargs={"org_slug": other_organization.slug}),
        {"issuer": "https://globex.okta.com", "client_id": "x", "client_secret": "y", "domains": "acme.test"},
    )
    assert response.status_code == 200
    assert "Another organization signs in with acme.test already" in response.content.decode()
    assert not IdentityProvider.objects.filter(organization=other_organization).exists()


def test_an_issuer_over_plain_http_is_refused(organization, admin_user):
    with pytest.raises(ValidationError, match="https://"):
        save_identity_provider(
            organization=organization,
            acting_user=admin_user,
            issuer="http://acme.okta.com",
            client_id="portal",
            client_secret="s",
            domains="acme.test",
        )


def test_the_api_never_shows_the_secret(api_client, provider, organization, admin_user):
    """GET says whether a secret is stored, never what it is; PUT without one keeps it."""
    api_client.force_authenticate(admin_user)
    url = reverse("api-sign-on", kwargs={"org_slug": organization.slug})

    answer = api_client.get(url).json()
    assert answer["has_client_secret"] is True
    assert "client_secret" not in answer
    assert answer["domains"] == ["acme-outfitters.test", "acme.test"]
    assert answer["redirect_uri"] == "http://testserver/sso/callback/"

    changed = api_client.put(
        url, {"issuer": provider.issuer, "client_id": "portal", "domains": ["acme.test"], "is_required": True}
    )
    assert changed.status_code == 200
    assert changed.json()["is_required"] is True
    provider.refresh_from_db()
    assert decrypt(provider.client_secret_encrypted) == SECRET


def test_an_address_of_no_organization_is_refused_with_what_to_do(client):
    """The company sign-in says no organization signs in with that domain, and the refusal is audited."""
    response = client.post(reverse("sso:sign_in"), {"email": "bob@nowhere.test"})

    assert response.status_code == 200
    assert "No organization signs in with nowhere.test here" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED, target="bob@nowhere.test")
    assert event.details == {"via": "single sign-on", "reason": "domain", "provider_of": ""}


def test_a_callback_without_a_sign_in_started_here_is_refused(client, provider):
    response = client.get(reverse("sso:callback"), {"state": "forged", "code": "stolen"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, details__reason="state").exists()


def test_required_single_sign_on_turns_passwords_off(client, api_client, provider, organization, admin_user):
    """Given Acme requires its company account, a member of acme.test is refused a password sign-in with the way
    to the company sign-in, cannot reset a password, and gets no API token with one (403, with the web page where
    tokens are made); someone of another domain
    still signs in with a password."""
    provider.is_required = True
    provider.save()
    ada = UserFactory(email="ada@acme.test")

    response = client.post(reverse("login"), {"username": ada.email, "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 200
    assert "signs in with its company account" in page
    assert reverse("sso:sign_in") in page
    assert AuditEvent.objects.filter(target=ada.email, details__reason="single sign-on required").exists()

    reset = client.post(reverse("password_reset"), {"email": ada.email})
    assert reset.status_code == 200
    assert "signs in with its company account" in reset.content.decode()

    token = api_client.post(reverse("api-token"), {"username": ada.email, "password": PASSWORD}, format="json")
    assert token.status_code == 403
    assert "signs in with its company account" in token.json()["detail"]
    assert reverse("api_tokens") in token.json()["detail"]
    assert AuditEvent.objects.filter(target=ada.email, details__reason="single sign-on required").count() == 2

    other = client.post(reverse("login"), {"username": admin_user.email, "password": PASSWORD})
    assert other.status_code == 302


def test_a_first_sign_in_without_a_default_role_is_told_whom_to_ask(client, provider, organization, admin_user):
    """An account is made, without a password and without a role; the page names the organization's admins."""
    user, is_member = account_for_identity(provider=provider, identity=identity())

    assert not is_member
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    client.force_login(user)
    session = client.session
    session[ORGANIZATION_SESSION_KEY] = organization.pk
    session.save()
    page = client.get(reverse("sso:no_role")).content.decode()
    assert admin_user.email in page
    assert "has not given you a role" in page


def test_a_first_sign_in_joins_with_the_default_role(provider, organization):
    provider.default_role = Role.LEADERSHIP
    provider.save()
    user, is_member = account_for_identity(provider=provider, identity=identity())
    assert is_member
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [Role.LEADERSHIP]


def test_an_invited_address_accepts_its_invitation(provider, organization):
    invitation = InvitationFactory(organization=organization, email="ada@acme.test", role=Role.CCO)
    user, is_member = account_for_identity(provider=provider, identity=identity())
    invitation.refresh_from_db()
    assert is_member
    assert invitation.accepted_by == user
    assert Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=False).exists()


def test_an_identity_outside_the_domains_or_unverified_is_refused(provider):
    """The provider answering for an address of another domain, or one it has not verified, signs nobody in."""
    with pytest.raises(SignInRefused) as refused:
        account_for_identity(provider=provider, identity=identity(email="mallory@globex.test"))
    assert refused.value.reason == "domain"
    with pytest.raises(SignInRefused) as refused:
        account_for_identity(provider=provider, identity=identity(verified=False))
    assert refused.value.reason == "email_unverified"
