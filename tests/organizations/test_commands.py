"""The management commands that set an installation up: create_org, add_member and seed_demo."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cco_portal.organizations.management.commands.seed_demo import DEMO_PASSWORD
from cco_portal.organizations.models import Invitation, Membership, Organization
from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD, UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# create_org


def test_create_org_creates_the_organization_and_says_where_it_lives():
    """create_org makes the organization and prints its address."""
    # when
    output = run("create_org", "initech", "Initech")

    # then
    organization = Organization.objects.get(slug="initech")
    assert organization.name == "Initech"
    assert "Created Initech at /o/initech/" in output
    assert not organization.memberships.exists()


@pytest.mark.parametrize(
    ("slug", "reason"),
    [("acme", "Organization with this Slug already exists"), ("not a slug", "Enter a valid")],
    ids=["taken", "invalid"],
)
def test_create_org_refuses_a_taken_or_invalid_slug(organization, slug, reason):
    """A slug already used or not a slug stops the command with a CommandError; nothing is created."""
    # when / then
    with pytest.raises(CommandError, match=reason):
        run("create_org", slug, "Another Company")
    assert list(Organization.objects.values_list("slug", flat=True)) == ["acme"]


# add_member


def test_add_member_with_password_creates_the_account_with_the_role(organization):
    """--password creates the account with that password and name, and grants the role."""
    # when
    output = run("add_member", "acme", "Founder@Example.com", "admin", "--password", PASSWORD, "--name", "Fay Founder")

    # then
    user = User.objects.get(email="founder@example.com")
    assert user.full_name == "Fay Founder"
    assert user.check_password(PASSWORD)
    assert list(Membership.objects.filter(organization=organization, user=user).values_list("role", flat=True)) == [
        Role.ADMIN
    ]
    assert "founder@example.com is admin in Acme Outfitters." in output


def test_add_member_for_a_member_grants_the_role_and_keeps_the_password(organization):
    """A member gains the role; a --password given by habit leaves the member's own password untouched."""
    # given
    person = UserFactory(email="kim@example.com")
    Membership.objects.create(organization=organization, user=person, role=Role.EXECUTIVE)

    # when
    run("add_member", "acme", "KIM@example.com", "cco", "--password", "an-operators-guess-2026")

    # then
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert Membership.objects.filter(organization=organization, user=person, role=Role.CCO).exists()
    assert not Invitation.objects.exists()


def test_add_member_invites_an_account_that_is_not_a_member(organization):
    """An existing account of someone who is not a member is invited, never added: joining takes consent;
    and its password is never set from here."""
    # given
    person = UserFactory(email="kim@example.com")

    # when
    run("add_member", "acme", "kim@example.com", "cco")
    with pytest.raises(CommandError, match="its password is its owner's"):
        run("add_member", "acme", "kim@example.com", "cco", "--password", "an-operators-guess-2026")

    # then
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert not Membership.objects.filter(organization=organization, user=person).exists()
    assert Invitation.objects.get().email == "kim@example.com"


def test_add_member_without_password_invites_an_unknown_email(
    organization, mailoutbox, django_capture_on_commit_callbacks
):
    """An email with no account and no --password gets an invitation, emailed after commit; no account yet."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        output = run("add_member", "acme", "newcomer@example.com", "leadership")

    # then
    invitation = Invitation.objects.get(organization=organization)
    assert (invitation.email, invitation.role, invitation.status) == (
        "newcomer@example.com",
        Role.LEADERSHIP,
        "pending",
    )
    assert not User.objects.filter(email="newcomer@example.com").exists()
    assert "newcomer@example.com has no account: invitation sent as leadership." in output
    assert [email.to for email in mailoutbox] == [["newcomer@example.com"]]


def test_add_member_to_an_unknown_organization_is_a_command_error(db):
    """An unknown slug stops the command, names the slug, and creates no account."""
    # when / then
    with pytest.raises(CommandError, match="No organization with the slug 'nowhere'; create it with create_org"):
        run("add_member", "nowhere", "someone@example.com", "admin", "--password", PASSWORD)
    assert not User.objects.exists()


def test_add_member_refuses_an_unknown_role(organization):
    """Only the four roles are accepted."""
    # when / then
    with pytest.raises(CommandError, match="invalid choice: 'owner'"):
        run("add_member", "acme", "someone@example.com", "owner", "--password", PASSWORD)
    assert not User.objects.exists()


# seed_demo


def demo_counts() -> tuple[int, int, int]:
    return User.objects.count(), Organization.objects.count(), Membership.objects.count()


def test_seed_demo_gives_the_demo_organization_one_user_per_role(db):
    """The demo organization has four people, one per role, who sign in with the demo password."""
    # when
    output = run("seed_demo")

    # then
    memberships = Membership.objects.filter(organization__slug="demo").select_related("user")
    assert sorted(m.role for m in memberships) == sorted(Role.values)
    assert len({m.user_id for m in memberships}) == len(Role.values)
    assert all(m.user.check_password(DEMO_PASSWORD) for m in memberships)
    assert "Demo organization Acme Outfitters is ready at /o/demo/" in output
    for membership in memberships:
        assert membership.user.email in output


def test_seed_demo_twice_changes_nothing(db):
    """Running seed_demo again refreshes the demo without duplicating people, organizations or roles."""
    # given
    run("seed_demo")
    first = demo_counts()

    # when
    run("seed_demo")

    # then
    assert demo_counts() == first
    assert first == (4, 2, 6)
