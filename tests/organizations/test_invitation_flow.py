"""The invitation as people meet it in HTML: an admin invites, the email arrives, the invitee joins."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cco_portal.organizations import services
from cco_portal.organizations.models import Invitation, Membership
from cco_portal.organizations.roles import Role
from tests.factories import InvitationFactory
from tests.organizations.emails import invitation_linked_from

User = get_user_model()

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-orchard-harbour-7"
INVITATION_LINK = re.compile(r"https?://\S+/invitations/[^/\s]+/")


def invitation_path(invitation: Invitation) -> str:
    return urlsplit(services.invitation_url(invitation)).path


def test_invited_person_joins_through_the_emailed_link(
    client, organization, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Invite form -> one email with the link -> the form -> a new account, signed in, on the org's page."""
    # given: an admin invites a new person as CCO
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            f"/o/{organization.slug}/members/invite/", {"email": "Robin@Example.com", "role": Role.CCO}
        )
    assert invited.status_code == 302
    assert invited["Location"] == f"/o/{organization.slug}/members/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["robin@example.com"]
    link = INVITATION_LINK.search(mailoutbox[0].body).group(0)
    client.logout()

    # when: the invitee opens the link, anonymous
    form_page = client.get(urlsplit(link).path)

    # then: the page shows the invitation and the account form
    assert form_page.status_code == 200
    assert form_page.context["invitation"].email == "robin@example.com"
    assert set(form_page.context["form"].fields) == {"full_name", "password1", "password2"}
    assert "Create my account and join" in form_page.content.decode()

    # when: they choose a name and a password
    joined = client.post(
        urlsplit(link).path, {"full_name": "Robin Reyes", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    # then: an account exists, holds the role, is signed in and lands on the organization
    assert joined.status_code == 302
    assert joined["Location"] == f"/o/{organization.slug}/"
    user = User.objects.get(email="robin@example.com")
    assert user.full_name == "Robin Reyes"
    assert user.check_password(NEW_PASSWORD)
    assert set(Membership.objects.filter(organization=organization, user=user).values_list("role", flat=True)) == {
        Role.CCO
    }
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get(joined["Location"])
    assert home.status_code == 200
    assert home.context["organization"] == organization
    assert Invitation.objects.get(email="robin@example.com").status == "accepted"


def test_the_invite_form_refuses_someone_who_holds_the_role(client, organization, admin_user, mailoutbox):
    """Inviting a member to a role they hold re-shows the form with the reason; nothing is sent."""
    # given
    client.force_login(admin_user)

    # when
    response = client.post(f"/o/{organization.slug}/members/invite/", {"email": admin_user.email, "role": Role.ADMIN})

    # then
    assert response.status_code == 200
    assert "already holds the role Admin here" in " ".join(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_the_invite_form_refuses_a_member_and_says_to_give_the_role_instead(
    client, organization, admin_user, member_of, mailoutbox
):
    """Inviting a member to another role would email them 'join' for what they belong to: the form says to
    give the role on the Members page instead, and nothing is stored or sent."""
    # given
    member = member_of(Role.EXECUTIVE, email="ann@example.com")
    client.force_login(admin_user)

    # when
    response = client.post(f"/o/{organization.slug}/members/invite/", {"email": member.email, "role": Role.CCO})

    # then
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["email"])
    assert "ann@example.com is a member already: give the role Chief Customer Officer on the Members page" in errors
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_inviting_an_address_twice_from_the_form_leaves_one_invitation_with_the_last_role(
    client, organization, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """The second invitation replaces the first: one pending invitation, with the role last asked for, is
    listed on the Members page, and its link is the one in the newest email."""
    # given
    client.force_login(admin_user)
    invite = f"/o/{organization.slug}/members/invite/"

    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite, {"email": "pat@example.com", "role": Role.EXECUTIVE})
        client.post(invite, {"email": "Pat@Example.com", "role": Role.LEADERSHIP})
    members_page = client.get(f"/o/{organization.slug}/members/")

    # then
    (invitation,) = Invitation.objects.filter(organization=organization)
    assert (invitation.email, invitation.role) == ("pat@example.com", Role.LEADERSHIP)
    assert list(members_page.context["invitations"]) == [invitation]
    assert len(mailoutbox) == 2
    assert invitation_linked_from(mailoutbox[-1].body) == invitation


def test_signed_in_invitee_joins_with_the_existing_account(client, organization, other_organization, member_of):
    """Someone who already has an account signs in, opens the link and joins with one click."""
    # given
    person = member_of(Role.LEADERSHIP, org=other_organization, email="sam@example.com")
    invitation = InvitationFactory(organization=organization, email="sam@example.com", role=Role.EXECUTIVE)
    client.force_login(person)
    users_before = User.objects.count()

    # when
    response = client.post(invitation_path(invitation))

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/o/{organization.slug}/"
    assert User.objects.count() == users_before
    assert Membership.objects.filter(organization=organization, user=person, role=Role.EXECUTIVE).exists()


def test_an_expired_link_answers_410_and_creates_no_account(client, organization):
    """An expired link explains itself with 410 Gone, both when opened and when the form is posted."""
    # given
    invitation = InvitationFactory(
        organization=organization, email="late@example.com", expires_at=timezone.now() - timedelta(hours=1)
    )
    path = invitation_path(invitation)

    # when
    opened = client.get(path)
    posted = client.post(path, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then
    for response in (opened, posted):
        assert response.status_code == 410
        assert "This invitation has expired. Ask an admin of the organization to send a new one." in (
            response.content.decode()
        )
    assert not User.objects.filter(email="late@example.com").exists()


def test_a_used_link_answers_410_and_creates_no_second_account(client, organization):
    """Once the link made an account, using it again is refused with 410 and no second account appears."""
    # given
    invitation = InvitationFactory(organization=organization, email="once@example.com")
    path = invitation_path(invitation)
    client.post(path, {"full_name": "Once", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.filter(email="once@example.com").count() == 1
    someone_else = Client()

    # when
    opened = someone_else.get(path)
    posted = someone_else.post(path, {"full_name": "Twice", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then
    for response in (opened, posted):
        assert response.status_code == 410
        assert "This invitation has already been used. Sign in with the account it created." in (
            response.content.decode()
        )
    assert User.objects.filter(email="once@example.com").count() == 1
    assert "_auth_user_id" not in someone_else.session


def test_a_withdrawn_link_answers_410(client, organization):
    """A withdrawn invitation's link explains that it was withdrawn."""
    # given
    invitation = InvitationFactory(organization=organization)
    services.revoke_invitation(invitation=invitation)

    # when
    response = client.get(invitation_path(invitation))

    # then
    assert response.status_code == 410
    assert "This invitation was withdrawn." in response.content.decode()


def test_a_malformed_link_answers_410(client):
    """A link cut short or altered is reported as not valid."""
    # when
    response = client.get("/invitations/not-a-real-token/")

    # then
    assert response.status_code == 410
    assert "This invitation link is not valid. Check that you copied the whole link." in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short7", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("83920175361", "This password is entirely numeric."),
        ("weakling@example.com", "The password is too similar to the email address."),
    ],
    ids=["short", "common", "numeric", "like-the-email"],
)
def test_a_weak_password_is_refused_and_creates_nothing(client, organization, password, message):
    """Django's password validators apply: the form comes back with their message, nobody joins."""
    # given
    invitation = InvitationFactory(organization=organization, email="weakling@example.com")

    # when
    response = client.post(
        invitation_path(invitation), {"full_name": "Wes Weakling", "password1": password, "password2": password}
    )

    # then
    assert response.status_code == 200
    assert message in response.context["form"].errors["password2"]
    assert message in response.content.decode()
    assert not User.objects.filter(email="weakling@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_mismatched_passwords_are_refused(client, organization):
    """The two password fields must match; nothing is created otherwise."""
    # given
    invitation = InvitationFactory(organization=organization, email="typo@example.com")

    # when
    response = client.post(
        invitation_path(invitation), {"full_name": "Ty Po", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].has_error("password2", "password_mismatch")
    assert not User.objects.filter(email="typo@example.com").exists()


def test_send_again_after_the_invitee_joined_explains_instead_of_failing(client, organization, admin_user, mailoutbox):
    """'Send again' clicked on a stale members page, after the invitee joined, says why and sends nothing."""
    # given: the invitee joined while the admin's page still listed the invitation
    invitation = InvitationFactory(organization=organization, email="quick@example.com", role=Role.EXECUTIVE)
    services.accept_invitation(invitation=invitation, full_name="Quinn Quick", password=NEW_PASSWORD)
    client.force_login(admin_user)

    # when
    response = client.post(f"/o/{organization.slug}/invitations/{invitation.pk}/resend/", follow=True)

    # then
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/o/{organization.slug}/members/", 302)]
    assert "quick@example.com already holds the role Executive here." in response.content.decode()
    assert Invitation.objects.for_organization(organization).count() == 1
    assert mailoutbox == []
