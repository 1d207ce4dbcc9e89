"""The write services of the organization base: organizations, memberships and invitations."""

import re
from datetime import date, timedelta
from functools import partial

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assessments.models import Kind
from cco_portal.organizations import services
from cco_portal.organizations.models import Invitation, Membership, Organization
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, ResponseFactory, RoundFactory
from tests.concurrency import run_together
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.organizations.emails import invitation_linked_from
from tests.roadmap.factories import MilestoneFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


def roles_in(organization) -> set[tuple[int, str]]:
    """Every (user id, role) pair of `organization`, to compare before and after a refused change."""
    return set(Membership.objects.for_organization(organization).values_list("user_id", "role"))


# create_organization


def test_create_organization_makes_the_given_user_its_first_admin():
    """An organization created with an admin has that person, and only that person, as admin."""
    # given
    founder = UserFactory()

    # when
    organization = services.create_organization(name="Acme Outfitters", slug="acme", admin=founder)

    # then
    assert Organization.objects.get(slug="acme") == organization
    assert organization.name == "Acme Outfitters"
    assert roles_in(organization) == {(founder.pk, Role.ADMIN)}


def test_create_organization_without_admin_has_no_members():
    """Without an admin the organization exists with nobody in it, ready for add_member."""
    # when
    organization = services.create_organization(name="Globex", slug="globex")

    # then
    assert organization.pk is not None
    assert roles_in(organization) == set()


@pytest.mark.parametrize("slug", ["not a slug", "acme"])
def test_create_organization_refuses_an_invalid_or_taken_slug(organization, slug):
    """A slug with spaces or one already used is refused, and no organization is created."""
    # given
    count_before = Organization.objects.count()

    # when / then
    with pytest.raises(ValidationError) as refused:
        services.create_organization(name="Another", slug=slug, admin=UserFactory())
    assert "slug" in refused.value.message_dict
    assert Organization.objects.count() == count_before
    assert not Membership.objects.exclude(organization=organization).exists()


# add_member


def test_add_member_grants_the_role(organization):
    """A person added with a role holds it in that organization."""
    # given
    person = UserFactory()

    # when
    membership = services.add_member(organization=organization, user=person, role=Role.CCO)

    # then
    assert membership.role == Role.CCO
    assert roles_in(organization) == {(person.pk, Role.CCO)}


def test_add_member_twice_with_the_same_role_changes_nothing(organization):
    """Granting a role already held returns the existing membership instead of a second one."""
    # given
    person = UserFactory()
    first = services.add_member(organization=organization, user=person, role=Role.EXECUTIVE)

    # when
    second = services.add_member(organization=organization, user=person, role=Role.EXECUTIVE)

    # then
    assert second.pk == first.pk
    assert Membership.objects.filter(organization=organization, user=person).count() == 1


def test_add_member_refuses_an_unknown_role(organization):
    """An unknown role is refused with the list of valid roles, and nothing is granted."""
    # given
    person = UserFactory()

    # when / then
    with pytest.raises(ValidationError, match="Unknown role 'owner'; choose one of admin, cco, executive, leadership"):
        services.add_member(organization=organization, user=person, role="owner")
    assert not Membership.objects.filter(user=person).exists()


# set_member_roles


def test_set_member_roles_makes_the_roles_exactly_those_given(organization, admin_user, member_of):
    """Roles not listed are taken away, new ones granted, and other members are untouched."""
    # given
    person = member_of(Role.EXECUTIVE)
    services.add_member(organization=organization, user=person, role=Role.LEADERSHIP)

    # when
    services.set_member_roles(organization=organization, user=person, roles=[Role.CCO, Role.LEADERSHIP])

    # then
    assert roles_in(organization) == {
        (admin_user.pk, Role.ADMIN),
        (person.pk, Role.CCO),
        (person.pk, Role.LEADERSHIP),
    }


def test_set_member_roles_cannot_demote_the_last_admin(organization, admin_user, executive_user):
    """Demoting the only admin is refused with an explanation and every role stays as it was."""
    # given
    services.add_member(organization=organization, user=admin_user, role=Role.CCO)
    before = roles_in(organization)

    # when / then
    with pytest.raises(ValidationError, match="An organization needs at least one admin"):
        services.set_member_roles(organization=organization, user=admin_user, roles=[Role.CCO])
    assert roles_in(organization) == before


def test_set_member_roles_may_demote_an_admin_when_another_remains(organization, admin_user, member_of):
    """With a second admin, the first may give up the admin role."""
    # given
    second_admin = member_of(Role.ADMIN)

    # when
    services.set_member_roles(organization=organization, user=admin_user, roles=[Role.LEADERSHIP])

    # then
    assert roles_in(organization) == {(admin_user.pk, Role.LEADERSHIP), (second_admin.pk, Role.ADMIN)}


def test_set_member_roles_refuses_no_roles(organization, admin_user, executive_user):
    """An empty role list is refused, pointing at remove instead; the member keeps their role."""
    # given
    before = roles_in(organization)

    # when / then
    with pytest.raises(ValidationError, match="Choose at least one role, or remove the member instead"):
        services.set_member_roles(organization=organization, user=executive_user, roles=[])
    assert roles_in(organization) == before


# remove_member and remove_membership


def test_remove_member_takes_every_role_in_that_organization_only(organization, other_organization, admin_user):
    """A removed member loses all roles here and keeps those held in another organization."""
    # given
    person = UserFactory()
    services.add_member(organization=organization, user=person, role=Role.CCO)
    services.add_member(organization=organization, user=person, role=Role.EXECUTIVE)
    services.add_member(organization=other_organization, user=person, role=Role.LEADERSHIP)

    # when
    services.remove_member(organization=organization, user=person)

    # then
    assert roles_in(organization) == {(admin_user.pk, Role.ADMIN)}
    assert roles_in(other_organization) == {(person.pk, Role.LEADERSHIP)}


def test_remove_member_cannot_remove_the_last_admin(organization, admin_user, cco_user):
    """Removing the only admin is refused and nobody loses a role."""
    # given
    services.add_member(organization=organization, user=admin_user, role=Role.EXECUTIVE)
    before = roles_in(organization)

    # when / then
    with pytest.raises(ValidationError, match="An organization needs at least one admin"):
        services.remove_member(organization=organization, user=admin_user)
    assert roles_in(organization) == before


def test_remove_membership_takes_one_role(organization, admin_user):
    """Removing one membership takes that role only; the person keeps their other roles."""
    # given
    cco_membership = services.add_member(organization=organization, user=admin_user, role=Role.CCO)

    # when
    services.remove_membership(membership=cco_membership)

    # then
    assert roles_in(organization) == {(admin_user.pk, Role.ADMIN)}


def test_remove_membership_cannot_take_the_last_admin_role(organization, admin_user, leadership_user):
    """The only admin's admin membership cannot be removed; the row stays."""
    # given
    admin_membership = Membership.objects.get(organization=organization, user=admin_user, role=Role.ADMIN)
    before = roles_in(organization)

    # when / then
    with pytest.raises(ValidationError, match="An organization needs at least one admin"):
        services.remove_membership(membership=admin_membership)
    assert roles_in(organization) == before


def test_last_admin_counts_per_organization(organization, other_organization, admin_user):
    """An admin of another organization does not stand in for the last admin here."""
    # given
    MembershipFactory(organization=other_organization, role=Role.ADMIN)
    admin_membership = Membership.objects.get(organization=organization, user=admin_user, role=Role.ADMIN)

    # when / then
    with pytest.raises(ValidationError, match="An organization needs at least one admin"):
        services.remove_membership(membership=admin_membership)
    assert roles_in(organization) == {(admin_user.pk, Role.ADMIN)}


# invite_member


def test_invite_member_creates_a_pending_invitation(organization, admin_user, clock):
    """The invitation records who invited whom for which role, and is valid for the configured days."""
    # when
    invitation = services.invite_member(
        organization=organization, email="Pat@Example.COM", role=Role.EXECUTIVE, invited_by=admin_user
    )

    # then
    invitation.refresh_from_db()
    assert invitation.email == "pat@example.com"
    assert invitation.role == Role.EXECUTIVE
    assert invitation.invited_by == admin_user
    assert invitation.status == "pending"
    assert invitation.expires_at == clock() + timedelta(days=settings.INVITATION_VALID_DAYS)


def test_invite_member_renews_a_pending_invitation_instead_of_adding_one(organization, admin_user, clock):
    """Inviting the same address for the same role again extends the pending invitation."""
    # given
    first = services.invite_member(
        organization=organization, email="pat@example.com", role=Role.EXECUTIVE, invited_by=admin_user
    )
    clock.advance(days=3)

    # when
    again = services.invite_member(
        organization=organization, email="PAT@example.com", role=Role.EXECUTIVE, invited_by=admin_user
    )

    # then
    assert again.pk == first.pk
    assert Invitation.objects.for_organization(organization).count() == 1
    again.refresh_from_db()
    assert again.expires_at == clock() + timedelta(days=settings.INVITATION_VALID_DAYS)


def test_inviting_an_address_again_with_another_role_leaves_one_invitation(organization, admin_user):
    """An address has one open invitation: invited again with another role, that invitation is renewed with
    the new role (the audit says which it had). Two pending invitations were once left behind."""
    # given
    services.invite_member(
        organization=organization, email="pat@example.com", role=Role.EXECUTIVE, invited_by=admin_user
    )

    # when
    services.invite_member(
        organization=organization, email="pat@example.com", role=Role.LEADERSHIP, invited_by=admin_user
    )

    # then
    (invitation,) = Invitation.objects.for_organization(organization)
    assert invitation.role == Role.LEADERSHIP
    assert invitation.is_pending


def test_invite_member_refuses_someone_already_holding_the_role(organization, admin_user, member_of):
    """A member who already holds the role is not invited again; the message names them and the role."""
    # given
    member_of(Role.CCO, email="casey@example.com")

    # when / then
    with pytest.raises(
        ValidationError, match=re.escape("casey@example.com already holds the role Chief Customer Officer here")
    ):
        services.invite_member(
            organization=organization, email="Casey@Example.com", role=Role.CCO, invited_by=admin_user
        )
    assert not Invitation.objects.exists()


def test_a_member_is_not_invited_to_join_again(organization, admin_user, member_of):
    """Inviting a member for a further role is refused with where to give it: an email asking them to join
    what they already belong to would only confuse them."""
    # given
    member_of(Role.LEADERSHIP, email="casey@example.com")

    # when / then
    with pytest.raises(ValidationError, match="is a member already: give the role Chief Customer Officer"):
        services.invite_member(
            organization=organization, email="casey@example.com", role=Role.CCO, invited_by=admin_user
        )
    assert not Invitation.objects.exists()


def test_invite_member_refuses_an_unknown_role(organization, admin_user):
    """An unknown role is refused and no invitation is created."""
    # when / then
    with pytest.raises(ValidationError, match="Unknown role 'owner'"):
        services.invite_member(organization=organization, email="pat@example.com", role="owner", invited_by=admin_user)
    assert not Invitation.objects.exists()


def test_invite_member_sends_the_email_only_after_commit(
    organization, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Nothing is sent while the transaction is open; on commit the invitee gets the link."""
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = services.invite_member(
            organization=organization, email="pat@example.com", role=Role.EXECUTIVE, invited_by=admin_user
        )
        sent_before_commit = len(mailoutbox)

    # then
    assert sent_before_commit == 0
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["pat@example.com"]
    assert email.subject == "You are invited to Acme Outfitters on the CCO Portal"
    assert invitation_linked_from(email.body) == invitation
    assert admin_user.display_name in email.body


def test_invite_member_sends_nothing_when_the_transaction_rolls_back(
    organization, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """A refused invitation schedules no email."""
    # given
    services.add_member(organization=organization, user=UserFactory(email="casey@example.com"), role=Role.CCO)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        services.invite_member(organization=organization, email="casey@example.com", role=Role.CCO, invited_by=None)

    # then
    assert callbacks == []
    assert mailoutbox == []


# get_invitation_for_token


def test_get_invitation_for_token_returns_a_pending_invitation(organization):
    """A valid link leads to its invitation."""
    # given
    invitation = InvitationFactory(organization=organization)

    # when
    found = services.get_invitation_for_token(services.invitation_token(invitation))

    # then
    assert found == invitation
    assert found.organization == organization


@pytest.mark.parametrize("token", ["not-a-token", "MQ:1tampered:signature"], ids=["garbage", "bad-signature"])
def test_get_invitation_for_token_refuses_a_bad_signature(token):
    """A link that was not signed by the portal is not valid, and the message says to check the link."""
    # when / then
    with pytest.raises(
        services.InvitationError, match=re.escape("This invitation link is not valid. Check that you copied")
    ):
        services.get_invitation_for_token(token)


def test_get_invitation_for_token_refuses_a_tampered_token(organization):
    """Changing one character of a real link makes it invalid."""
    # given
    token = services.invitation_token(InvitationFactory(organization=organization))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    # when / then
    with pytest.raises(services.InvitationError, match="This invitation link is not valid"):
        services.get_invitation_for_token(tampered)


def test_get_invitation_for_token_refuses_a_deleted_invitation(organization):
    """A correctly signed link whose invitation no longer exists is reported as not valid."""
    # given
    invitation = InvitationFactory(organization=organization)
    token = services.invitation_token(invitation)
    invitation.delete()

    # when / then
    with pytest.raises(services.InvitationError, match="This invitation link is not valid"):
        services.get_invitation_for_token(token)


def test_get_invitation_for_token_refuses_an_accepted_invitation(organization):
    """A used link says so and points at signing in."""
    # given
    invitation = InvitationFactory(organization=organization, accepted_at=timezone.now())

    # when / then
    with pytest.raises(
        services.InvitationError, match=re.escape("already been used. Sign in with the account it created")
    ):
        services.get_invitation_for_token(services.invitation_token(invitation))


def test_get_invitation_for_token_refuses_a_revoked_invitation(organization):
    """A withdrawn link says so and points at asking an admin."""
    # given
    invitation = InvitationFactory(organization=organization)
    services.revoke_invitation(invitation=invitation)

    # when / then
    with pytest.raises(services.InvitationError, match=re.escape("This invitation was withdrawn. Ask an admin")):
        services.get_invitation_for_token(services.invitation_token(invitation))


def test_get_invitation_for_token_refuses_an_expired_invitation(organization, clock):
    """Once the validity period has passed the link says it expired and to ask for a new one."""
    # given
    invitation = InvitationFactory(organization=organization)
    token = services.invitation_token(invitation)
    clock.advance(days=settings.INVITATION_VALID_DAYS, seconds=1)

    # when / then
    with pytest.raises(services.InvitationError, match=re.escape("This invitation has expired. Ask an admin")):
        services.get_invitation_for_token(token)


def test_get_invitation_for_token_refuses_an_invitation_whose_expiry_is_past(organization):
    """An invitation stored with an expiry in the past is expired."""
    # given
    invitation = InvitationFactory(organization=organization, expires_at=timezone.now() - timedelta(minutes=1))

    # when / then
    with pytest.raises(services.InvitationError, match="This invitation has expired"):
        services.get_invitation_for_token(services.invitation_token(invitation))


# accept_invitation


def test_accept_invitation_creates_an_account_for_the_invited_email(organization):
    """Someone without an account gets one with the invited email, name and password, holding the role."""
    # given
    invitation = InvitationFactory(organization=organization, email="pat@example.com", role=Role.LEADERSHIP)

    # when
    user = services.accept_invitation(invitation=invitation, full_name="Pat Doe", password="correct-horse-42")

    # then
    user.refresh_from_db()
    assert user.email == "pat@example.com"
    assert user.full_name == "Pat Doe"
    assert user.check_password("correct-horse-42")
    assert roles_in(organization) == {(user.pk, Role.LEADERSHIP)}
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user


def test_accept_invitation_by_the_signed_in_invitee_joins_without_a_new_account(organization, other_organization):
    """An existing user whose email matches (in any case) joins with their own account."""
    # given
    existing = UserFactory(email="pat@example.com")
    MembershipFactory(organization=other_organization, user=existing, role=Role.ADMIN)
    invitation = InvitationFactory(organization=organization, email="Pat@Example.com", role=Role.CCO)
    users_before = User.objects.count()

    # when
    joined = services.accept_invitation(invitation=invitation, user=existing)

    # then
    assert joined == existing
    assert User.objects.count() == users_before
    assert roles_in(organization) == {(existing.pk, Role.CCO)}
    invitation.refresh_from_db()
    assert invitation.accepted_by == existing


def test_accept_invitation_refuses_a_different_signed_in_user(organization):
    """Someone signed in with another email cannot take the invitation; it stays pending."""
    # given
    stranger = UserFactory(email="someone.else@example.com")
    invitation = InvitationFactory(organization=organization, email="pat@example.com")

    # when / then
    with pytest.raises(services.InvitationError, match=re.escape("This invitation is for pat@example.com; sign out")):
        services.accept_invitation(invitation=invitation, user=stranger)
    assert roles_in(organization) == set()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_accept_invitation_without_sign_in_refuses_an_email_that_has_an_account(organization):
    """When the invited email already has an account, the person must sign in; no account is created."""
    # given
    UserFactory(email="pat@example.com")
    invitation = InvitationFactory(organization=organization, email="pat@example.com")
    users_before = User.objects.count()

    # when / then
    with pytest.raises(services.InvitationError, match="An account with this email already exists: sign in"):
        services.accept_invitation(invitation=invitation, full_name="Pat", password="correct-horse-42")
    assert User.objects.count() == users_before
    assert roles_in(organization) == set()


def test_accept_invitation_twice_is_refused_and_makes_no_second_account(organization):
    """A link used once cannot be used again, by the same object or a fresh lookup; one account exists."""
    # given
    invitation = InvitationFactory(organization=organization, email="pat@example.com")
    services.accept_invitation(invitation=invitation, full_name="Pat", password="correct-horse-42")
    users_after_first = User.objects.count()

    # when / then
    with pytest.raises(services.InvitationError, match="already been used, withdrawn, or has expired"):
        services.accept_invitation(invitation=invitation, full_name="Pat Again", password="another-horse-42")
    with pytest.raises(services.InvitationError, match="already been used"):
        services.get_invitation_for_token(services.invitation_token(invitation))
    assert User.objects.count() == users_after_first
    assert User.objects.filter(email__iexact="pat@example.com").count() == 1


def test_accept_invitation_refuses_an_expired_invitation(organization, clock):
    """An invitation that expired while its page was open cannot be accepted."""
    # given
    invitation = InvitationFactory(organization=organization, email="pat@example.com")
    clock.advance(days=settings.INVITATION_VALID_DAYS + 1)

    # when / then
    with pytest.raises(services.InvitationError):
        services.accept_invitation(invitation=invitation, full_name="Pat", password="correct-horse-42")
    assert not User.objects.filter(email="pat@example.com").exists()


# revoke_invitation


def test_revoke_invitation_refuses_an_accepted_invitation(organization):
    """An accepted invitation cannot be withdrawn; the message points at changing roles."""
    # given
    invitation = InvitationFactory(organization=organization)
    services.accept_invitation(invitation=invitation, full_name="Pat", password="correct-horse-42")
    invitation.refresh_from_db()

    # when / then
    with pytest.raises(ValidationError, match="already accepted; change the member's roles instead"):
        services.revoke_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.services
def test_two_admins_removing_each_other_at_once_leave_one(transactional_db, organization):
    """Two admins, each removing the other at the same moment on PostgreSQL: one removal passes, the other is
    refused, and the organization keeps an admin. Without the lock both saw the other still there."""
    if connection.vendor != "postgresql":
        pytest.fail("the service suite runs on PostgreSQL")
    ann, bob = UserFactory(), UserFactory()
    for person in (ann, bob):
        MembershipFactory(organization=organization, user=person, role=Role.ADMIN)

    outcomes = run_together(
        {
            "ann removes bob": lambda: services.remove_member(organization=organization, user=bob, acting_user=ann),
            "bob removes ann": lambda: services.remove_member(organization=organization, user=ann, acting_user=bob),
        }
    )

    refusals = [outcome for outcome in outcomes.values() if isinstance(outcome, list)]
    assert len(refusals) == 1, outcomes
    assert "at least one admin" in refusals[0][0]
    assert Membership.objects.filter(organization=organization, role=Role.ADMIN).count() == 1


def test_the_overview_lists_what_waits_for_a_person(organization, member_of, client):
    """An executive's overview lists the open round waiting for their answers (with how far they got) and the
    milestone they own that is overdue; a submitted round and someone else's milestone are not listed."""
    executive = member_of(Role.EXECUTIVE)
    waiting = RoundFactory(organization=organization, title="Readiness, winter")
    InviteeFactory(round=waiting, user=executive)
    done = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=executive, title="CEO review")
    InviteeFactory(round=done, user=executive)
    ResponseFactory(round=done, respondent=executive, submitted=True)
    MilestoneFactory(organization=organization, title="Map the journey", owner=executive, due_date=date(2025, 1, 31))
    MilestoneFactory(organization=organization, title="Not theirs", due_date=date(2025, 1, 31))
    client.force_login(executive)

    page = client.get(f"/o/{organization.slug}/").content.decode()

    assert "Answer “Readiness, winter”" in page
    assert "0 of 11 questions answered so far" in page
    assert "Bring “Map the journey” up to date" in page
    assert "CEO review" not in page
    assert "Not theirs" not in page


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_admins_inviting_one_address_at_once_leave_one_invitation(organization, member_of):
    """Two admins invite the same new address at the same moment, on PostgreSQL: neither gets an error, and
    one open invitation remains, with one of the roles asked for (the constraint holds, and the second renews)."""
    if connection.vendor != "postgresql":
        pytest.fail("the service suite runs on PostgreSQL")
    # given
    admins = {role: member_of(Role.ADMIN) for role in (Role.EXECUTIVE, Role.LEADERSHIP)}

    # when
    outcomes = run_together(
        {
            role: partial(
                services.invite_member, organization=organization, email="pat@example.com", role=role, invited_by=admin
            )
            for role, admin in admins.items()
        }
    )

    # then
    assert all(isinstance(outcome, Invitation) for outcome in outcomes.values()), outcomes
    (invitation,) = Invitation.objects.filter(organization=organization)
    assert invitation.role in {Role.EXECUTIVE, Role.LEADERSHIP}
