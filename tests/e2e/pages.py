"""Every HTML page of the portal, for the browser checks that must cover them all (tests/e2e/test_accessibility.py,
tests/e2e/test_hostile_text.py).

The pages are found as the access matrix finds its routes, by walking the URL resolver, and their ids point at
the objects of a populated organization (tests/populated.py): a new page is checked without being named here.
Which of them a person may open is asked of the portal itself: the pages that answer them 200 with HTML.
"""

from django.test import Client
from django.urls import get_resolver, reverse

from assessments.models import Kind
from assessments.services import invite_to_round
from cco_portal.organizations.roles import Role
from cco_portal.organizations.services import invitation_token
from reports.figures import build_report_figures
from reports.models import Report
from tests.factories import MembershipFactory, UserFactory
from tests.populated import populate
from tests.test_access_matrix import organization_routes, organization_url, view_methods, walk_routes

# Routes outside an organization that are not the portal's pages: Django's admin is for staff and keeps its own
# templates; the API answers JSON, and its documentation is Swagger UI's page.
NOT_PORTAL_PAGES = ("admin:", "api-")

# The other pages' URL arguments. A password reset link (uidb64) only redirects to its form, whose address holds
# no token, so it is not a page of its own.
PUBLIC_KWARGS = {"token": lambda objects: invitation_token(objects["invitation"])}


def populate_for_every_role(organization) -> tuple[dict, dict]:
    """The populated organization and one member per role. The executive is the populated member, who answered
    the readiness round and so reads its results; the others are invited to it and have not answered, so the
    survey and its review are open to them. The report has every section."""
    objects = populate(organization, tag="acme", first_month="2024-01")
    # The member whose pages the member routes open, as the access matrix names it.
    objects["target"] = objects["membership"]
    users = {Role.ADMIN: objects["admin"], Role.EXECUTIVE: objects["member"]}
    for role in (Role.CCO, Role.LEADERSHIP):
        users[role] = UserFactory(email=f"acme-{role}@example.com", full_name=f"Acme {Role(role).label}")
        MembershipFactory(organization=organization, user=users[role], role=role)
    invite_to_round(round_=objects["round"], invitees=[users[Role.ADMIN], users[Role.CCO], users[Role.LEADERSHIP]])
    rebuild_report(objects["report"])
    return objects, users


def rebuild_report(report: Report) -> None:
    """Give the populated report (a factory's few figures) every section, from the organization's rows."""
    Report.objects.filter(pk=report.pk).update(figures=build_report_figures(report.organization, report.month))


def candidate_paths(organization, objects) -> list[str]:
    """The address of every route that may answer a GET with a page: each organization route once per kind of
    object it shows (a readiness round and a CEO review, each kind of new round), and the pages outside."""
    paths = []
    for route, name, callback in organization_routes():
        if name.startswith("api-") or "get" not in view_methods(callback):
            continue
        variants = [{}]
        if "<int:round_id>" in route:
            variants = [{}, {"round": objects["review"]}]
        elif "<str:kind>" in route:
            variants = [{"kind": kind.value} for kind in Kind]
        paths += [organization_url(name, organization, {**objects, **variant}) for variant in variants]
    organization_paths = {route for route, _, _ in organization_routes()}
    for route, name, callback in walk_routes(get_resolver().url_patterns):
        if route in organization_paths or route.startswith("api/") or name.startswith(NOT_PORTAL_PAGES):
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class and "get" not in view_methods(callback):
            continue
        kwargs = {kwarg: value(objects) for kwarg, value in PUBLIC_KWARGS.items() if f":{kwarg}>" in route}
        if route.count("<") == len(kwargs):
            paths.append(reverse(name, kwargs=kwargs))
    return list(dict.fromkeys(paths))


def pages_open_to(user, paths: list[str]) -> list[str]:
    """The paths that answer `user` (None: someone signed out) 200 with an HTML page."""
    client = Client()
    if user is not None:
        client.force_login(user)
    pages = []
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return pages
