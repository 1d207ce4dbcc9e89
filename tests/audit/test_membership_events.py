"""Members, roles and invitations: each change is recorded by the service that makes it, with the admin who
made it, the organization and the address; a change that is refused leaves no event."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations import services
from cco_portal.organizations.models import Invitation
from cco_portal.organizations.roles import Role
from tests.audit.helpers import events, only_event
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


@pytest.fixture
def admin_client(admin_user):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(admin_user)
    AuditEvent.objects.all().delete()  # the sign-in of force_login
    return client


@pytest.fixture
def admin_api(admin_user):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.force_authenticate(admin_user)
    return client


def assert_recorded(event, *, actor, organization, target):
    assert event.actor == actor
    assert event.actor_email == actor.email
    assert event.organization == organization
    assert event.target == target
    assert event.ip_address == ADDRESS


def test_changing_roles_on_the_page_records_each_role_added_and_removed(admin_client, admin_user, organization):
    """An executive made leadership and cco: the executive role is removed, two roles are added."""
    # given
    member = MembershipFactory(organization=organization, role=Role.EXECUTIVE).user
    url = reverse("organizations:member_roles", kwargs={"org_slug": organization.slug, "user_id": member.pk})

    # when
    admin_client.post(url, {"roles": [Role.LEADERSHIP, Role.CCO]})

    # then
    removed = only_event(Action.ROLE_REMOVED)
    assert_recorded(removed, actor=admin_user, organization=organization, target=member.email)
    assert removed.details == {"role": Role.EXECUTIVE}
    added = events(Action.ROLE_ADDED)
    assert sorted(event.details["role"] for event in added) == [Role.CCO, Role.LEADERSHIP]
    for event in added:
        assert_recorded(event, actor=admin_user, organization=organization, target=member.email)


def test_removing_a_member_on_the_page_records_the_roles_they_lost(admin_client, admin_user, organization):
    """Removing a person records one event with every role they held."""
    # given
    member = MembershipFactory(organization=organization, role=Role.EXECUTIVE).user
    MembershipFactory(organization=organization, user=member, role=Role.LEADERSHIP)
    url = reverse("organizations:member_remove", kwargs={"org_slug": organization.slug, "user_id": member.pk})

    # when
    admin_client.post(url)

    # then
    event = only_event(Action.MEMBERSHIP_REMOVED)
    assert_recorded(event, actor=admin_user, organization=organization, target=member.email)
    assert event.details == {"roles": [Role.EXECUTIVE, Role.LEADERSHIP]}


def test_demoting_the_last_admin_is_refused_and_records_nothing(admin_client, admin_user, organization):
    """The change is rolled back, and so is its event: the log never claims what did not happen."""
    # given
    url = reverse("organizations:member_roles", kwargs={"org_slug": organization.slug, "user_id": admin_user.pk})

    # when
    response = admin_client.post(url, {"roles": [Role.CCO]})

    # then
    assert response.status_code == 200
    assert not AuditEvent.objects.exists()


def test_removing_the_last_admin_through_the_service_records_nothing(admin_user, organization):
    """remove_member refuses to leave no admin; nothing is recorded."""
    # when
    with pytest.raises(ValidationError):
        services.remove_member(organization=organization, user=admin_user, acting_user=admin_user)

    # then
    assert not AuditEvent.objects.exists()


def test_granting_a_role_through_the_api_records_the_role_added(admin_api, admin_user, organization):
    """A member given one more role: recorded as a role added, with the role."""
    # given
    person = MembershipFactory(organization=organization, role=Role.LEADERSHIP).user

    # when
    response = admin_api.post(
        f"/api/v1/orgs/{organization.slug}/memberships/", {"email": person.email, "role": Role.CCO}, format="json"
    )

    # then
    assert response.status_code == 201
    event = only_event(Action.ROLE_ADDED)
    assert_recorded(event, actor=admin_user, organization=organization, target=person.email)
    assert event.details == {"role": Role.CCO}


def test_taking_roles_through_the_api_records_a_role_then_the_member_removed(admin_api, admin_user, organization):
    """Deleting one of two roles removes a role; deleting the last one removes the member."""
    # given
    first = MembershipFactory(organization=organization, role=Role.EXECUTIVE)
    second = MembershipFactory(organization=organization, user=first.user, role=Role.LEADERSHIP)

    # when
    admin_api.delete(f"/api/v1/orgs/{organization.slug}/memberships/{first.pk}/")
    admin_api.delete(f"/api/v1/orgs/{organization.slug}/memberships/{second.pk}/")

    # then
    role_removed, member_removed = only_event(Action.ROLE_REMOVED), only_event(Action.MEMBERSHIP_REMOVED)
    assert_recorded(role_removed, actor=admin_user, organization=organization, target=first.user.email)
    assert role_removed.details == {"role": Role.EXECUTIVE}
    assert_recorded(member_removed, actor=admin_user, organization=organization, target=first.user.email)
    assert member_removed.details == {"roles": [Role.LEADERSHIP]}


def test_inviting_and_sending_again_records_each_invitation(admin_client, admin_user, organization):
    """The page's invitation, then "send again": two events, the second marked as a renewal."""
    # given
    invite_url = reverse("organizations:invite", kwargs={"org_slug": organization.slug})

    # when
    admin_client.post(invite_url, {"email": "new@example.com", "role": Role.EXECUTIVE})
    invitation = Invitation.objects.get()
    admin_client.post(
        reverse(
            "organizations:invitation_resend", kwargs={"org_slug": organization.slug, "invitation_id": invitation.pk}
        )
    )

    # then
    first, again = events(Action.INVITATION_SENT)
    for event in (first, again):
        assert_recorded(event, actor=admin_user, organization=organization, target="new@example.com")
    assert first.details == {"role": Role.EXECUTIVE, "invitation": invitation.pk, "renewed": False}
    assert again.details["renewed"] is True


def test_withdrawing_an_invitation_through_the_api_is_recorded(admin_api, admin_user, organization):
    """DELETE of an invitation withdraws it, recorded with who withdrew it."""
    # given
    invitation = InvitationFactory(organization=organization, email="pending@example.com")

    # when
    admin_api.delete(f"/api/v1/orgs/{organization.slug}/invitations/{invitation.pk}/")

    # then
    event = only_event(Action.INVITATION_WITHDRAWN)
    assert_recorded(event, actor=admin_user, organization=organization, target="pending@example.com")


def test_accepting_an_invitation_records_the_acceptance_and_the_new_member(organization):
    """The invitee acts: the invitation accepted, then the new member with the invitation's role."""
    # given
    invitation = InvitationFactory(organization=organization, email="newcomer@example.com", role=Role.LEADERSHIP)
    client = Client(REMOTE_ADDR=ADDRESS)

    # when
    client.post(
        reverse("accept_invitation", kwargs={"token": services.invitation_token(invitation)}),
        {"full_name": "Nia Newcomer", "password1": "a-long-new-password-7", "password2": "a-long-new-password-7"},
    )

    # then
    newcomer = services.User.objects.get(email="newcomer@example.com")
    accepted, added = only_event(Action.INVITATION_ACCEPTED), only_event(Action.MEMBERSHIP_ADDED)
    assert_recorded(accepted, actor=newcomer, organization=organization, target="newcomer@example.com")
    assert_recorded(added, actor=newcomer, organization=organization, target="newcomer@example.com")
    assert added.details == {"role": Role.LEADERSHIP, "invitation": invitation.pk}
    assert only_event(Action.SIGNED_IN).actor == newcomer
