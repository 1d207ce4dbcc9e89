"""Every page and API endpoint under an organization, for every role: allowed, 403, or 404 from outside.

The routes are found by walking the URL resolver, so a new view joins this test automatically: it
fails until the view is given its expected roles in ACCESS below.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cco_portal.organizations.roles import ADMINS, ANY_MEMBER, Role
from cco_portal.organizations.scoping import OrganizationMixin, OrganizationScopedAPIMixin
from tests.factories import InvitationFactory, MembershipFactory, OrganizationFactory, UserFactory

ORG_KWARG = "org_slug"


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    status: int  # the answer to a role that may
    data: dict | None = None


# (url name, method) -> who may, and what they get.
ACCESS = {
    ("organizations:home", "get"): Access(ANY_MEMBER, 200),
    ("organizations:members", "get"): Access(ADMINS, 200),
    ("organizations:invite", "get"): Access(ADMINS, 200),
    ("organizations:invite", "post"): Access(ADMINS, 302, {"email": "new@example.com", "role": Role.EXECUTIVE}),
    ("organizations:member_roles", "get"): Access(ADMINS, 200),
    ("organizations:member_roles", "post"): Access(ADMINS, 302, {"roles": [Role.LEADERSHIP]}),
    ("organizations:member_remove", "get"): Access(ADMINS, 200),
    ("organizations:member_remove", "post"): Access(ADMINS, 302),
    ("organizations:invitation_revoke", "post"): Access(ADMINS, 302),
    ("organizations:invitation_resend", "post"): Access(ADMINS, 302),
    ("organizations:settings", "get"): Access(ADMINS, 200),
    ("organizations:settings", "post"): Access(ADMINS, 302, {"name": "Renamed"}),
    ("api-organization", "get"): Access(ANY_MEMBER, 200),
    ("api-organization", "patch"): Access(ADMINS, 200, {"name": "Renamed"}),
    ("api-organization", "put"): Access(ADMINS, 200, {"name": "Renamed"}),
    ("api-membership-list", "get"): Access(ANY_MEMBER, 200),
    ("api-membership-list", "post"): Access(ADMINS, 201, {"email": "target@example.com", "role": Role.CCO}),
    ("api-membership-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-membership-detail", "delete"): Access(ADMINS, 204),
    ("api-invitation-list", "get"): Access(ADMINS, 200),
    ("api-invitation-list", "post"): Access(ADMINS, 201, {"email": "new@example.com", "role": Role.EXECUTIVE}),
    ("api-invitation-detail", "get"): Access(ADMINS, 200),
    ("api-invitation-detail", "delete"): Access(ADMINS, 204),
}

# What each route's other URL arguments point at: objects of the organization under test.
OBJECT_KWARGS = {
    "user_id": lambda objects: objects["target"].user_id,
    "invitation_id": lambda objects: objects["invitation"].pk,
    "pk": lambda objects: objects[("invitation" if "invitation" in objects["_name"] else "target")].pk,
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name, pattern.callback


def organization_routes():
    """(route, url name, view callback) of every URL that names an organization."""
    return [route for route in _walk(get_resolver().url_patterns) if f"<slug:{ORG_KWARG}>" in route[0]]


def _view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return set(actions) - {"head", "options"}
    view_class = _view_class(callback)
    return {m for m in view_class.http_method_names if m not in ("head", "options") and hasattr(view_class, m)}


def test_every_organization_route_is_in_the_access_table():
    """A new page or endpoint under /o/<slug>/ or /api/v1/orgs/<slug>/ must declare who may use it."""
    found = {(name, method) for _, name, callback in organization_routes() for method in _methods(callback)}
    assert found == set(ACCESS), f"add to ACCESS: {sorted(found - set(ACCESS))}; stale: {sorted(set(ACCESS) - found)}"


def test_every_organization_route_uses_the_scoping_mechanism():
    """No view under an organization may bypass the shared scoping mixins."""
    for route, name, callback in organization_routes():
        assert issubclass(_view_class(callback), OrganizationMixin | OrganizationScopedAPIMixin), (route, name)


@pytest.fixture
def objects(organization):
    """The objects of `organization` that object-bound routes point at."""
    target_user = UserFactory(email="target@example.com")
    return {
        "target": MembershipFactory(organization=organization, user=target_user, role=Role.EXECUTIVE),
        "invitation": InvitationFactory(organization=organization, email="pending@example.com"),
    }


def _url(name: str, organization, objects) -> str:
    route = next(route for route, route_name, _ in organization_routes() if route_name == name)
    kwargs = {ORG_KWARG: organization.slug}
    for kwarg, value in OBJECT_KWARGS.items():
        if f":{kwarg}>" in route or f"<{kwarg}>" in route:
            kwargs[kwarg] = value({**objects, "_name": name})
    return reverse(name, kwargs=kwargs)


def _request(client, method: str, url: str, data: dict | None, is_api: bool):
    if is_api:
        return getattr(client, method)(url, data or {}, content_type="application/json")
    return getattr(client, method)(url, data or {})


CASES = sorted(ACCESS)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "method"), CASES)
def test_role_gets_what_its_role_allows(client, organization, objects, member_of, role, name, method):
    """A member whose role may use the route gets the route's answer; any other member gets 403."""
    access = ACCESS[(name, method)]
    client.force_login(member_of(role))
    response = _request(client, method, _url(name, organization, objects), access.data, name.startswith("api-"))
    expected = access.status if role in access.roles or role == Role.ADMIN else 403
    assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_member_of_another_organization_gets_404(client, organization, objects, name, method):
    """An admin of another organization learns nothing: the organization might as well not exist."""
    outsider = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=outsider, role=Role.ADMIN)
    client.force_login(outsider)
    access = ACCESS[(name, method)]
    response = _request(client, method, _url(name, organization, objects), access.data, name.startswith("api-"))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), CASES)
def test_anonymous_is_sent_to_sign_in(client, organization, objects, name, method):
    """Pages redirect to the sign-in page; the API answers 401."""
    access = ACCESS[(name, method)]
    url = _url(name, organization, objects)
    response = _request(client, method, url, access.data, name.startswith("api-"))
    if name.startswith("api-"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_unknown_organization_and_foreign_organization_answer_alike(client, organization, other_organization):
    """A slug that exists elsewhere and a slug that exists nowhere give the same 404."""
    client.force_login(MembershipFactory(organization=organization, role=Role.ADMIN).user)
    foreign = client.get(reverse("organizations:home", kwargs={ORG_KWARG: other_organization.slug}))
    missing = client.get(reverse("organizations:home", kwargs={ORG_KWARG: "no-such-company"}))
    assert foreign.status_code == missing.status_code == 404
    assert _without_csrf_token(foreign.content) == _without_csrf_token(missing.content)


def _without_csrf_token(html: bytes) -> bytes:
    """CSRF tokens are masked differently in every response; nothing else may differ."""
    return re.sub(rb'(content|value)="[A-Za-z0-9]{64}"', b"", html)
