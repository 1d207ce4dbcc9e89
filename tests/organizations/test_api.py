"""The organization API: what each role may read and change, token sign-in, and the schema."""

import pytest
from rest_framework.test import APIClient

from cco_portal.organizations.models import Invitation, Membership
from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def rows(response) -> list[dict]:
    """The items of a paginated list response."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


# /api/v1/orgs/


def test_organization_list_shows_only_my_organizations_with_my_roles(organization, other_organization, member_of):
    """The list names each organization the user belongs to and the roles held there, nothing else."""
    # given
    person = member_of(Role.CCO)
    MembershipFactory(organization=organization, user=person, role=Role.ADMIN)
    MembershipFactory(organization=other_organization, user=person, role=Role.LEADERSHIP)
    OrganizationFactory(slug="initech")
    MembershipFactory(organization=organization, role=Role.EXECUTIVE)

    # when
    response = signed_in(person).get("/api/v1/orgs/")

    # then
    assert [(row["slug"], row["name"], row["my_roles"]) for row in rows(response)] == [
        ("acme", "Acme Outfitters", ["admin", "cco"]),
        ("globex", "Globex", ["leadership"]),
    ]


def test_organization_list_is_empty_for_someone_without_organizations(organization, admin_user):
    """A user who belongs nowhere sees an empty list, not other people's organizations."""
    # when
    response = signed_in(UserFactory()).get("/api/v1/orgs/")

    # then
    assert rows(response) == []


# /api/v1/orgs/<slug>/


@pytest.mark.parametrize("role", list(Role))
def test_any_member_reads_the_organization(organization, member_of, role):
    """Every role may read the organization; my_roles tells the caller's own roles."""
    # given
    person = member_of(role)

    # when
    response = signed_in(person).get("/api/v1/orgs/acme/")

    # then
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"
    assert response.json()["name"] == "Acme Outfitters"
    assert response.json()["my_roles"] == [role.value]


def test_a_non_member_gets_404_for_the_organization(organization, admin_user, other_organization, member_of):
    """To someone outside it the organization does not exist, for reading and for writing."""
    # given
    outsider = member_of(Role.ADMIN, org=other_organization)
    client = signed_in(outsider)

    # when
    read = client.get("/api/v1/orgs/acme/")
    write = client.patch("/api/v1/orgs/acme/", {"name": "Hijacked"}, format="json")

    # then
    assert read.status_code == 404
    assert write.status_code == 404
    organization.refresh_from_db()
    assert organization.name == "Acme Outfitters"


def test_an_admin_renames_the_organization_but_not_its_slug(organization, admin_user):
    """PATCH by an admin changes the name; the slug is read-only and stays."""
    # when
    response = signed_in(admin_user).patch(
        "/api/v1/orgs/acme/", {"name": "Acme Outfitters Ltd", "slug": "renamed"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Outfitters Ltd"
    assert response.json()["my_roles"] == ["admin"]
    organization.refresh_from_db()
    assert (organization.slug, organization.name) == ("acme", "Acme Outfitters Ltd")


@pytest.mark.parametrize("role", [Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP])
def test_other_roles_cannot_rename_the_organization(organization, admin_user, member_of, role):
    """Members who are not admins get 403 and the name stays."""
    # given
    person = member_of(role)

    # when
    response = signed_in(person).patch("/api/v1/orgs/acme/", {"name": "Renamed"}, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role in this organization does not allow this request."
    organization.refresh_from_db()
    assert organization.name == "Acme Outfitters"


# memberships


def test_any_member_lists_the_memberships_of_that_organization_only(
    organization, other_organization, admin_user, leadership_user
):
    """Memberships are one row per role, of this organization; another organization's rows never appear."""
    # given
    MembershipFactory(organization=organization, user=admin_user, role=Role.CCO)
    MembershipFactory(organization=other_organization, user=leadership_user, role=Role.ADMIN)
    MembershipFactory(organization=other_organization, role=Role.EXECUTIVE)

    # when
    response = signed_in(leadership_user).get("/api/v1/orgs/acme/memberships/")

    # then
    listed = {(row["email"], row["role"]) for row in rows(response)}
    assert listed == {
        (admin_user.email, Role.ADMIN),
        (admin_user.email, Role.CCO),
        (leadership_user.email, Role.LEADERSHIP),
    }
    expected_ids = set(Membership.objects.filter(organization=organization).values_list("pk", flat=True))
    assert {row["id"] for row in rows(response)} == expected_ids


def test_an_admin_grants_a_role_by_email(organization, admin_user):
    """POST {email, role} by an admin gives a member one more role: 201 with the new row."""
    # given
    person = UserFactory(email="dana@example.com")
    MembershipFactory(organization=organization, user=person, role=Role.LEADERSHIP)

    # when
    response = signed_in(admin_user).post(
        "/api/v1/orgs/acme/memberships/", {"email": "Dana@Example.com", "role": Role.EXECUTIVE}, format="json"
    )

    # then
    assert response.status_code == 201
    assert response.json()["email"] == "dana@example.com"
    assert response.json()["role"] == Role.EXECUTIVE
    assert Membership.objects.filter(organization=organization, user=person, role=Role.EXECUTIVE).exists()


def test_nobody_becomes_a_member_without_accepting_and_the_answer_tells_no_account_apart(
    organization, other_organization, admin_user
):
    """A role for someone who is not a member is refused, pointing at invitations, with the same answer whether
    or not the address has an account: only an accepted invitation makes a member, and an outsider learns
    nothing of who uses the portal. (A grant once made any account a member at once, answering 201 for an
    account and 400 without one.)"""
    # given
    UserFactory(email="has-account@example.com")
    MembershipFactory(organization=other_organization, user=UserFactory(email="elsewhere@example.com"))
    memberships_before = Membership.objects.count()
    api = signed_in(admin_user)

    # when
    answers = [
        api.post("/api/v1/orgs/acme/memberships/", {"email": email, "role": Role.CCO}, format="json")
        for email in ("nobody@example.com", "has-account@example.com", "elsewhere@example.com")
    ]

    # then
    assert {answer.status_code for answer in answers} == {400}
    assert len({answer.content for answer in answers}) == 1
    assert "invite the person" in answers[0].json()["email"][0]
    assert Membership.objects.count() == memberships_before


def test_granting_an_unknown_role_is_400(organization, admin_user):
    """A role outside the four is refused by name."""
    # given
    UserFactory(email="dana@example.com")

    # when
    response = signed_in(admin_user).post(
        "/api/v1/orgs/acme/memberships/", {"email": "dana@example.com", "role": "owner"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["role"] == ['"owner" is not a valid choice.']


def test_a_cco_cannot_grant_roles(organization, admin_user, cco_user):
    """Granting roles is for admins: a CCO gets 403 and nobody gains a role."""
    # given
    person = UserFactory(email="dana@example.com")

    # when
    response = signed_in(cco_user).post(
        "/api/v1/orgs/acme/memberships/", {"email": person.email, "role": Role.ADMIN}, format="json"
    )

    # then
    assert response.status_code == 403
    assert not Membership.objects.filter(user=person).exists()


def test_an_admin_takes_a_role_away(organization, admin_user, executive_user):
    """DELETE of a membership takes that one role: 204 and the row is gone."""
    # given
    membership = Membership.objects.get(organization=organization, user=executive_user)

    # when
    response = signed_in(admin_user).delete(f"/api/v1/orgs/acme/memberships/{membership.pk}/")

    # then
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_the_last_admin_membership_is_400_and_changes_nothing(organization, admin_user, executive_user):
    """The last admin's admin row cannot be deleted: 400 with the reason, and every row stays."""
    # given
    membership = Membership.objects.get(organization=organization, user=admin_user, role=Role.ADMIN)
    before = set(Membership.objects.values_list("pk", "user_id", "role"))

    # when
    response = signed_in(admin_user).delete(f"/api/v1/orgs/acme/memberships/{membership.pk}/")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": ["An organization needs at least one admin: make someone else admin first."]}
    assert set(Membership.objects.values_list("pk", "user_id", "role")) == before


def test_a_membership_of_another_organization_is_404_through_this_one(organization, other_organization, admin_user):
    """An admin here cannot reach another organization's rows by id through this organization's address."""
    # given
    foreign = MembershipFactory(organization=other_organization, role=Role.EXECUTIVE)

    # when
    response = signed_in(admin_user).delete(f"/api/v1/orgs/acme/memberships/{foreign.pk}/")

    # then
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


# invitations


def test_an_admin_lists_the_invitations_of_the_organization(organization, other_organization, admin_user):
    """The admin sees this organization's invitations with their status, not another's."""
    # given
    pending = InvitationFactory(organization=organization, email="pending@example.com")
    InvitationFactory(organization=other_organization, email="elsewhere@example.com")

    # when
    response = signed_in(admin_user).get("/api/v1/orgs/acme/invitations/")

    # then
    assert [(row["id"], row["email"], row["status"]) for row in rows(response)] == [
        (pending.pk, "pending@example.com", "pending")
    ]


def test_an_admin_invites_and_the_email_goes_out_after_commit(
    organization, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """POST creates the invitation (201) and the email is sent once the transaction commits."""
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = signed_in(admin_user).post(
            "/api/v1/orgs/acme/invitations/", {"email": "New.Person@Example.com", "role": Role.CCO}, format="json"
        )
        sent_before_commit = len(mailoutbox)

    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["status"]) == ("new.person@example.com", Role.CCO, "pending")
    assert Invitation.objects.get(pk=body["id"]).invited_by == admin_user
    assert sent_before_commit == 0
    assert len(callbacks) == 1
    assert [email.to for email in mailoutbox] == [["new.person@example.com"]]


def test_inviting_someone_who_holds_the_role_is_400(organization, admin_user):
    """The API gives the service's reason when the invitee already holds the role."""
    # when
    response = signed_in(admin_user).post(
        "/api/v1/orgs/acme/invitations/", {"email": admin_user.email, "role": Role.ADMIN}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": [f"{admin_user.email} already holds the role Admin here."]}
    assert not Invitation.objects.exists()


def test_an_admin_withdraws_an_invitation(organization, admin_user):
    """DELETE withdraws the invitation: it remains on record with the status withdrawn."""
    # given
    invitation = InvitationFactory(organization=organization)

    # when
    response = signed_in(admin_user).delete(f"/api/v1/orgs/acme/invitations/{invitation.pk}/")

    # then
    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"


@pytest.mark.parametrize("role", [Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP])
def test_invitations_are_for_admins_only(organization, admin_user, member_of, mailoutbox, role):
    """Other roles get 403 on listing, creating and withdrawing invitations, and nothing changes."""
    # given
    invitation = InvitationFactory(organization=organization)
    client = signed_in(member_of(role))

    # when
    listed = client.get("/api/v1/orgs/acme/invitations/")
    created = client.post("/api/v1/orgs/acme/invitations/", {"email": "x@example.com", "role": role}, format="json")
    withdrawn = client.delete(f"/api/v1/orgs/acme/invitations/{invitation.pk}/")

    # then
    assert (listed.status_code, created.status_code, withdrawn.status_code) == (403, 403, 403)
    assert list(Invitation.objects.values_list("pk", flat=True)) == [invitation.pk]
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert mailoutbox == []


# authentication


def test_a_token_obtained_with_email_and_password_reads_the_api(organization, member_of):
    """POST /api/v1/auth/token/ with the email as username returns a token that authenticates requests."""
    # given
    person = member_of(Role.EXECUTIVE, email="tokens@example.com")
    anonymous = APIClient()

    # when
    obtained = anonymous.post("/api/v1/auth/token/", {"username": "tokens@example.com", "password": PASSWORD})
    token = obtained.json()["token"]
    with_token = APIClient(headers={"Authorization": f"Token {token}"})
    response = with_token.get("/api/v1/orgs/")

    # then
    assert obtained.status_code == 200
    assert person.auth_token_set.get().token_key == token[:15]
    assert [(row["slug"], row["my_roles"]) for row in rows(response)] == [("acme", ["executive"])]


def test_a_wrong_password_gets_no_token(organization, member_of):
    """Wrong credentials are refused with 400 and no token is issued."""
    # given
    member_of(Role.EXECUTIVE, email="tokens@example.com")

    # when
    response = APIClient().post("/api/v1/auth/token/", {"username": "tokens@example.com", "password": "wrong"})

    # then
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_unknown_token_is_401(organization):
    """A made-up token is rejected as invalid."""
    # when
    response = APIClient(headers={"Authorization": "Token 0123456789abcdef"}).get("/api/v1/orgs/")

    # then
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


@pytest.mark.parametrize(
    "path",
    ["/api/v1/orgs/", "/api/v1/orgs/acme/", "/api/v1/orgs/acme/memberships/", "/api/v1/orgs/acme/invitations/"],
)
def test_anonymous_requests_get_401(organization, admin_user, path):
    """Without credentials every endpoint answers 401 and says how to authenticate."""
    # when
    response = APIClient().get(path)

    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# schema


def test_the_schema_describes_the_organization_endpoints(client):
    """The OpenAPI schema is served and contains the organization paths."""
    # when
    response = client.get("/api/schema/", {"format": "json"})

    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/orgs/",
        "/api/v1/orgs/{org_slug}/",
        "/api/v1/orgs/{org_slug}/memberships/",
        "/api/v1/orgs/{org_slug}/memberships/{id}/",
        "/api/v1/orgs/{org_slug}/invitations/",
        "/api/v1/orgs/{org_slug}/invitations/{id}/",
    ]:
        assert path in paths
