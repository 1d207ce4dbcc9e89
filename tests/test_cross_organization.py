"""No organization sees or changes another's data: every page and API route that names an object, aimed by a
member of organization A at an object of organization B; every list under A; every reference to another row
that a request body may carry.

The routes come from the URL resolver and the OpenAPI schema, the reference fields from the API's
serializers and the pages' forms, so a new route or field joins these tests by itself: they fail until it
has a fixture entry. Another organization's slug in the URL: tests/test_access_matrix.py.
"""

import json
import re
from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers as drf_serializers

from cco_portal.audit import selectors as audit_selectors
from cco_portal.organizations.roles import Role
from roadmap.journey.models import JourneyVersion
from roadmap.models import Milestone
from tests.factories import MembershipFactory, UserFactory
from tests.populated import database_snapshot, populate
from tests.test_access_matrix import ACCESS, ORG_KWARG, SERIES_API, _request, organization_routes, view_methods

APPS = [
    "assessments",
    "roadmap",
    "metrics",
    "reports",
    "reports.meetings",
    "cco_portal.organizations",
    "cco_portal.audit",
]
# URL arguments that name the portal's shared content, the same for every organization, not its data.
SHARED_KWARGS = {"number": 1, "kind": "readiness"}

# What each object-naming URL argument is filled with: an object of organization B.
OBJECT_KWARGS = {
    "user_id": lambda b, name: b["member"].pk,
    "invitation_id": lambda b, name: b["invitation"].pk,
    "round_id": lambda b, name: b["round"].pk,
    "invitee_id": lambda b, name: b["invitee"].pk,
    "token_key": lambda b, name: b["api_token"].token_key,
    "milestone_id": lambda b, name: b["milestone"].pk,
    "import_id": lambda b, name: b["activity_import"].pk,
    "source_id": lambda b, name: b["source"].pk,
    "area_id": lambda b, name: b["area"].pk,
    "month": lambda b, name: b["report"].month_label,
    "report_id": lambda b, name: b["report"].pk,
    "action_id": lambda b, name: b["action"].pk,
    "meeting_id": lambda b, name: b["meeting"].pk,
    "candidate_id": lambda b, name: b["candidate"].pk,
    "story_id": lambda b, name: b["story"].pk,
    "version": lambda b, name: b["charter"].version,
    "stage_id": lambda b, name: b["stage"].pk,
    "touchpoint_id": lambda b, name: b["touchpoint"].pk,
    # B's map has more versions than A's: its newest number names a version A lacks.
    "map_version": lambda b, name: b["journey_version"].number,
    "priority_id": lambda b, name: b["priority"].pk,
    "issue_id": lambda b, name: b["issue"].pk,
    "moment_id": lambda b, name: b["moment"].pk,
    "listening_source_id": lambda b, name: b["listening_source"].pk,
    "stage_feed_id": lambda b, name: b["stage_feed"].pk,
    "pk": lambda b, name: b[PK_OBJECTS[name]].pk,
}
# Router routes name their object `pk`: which object that is, by route name.
PK_OBJECTS = {"api-membership-detail": "membership", "api-invitation-detail": "invitation"}
# The same arguments for an object that exists nowhere.
MISSING = {"month": "1990-01"}
MISSING_ID = 987_654_321


def _api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _kwargs(route: str) -> list[str]:
    return [kwarg for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route) if kwarg != ORG_KWARG]


OBJECT_ROUTES = sorted(
    (name, method, route)
    for route, name, callback in organization_routes()
    if set(_kwargs(route)) - set(SHARED_KWARGS)
    for method in view_methods(callback)
)


@pytest.fixture
def organizations(organization, other_organization):
    """A (acme) and B (globex), each populated with one object of every kind, in different months."""
    return {
        "a": populate(organization, tag="acme", first_month="2024-01"),
        "b": populate(other_organization, tag="globex", first_month="2022-05", charter_versions=3, journey_versions=5),
    }


@pytest.fixture
def members_of_a(organization, organizations):
    """A member of A holding every role, and one member per single role; none is a member of B. The
    all-roles member is invited to B's round, so an invitation elsewhere cannot open B's round from A."""
    everything = UserFactory(email="every-role@example.com")
    for role in Role:
        MembershipFactory(organization=organization, user=everything, role=role)
    organizations["b"]["round"].invitees.create(user=everything, email=everything.email)
    single = {}
    for role in Role:
        single[role.value] = UserFactory(email=f"only-{role}@example.com")
        MembershipFactory(organization=organization, user=single[role.value], role=role)
    return {"every role": everything, **single}


def _normalized(response) -> bytes:
    """The body with what differs in every response taken out: CSRF tokens, the CSP nonce, and the month the
    address asked for, which a page about a month without a report names back (it says nothing of B)."""
    body = re.sub(rb'(content|value)="[A-Za-z0-9]{64}"', b"", response.content)
    body = re.sub(
        rb"(January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{4}", b"", body
    )
    return re.sub(rb'nonce="[^"]+"', b"", body)


def _object_url(name: str, route: str, organization, values: dict) -> str:
    kwargs = {ORG_KWARG: organization.slug}
    for kwarg in _kwargs(route):
        kwargs[kwarg] = values[kwarg]
    return reverse(name, kwargs=kwargs)


def test_every_object_route_has_a_fixture_entry():
    """A route whose URL names an object fails here until OBJECT_KWARGS (and PK_OBJECTS) can fill it, and
    every path parameter of the OpenAPI schema is one the routes know."""
    kwargs = {kwarg for _, _, route in OBJECT_ROUTES for kwarg in _kwargs(route)}
    assert kwargs - set(SHARED_KWARGS) <= set(OBJECT_KWARGS), sorted(kwargs - set(SHARED_KWARGS) - set(OBJECT_KWARGS))
    pk_routes = {name for name, _, route in OBJECT_ROUTES if "pk" in _kwargs(route)}
    assert pk_routes == set(PK_OBJECTS), sorted(pk_routes ^ set(PK_OBJECTS))
    path_parameters = {
        parameter["name"]
        for path in _api_schema()["paths"].values()
        for operation in path.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    # The schema calls a router's `pk` by the model field it looks up, `id`.
    assert path_parameters - {ORG_KWARG, "id"} <= set(OBJECT_KWARGS), sorted(path_parameters)


@pytest.mark.parametrize(("name", "method", "route"), OBJECT_ROUTES, ids=[f"{n} {m}" for n, m, _ in OBJECT_ROUTES])
def test_an_object_of_another_organization_is_not_found_and_unchanged(
    client, organization, organizations, members_of_a, name, method, route
):
    """Given A and B populated, when a member of A (every role at once, then each single role) aims A's
    route at B's object with every method the route allows, then the answer equals the answer for an id that
    exists nowhere (404 for the member who may use the route, 403 for both to one whose role may not), and
    nothing in the database changes."""
    b = organizations["b"]
    aimed = {kwarg: fill(b, name) for kwarg, fill in OBJECT_KWARGS.items() if kwarg in _kwargs(route)}
    missing = {kwarg: MISSING.get(kwarg, MISSING_ID) for kwarg in aimed}
    data = ACCESS[(name, method)].body(organization)
    is_api = name.startswith("api-")
    for who, user in members_of_a.items():
        client.force_login(user)
        before = database_snapshot()
        at_b = _request(client, method, _object_url(name, route, organization, aimed), data, is_api)
        assert database_snapshot() == before, f"{who}: {method} {name} changed the database"
        at_nothing = _request(client, method, _object_url(name, route, organization, missing), data, is_api)
        assert (at_b.status_code, _normalized(at_b)) == (at_nothing.status_code, _normalized(at_nothing)), who
        assert at_b.status_code in (403, 404), who
        if who == "every role":
            assert at_b.status_code == 404


# lists


def _list_operations() -> list[str]:
    """The schema's GET operations under an organization that answer a list (plain or paginated)."""
    found = []
    for path, operations in _api_schema()["paths"].items():
        get = operations.get("get")
        if not get or "{org_slug}" not in path or set(re.findall(r"{(\w+)}", path)) != {ORG_KWARG}:
            continue
        body = get["responses"]["200"]["content"]["application/json"]["schema"]
        if body.get("type") == "array" or body.get("$ref", "").split("/")[-1].startswith("Paginated"):
            found.append(path)
    return found


def _ids_of(model, organization) -> set:
    return set(model.objects.for_organization(organization).values_list("pk", flat=True))


def _model_ids(model_label):
    return lambda a, organization: _ids_of(apps.get_model(model_label), organization)


# For each list: its query parameters, and what A owns of it: {"id": ids} or the values of one field.
LIST_CHECKS = {
    "/api/v1/orgs/{org_slug}/memberships/": ({}, "id", _model_ids("organizations.Membership")),
    "/api/v1/orgs/{org_slug}/invitations/": ({}, "id", _model_ids("organizations.Invitation")),
    "/api/v1/orgs/{org_slug}/assessments/rounds/": ({}, "id", _model_ids("assessments.Round")),
    "/api/v1/orgs/{org_slug}/imports/": ({}, "id", _model_ids("metrics.ActivityImport")),
    "/api/v1/orgs/{org_slug}/data-sources/": ({}, "id", _model_ids("metrics.DataSource")),
    "/api/v1/orgs/{org_slug}/reports/": ({}, "id", _model_ids("reports.Report")),
    "/api/v1/orgs/{org_slug}/reports/actions/": ({}, "id", _model_ids("reports.CustomerRoomAction")),
    "/api/v1/orgs/{org_slug}/reports/meetings/": ({}, "id", _model_ids("reports.Meeting")),
    "/api/v1/orgs/{org_slug}/figure-owners/": ({}, "id", _model_ids("metrics.FigureOwner")),
    "/api/v1/orgs/{org_slug}/charter/": ({}, "version", lambda a, organization: {a["charter"].version}),
    "/api/v1/orgs/{org_slug}/roadmap/areas/": ({}, "id", _model_ids("roadmap.OperationalArea")),
    "/api/v1/orgs/{org_slug}/roadmap/maturity/": ({}, "id", _model_ids("roadmap.MaturityAssessment")),
    "/api/v1/orgs/{org_slug}/roadmap/milestones/": ({}, "id", _model_ids("roadmap.Milestone")),
    "/api/v1/orgs/{org_slug}/roadmap/journey/priorities/": ({}, "id", _model_ids("roadmap.Priority")),
    "/api/v1/orgs/{org_slug}/roadmap/reliability/issues/": ({}, "id", _model_ids("roadmap.ReliabilityIssue")),
    "/api/v1/orgs/{org_slug}/roadmap/reliability/moments/": ({}, "id", _model_ids("roadmap.MomentOfTruth")),
    "/api/v1/orgs/{org_slug}/roadmap/listening/sources/": ({}, "id", _model_ids("roadmap.ListeningSource")),
    # Version numbers are counted per organization; what changed names A's own stages and touchpoints.
    "/api/v1/orgs/{org_slug}/roadmap/journey/versions/": (
        {},
        "change",
        lambda a, organization: set(
            JourneyVersion.objects.for_organization(organization).values_list("change", flat=True)
        ),
    ),
    "/api/v1/orgs/{org_slug}/audit-events/": (
        {},
        "id",
        lambda a, organization: set(audit_selectors.audit_log(organization).values_list("pk", flat=True)),
    ),
    "/api/v1/orgs/{org_slug}/movements/": ({}, "month", lambda a, organization: set(a["months"])),
    "/api/v1/orgs/{org_slug}/api-tokens/": ({}, "token_key", lambda a, organization: {a["api_token"].token_key}),
    "/api/v1/orgs/{org_slug}/movements/customers/": (
        {"month": "2024-01", "figure": "new"},
        "customer",
        lambda a, organization: set(a["customers"]),
    ),
    "/api/v1/orgs/{org_slug}/movements/periods/": (
        {"length": "quarter"},
        "period",
        lambda a, organization: {f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}" for month in a["months"]},
    ),
    "/api/v1/orgs/{org_slug}/movements/periods/customers/": (
        {"length": "year", "period": "2024", "figure": "active"},
        "customer",
        lambda a, organization: set(a["customers"]),
    ),
    "/api/v1/orgs/{org_slug}/movements/reasons/": (
        {"month": "2024-02"},
        "reason",
        lambda a, organization: {a["reason"]},
    ),
    # The competencies are shared content; A's part of them is its milestone counts.
    "/api/v1/orgs/{org_slug}/roadmap/competencies/": (
        {},
        "total",
        lambda a, organization: {0, *_milestones_per_competency(organization)},
    ),
    # The questionnaires are shared content: the same for every organization.
    "/api/v1/orgs/{org_slug}/assessments/questionnaires/": (
        {},
        "kind",
        lambda a, organization: {"readiness", "commitment"},
    ),
}


def _milestones_per_competency(organization) -> list[int]:
    counts = {}
    for number in Milestone.objects.for_organization(organization).values_list("competency__number", flat=True):
        counts[number] = counts.get(number, 0) + 1
    return list(counts.values())


def test_every_list_operation_has_a_check():
    """A new list in the schema fails here until LIST_CHECKS says what of it belongs to the organization."""
    assert set(_list_operations()) == set(LIST_CHECKS)


@pytest.mark.parametrize("path", sorted(LIST_CHECKS))
def test_a_list_holds_exactly_the_organizations_own(api_client, organization, organizations, members_of_a, path):
    """Given A and B populated, when A's member of every role reads a list under A, then every item is A's,
    none is B's, and the list is not empty (so the check checks something)."""
    params, field, owned_by = LIST_CHECKS[path]
    api_client.force_authenticate(members_of_a["every role"])
    response = api_client.get(path.replace("{org_slug}", organization.slug), params)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    values = {item[field] for item in items}
    assert values, "an empty list proves nothing"
    assert values <= owned_by(organizations["a"], organization)


def test_the_organization_list_names_only_the_members_organizations(api_client, organizations, members_of_a):
    """Given a member of A only, when they list their organizations, then B is not among them."""
    api_client.force_authenticate(members_of_a["every role"])
    response = api_client.get(reverse("api-organizations"))
    assert [org["slug"] for org in response.json()["results"]] == ["acme"]


# references in request bodies


def _reference_fields() -> set[tuple[str, str]]:
    """(serializer, field) of every writable field of the API's serializers that names another row."""
    found = set()
    for serializer_class in _api_serializers():
        for field_name, field in serializer_class().fields.items():
            relation = getattr(field, "child_relation", field)
            if isinstance(relation, drf_serializers.RelatedField) and not field.read_only:
                found.add((serializer_class.__name__, field_name))
    return found


# The modules that declare API serializers: each app's api/serializers.py, and the modules of a tool that
# keeps its serializers beside its views.
SERIALIZER_MODULES = [
    *(f"{app}.api.serializers" for app in APPS),
    "metrics.api.charter",
    "roadmap.api.journey",
    "roadmap.api.reliability",
    "roadmap.api.listening",
    "roadmap.api.horizon",
]
FORM_MODULES = [
    *(f"{app}.forms" for app in APPS),
    "metrics.charter.forms",
    "roadmap.journey.forms",
    "roadmap.reliability.forms",
    "roadmap.listening.forms",
    "roadmap.horizon.forms",
]


def _api_serializers():
    for module in SERIALIZER_MODULES:
        namespace = vars(import_module(module))
        for value in namespace.values():
            if (
                isinstance(value, type)
                and issubclass(value, drf_serializers.Serializer)
                and value.__module__ == namespace["__name__"]
            ):
                yield value


# Reference fields that name the portal's shared content, not an organization's rows.
SHARED_REFERENCES = {
    ("MilestoneInputSerializer", "competency"): "the five competencies",
    ("MaturityAssessmentInputSerializer", "competency"): "the five competencies",
    ("YearlyGoalInputSerializer", "competency"): "the five competencies",
}

# A complete listening source in the API.
SOURCE_BODY = {"name": "x", "kind": "survey", "cadence_days": 7}

# (url name, method, url kwargs from A's objects, body naming B's object) per reference field.
REFERENCES = {
    ("MilestoneInputSerializer", "owner"): [
        ("api-milestone-list", "post", {}, lambda b: {"competency": 1, "title": "x", "owner": b["member"].pk}),
        ("api-milestone-detail", "patch", {"milestone_id": "milestone"}, lambda b: {"owner": b["member"].pk}),
    ],
    ("MilestoneInputSerializer", "areas"): [
        ("api-milestone-list", "post", {}, lambda b: {"competency": 1, "title": "x", "areas": [b["area"].pk]}),
        ("api-milestone-detail", "patch", {"milestone_id": "milestone"}, lambda b: {"areas": [b["area"].pk]}),
    ],
    ("MilestoneInputSerializer", "dependencies"): [
        (
            "api-milestone-list",
            "post",
            {},
            lambda b: {"competency": 1, "title": "x", "dependencies": [b["milestone"].pk]},
        ),
        (
            "api-milestone-detail",
            "patch",
            {"milestone_id": "milestone"},
            lambda b: {"dependencies": [b["milestone"].pk]},
        ),
    ],
    ("OperationalAreaInputSerializer", "leader"): [
        ("api-operational-area-list", "post", {}, lambda b: {"name": "x", "leader": b["member"].pk}),
        ("api-operational-area-detail", "patch", {"area_id": "area"}, lambda b: {"leader": b["member"].pk}),
    ],
    ("TouchpointInputSerializer", "stage"): [
        ("api-journey-touchpoint-list", "post", {}, lambda b: {"name": "x", "stage": b["stage"].pk}),
        ("api-journey-touchpoint-detail", "patch", {"touchpoint_id": "touchpoint"}, lambda b: {"stage": b["stage"].pk}),
    ],
    ("TouchpointInputSerializer", "area"): [
        (
            "api-journey-touchpoint-detail",
            "patch",
            {"touchpoint_id": "touchpoint"},
            lambda b: {"area": b["area"].pk},
        ),
    ],
    ("IssueInputSerializer", "touchpoint"): [
        ("api-reliability-issue-list", "post", {}, lambda b: {"title": "x", "touchpoint": b["touchpoint"].pk}),
        ("api-reliability-issue-detail", "patch", {"issue_id": "issue"}, lambda b: {"touchpoint": b["touchpoint"].pk}),
    ],
    ("IssueInputSerializer", "area"): [
        ("api-reliability-issue-list", "post", {}, lambda b: {"title": "x", "area": b["area"].pk}),
        ("api-reliability-issue-detail", "patch", {"issue_id": "issue"}, lambda b: {"area": b["area"].pk}),
    ],
    ("MomentInputSerializer", "touchpoint"): [
        (
            "api-reliability-moment-list",
            "post",
            {},
            lambda b: {"intended_experience": "x", "touchpoint": b["touchpoint"].pk},
        ),
    ],
    ("LinkMilestoneInputSerializer", "milestone"): [
        ("api-reliability-moment-link", "post", {"moment_id": "moment"}, lambda b: {"milestone": b["milestone"].pk}),
    ],
    ("SourceInputSerializer", "stages"): [
        ("api-listening-source-list", "post", {}, lambda b: {**SOURCE_BODY, "stages": [b["stage"].pk]}),
        (
            "api-listening-source-detail",
            "patch",
            {"listening_source_id": "listening_source"},
            lambda b: {"stages": [b["stage"].pk]},
        ),
    ],
    ("SourceInputSerializer", "owner"): [
        ("api-listening-source-list", "post", {}, lambda b: {**SOURCE_BODY, "owner": b["member"].pk}),
        (
            "api-listening-source-detail",
            "patch",
            {"listening_source_id": "listening_source"},
            lambda b: {"owner": b["member"].pk},
        ),
    ],
    ("FeedInputSerializer", "stage"): [
        (
            "api-listening-feed-list",
            "post",
            {},
            lambda b: {"stage": b["stage"].pk, "feed_key": f"data-source-{b['source'].pk}"},
        ),
    ],
    ("PriorityInputSerializer", "touchpoint"): [
        ("api-journey-priority-list", "post", {}, lambda b: {"experience": "x", "touchpoint": b["touchpoint"].pk}),
    ],
    ("MilestoneInputSerializer", "journey_stage"): [
        ("api-milestone-list", "post", {}, lambda b: {"competency": 2, "title": "x", "journey_stage": b["stage"].pk}),
        ("api-milestone-detail", "patch", {"milestone_id": "milestone"}, lambda b: {"journey_stage": b["stage"].pk}),
    ],
    ("MilestoneInputSerializer", "touchpoint"): [
        ("api-milestone-list", "post", {}, lambda b: {"competency": 2, "title": "x", "touchpoint": b["touchpoint"].pk}),
        (
            "api-milestone-detail",
            "patch",
            {"milestone_id": "milestone"},
            lambda b: {"touchpoint": b["touchpoint"].pk},
        ),
    ],
    ("RoundInputSerializer", "invitees"): [
        (
            "api-round-list",
            "post",
            {},
            lambda b: {"kind": "readiness", "title": "x", "closes_on": "2099-12-31", "invitees": [b["member"].pk]},
        ),
    ],
    ("RoundInputSerializer", "ceo"): [
        (
            "api-round-list",
            "post",
            {},
            lambda b: {"kind": "commitment", "title": "x", "closes_on": "2099-12-31", "ceo": b["admin"].pk},
        ),
    ],
    # Questions are shared content, but a round takes only its own questionnaire's: B's review asks
    # another questionnaire than A's readiness round.
    ("AnswerInputSerializer", "question"): [
        (
            "api-my-response",
            "post",
            {"round_id": "round"},
            lambda b: {"question": b["review"].questionnaire.questions.first().pk, "choice": "yes"},
        ),
    ],
    ("ActionInputSerializer", "journey_stage"): [
        (
            "api-report-action-list",
            "post",
            {},
            lambda b: {"month": "2024-01", "title": "x", "journey_stage": b["stage"].pk},
        ),
        ("api-report-action-detail", "patch", {"action_id": "action"}, lambda b: {"journey_stage": b["stage"].pk}),
    ],
    ("ActionInputSerializer", "touchpoint"): [
        (
            "api-report-action-list",
            "post",
            {},
            lambda b: {"month": "2024-01", "title": "x", "touchpoint": b["touchpoint"].pk},
        ),
        ("api-report-action-detail", "patch", {"action_id": "action"}, lambda b: {"touchpoint": b["touchpoint"].pk}),
    ],
    ("ActionInputSerializer", "owner"): [
        ("api-report-action-list", "post", {}, lambda b: {"month": "2024-01", "title": "x", "owner": b["member"].pk}),
        ("api-report-action-detail", "patch", {"action_id": "action"}, lambda b: {"owner": b["member"].pk}),
        (
            "api-report-action-detail",
            "put",
            {"action_id": "action"},
            lambda b: {"month": "2024-01", "title": "x", "owner": b["member"].pk},
        ),
    ],
    ("SeriesInputSerializer", "invited"): [
        ("api-meeting-series", "put", {}, lambda b: {**SERIES_API, "invited": [b["member"].pk]}),
    ],
    ("DecisionChoiceSerializer", "candidate"): [
        (
            "api-meeting-decision",
            "post",
            {"meeting_id": "meeting"},
            lambda b: {"agreed": [{"candidate": b["candidate"].pk, "owner": b["member"].pk, "due_date": "2099-01-31"}]},
        ),
    ],
    ("DecisionChoiceSerializer", "owner"): [
        (
            "api-meeting-decision",
            "post",
            {"meeting_id": "meeting"},
            lambda b: {"agreed": [{"candidate": b["candidate"].pk, "owner": b["member"].pk, "due_date": "2099-01-31"}]},
        ),
    ],
    ("AttendanceInputSerializer", "present"): [
        ("api-meeting-attendance", "put", {"meeting_id": "meeting"}, lambda b: {"present": [b["member"].pk]}),
    ],
    ("RescheduleSerializer", "invited"): [
        (
            "api-meeting-detail",
            "patch",
            {"meeting_id": "meeting"},
            lambda b: {"starts_at": "2099-03-10T09:00:00+01:00", "duration_minutes": 60, "invited": [b["member"].pk]},
        ),
    ],
}

REFERENCE_CASES = [(field, *case) for field, cases in sorted(REFERENCES.items()) for case in cases]


def test_every_reference_field_has_a_case():
    """A new writable field that names another row fails here until REFERENCES tries B's row in it."""
    assert _reference_fields() == set(REFERENCES) | set(SHARED_REFERENCES)


@pytest.mark.parametrize(
    ("field", "name", "method", "kwargs", "body"),
    REFERENCE_CASES,
    ids=[f"{f[0]}.{f[1]} {n} {m}" for f, n, m, _, _ in REFERENCE_CASES],
)
def test_a_reference_to_another_organizations_row_is_refused(
    api_client, organization, organizations, members_of_a, field, name, method, kwargs, body
):
    """Given A's member of every role (invited to A's round), when they create or change something of A
    naming B's row in a request body, then it is refused (400 naming the field) and nothing is written."""
    a, b = organizations["a"], organizations["b"]
    user = members_of_a["every role"]
    a["round"].invitees.create(user=user, email=user.email)
    api_client.force_authenticate(user)
    url = reverse(name, kwargs={ORG_KWARG: organization.slug, **{k: a[v].pk for k, v in kwargs.items()}})
    before = database_snapshot()
    response = getattr(api_client, method)(url, json.dumps(body(b)), content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert database_snapshot() == before
    # A field of a nested list (the decision's agreed actions) is named inside its list's errors.
    assert field[1] in str(response.json()) or "detail" in response.json()


# references in page forms


def _form_reference_fields() -> set[tuple[str, str]]:
    """(form, field) of every field of the pages' forms that chooses a row by id."""
    found = set()
    for module in FORM_MODULES:
        namespace = vars(import_module(module))
        for value in namespace.values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == namespace["__name__"]
            ):
                found |= {
                    (value.__name__, name)
                    for name, field in value.base_fields.items()
                    if isinstance(field, forms.ModelChoiceField)
                }
    return found


MILESTONE_FORM = {"competency": 1, "title": "x", "status": "planned", "percent_complete": 0}
ACTION_FORM = {"title": "x", "status": "open"}
SOURCE_FORM = {"name": "x", "kind": "survey", "cadence": "7"}
MEETING_FORM = {"day": "2099-03-10", "start_time": "09:00", "duration_minutes": 60}

# Form fields that choose the portal's shared content, or that only filter what a page shows.
SHARED_FORM_REFERENCES = {
    ("MilestoneForm", "competency"): "the five competencies",
    ("YearlyGoalForm", "competency"): "the five competencies",
    ("MilestoneFilterForm", "competency"): "the five competencies",
    ("MilestoneFilterForm", "owner"): "a filter of a page that reads A's milestones only",
    ("MilestoneFilterForm", "area"): "a filter of a page that reads A's milestones only",
    ("IssueFilterForm", "touchpoint"): "a filter of a page that reads A's reliability issues only",
    ("IssueFilterForm", "area"): "a filter of a page that reads A's reliability issues only",
}

# (url name, url kwargs from A's objects, form data naming B's row) per form field.
FORM_REFERENCES = {
    ("MilestoneForm", "owner"): [
        ("roadmap:milestone_create", {}, lambda a, b: {**MILESTONE_FORM, "owner": b["member"].pk}),
        ("roadmap:milestone", {"milestone_id": "milestone"}, lambda a, b: {**MILESTONE_FORM, "owner": b["member"].pk}),
    ],
    ("MilestoneForm", "areas"): [
        ("roadmap:milestone_create", {}, lambda a, b: {**MILESTONE_FORM, "areas": [b["area"].pk]}),
        ("roadmap:milestone", {"milestone_id": "milestone"}, lambda a, b: {**MILESTONE_FORM, "areas": [b["area"].pk]}),
    ],
    ("MilestoneForm", "dependencies"): [
        ("roadmap:milestone_create", {}, lambda a, b: {**MILESTONE_FORM, "dependencies": [b["milestone"].pk]}),
        (
            "roadmap:milestone",
            {"milestone_id": "milestone"},
            lambda a, b: {**MILESTONE_FORM, "dependencies": [b["milestone"].pk]},
        ),
    ],
    ("AreaForm", "leader"): [
        ("roadmap:areas", {}, lambda a, b: {"action": "add", "new-name": "x", "new-leader": b["member"].pk}),
    ],
    ("TouchpointForm", "stage"): [
        (
            "roadmap:journey_touchpoint_add",
            {},
            lambda a, b: {"new-touchpoint-name": "x", "new-touchpoint-stage": b["stage"].pk},
        ),
        (
            "roadmap:journey_touchpoint",
            {"touchpoint_id": "touchpoint"},
            lambda a, b: {
                f"touchpoint-{a['touchpoint'].pk}-name": "x",
                f"touchpoint-{a['touchpoint'].pk}-stage": b["stage"].pk,
            },
        ),
    ],
    ("TouchpointForm", "area"): [
        (
            "roadmap:journey_touchpoint_add",
            {},
            lambda a, b: {
                "new-touchpoint-name": "x",
                "new-touchpoint-stage": a["stage"].pk,
                "new-touchpoint-area": b["area"].pk,
            },
        ),
    ],
    ("SourceForm", "stages"): [
        ("roadmap:listening_source_add", {}, lambda a, b: {**SOURCE_FORM, "stages": [b["stage"].pk]}),
        (
            "roadmap:listening_source",
            {"listening_source_id": "listening_source"},
            lambda a, b: {**SOURCE_FORM, "stages": [b["stage"].pk]},
        ),
    ],
    ("SourceForm", "owner"): [
        ("roadmap:listening_source_add", {}, lambda a, b: {**SOURCE_FORM, "owner": b["member"].pk}),
        (
            "roadmap:listening_source",
            {"listening_source_id": "listening_source"},
            lambda a, b: {**SOURCE_FORM, "owner": b["member"].pk},
        ),
    ],
    ("FeedForm", "stage"): [
        (
            "roadmap:listening_feed_add",
            {},
            lambda a, b: {"stage": b["stage"].pk, "feed_key": f"data-source-{a['source'].pk}"},
        ),
    ],
    ("PriorityForm", "touchpoint"): [
        ("roadmap:journey_priorities", {}, lambda a, b: {"experience": "x", "touchpoint": b["touchpoint"].pk}),
    ],
    ("MilestoneForm", "journey_stage"): [
        ("roadmap:milestone_create", {}, lambda a, b: {**MILESTONE_FORM, "journey_stage": b["stage"].pk}),
        (
            "roadmap:milestone",
            {"milestone_id": "milestone"},
            lambda a, b: {**MILESTONE_FORM, "journey_stage": b["stage"].pk},
        ),
    ],
    ("MilestoneForm", "touchpoint"): [
        ("roadmap:milestone_create", {}, lambda a, b: {**MILESTONE_FORM, "touchpoint": b["touchpoint"].pk}),
        (
            "roadmap:milestone",
            {"milestone_id": "milestone"},
            lambda a, b: {**MILESTONE_FORM, "touchpoint": b["touchpoint"].pk},
        ),
    ],
    ("ActionForm", "journey_stage"): [
        ("reports:actions", {}, lambda a, b: {**ACTION_FORM, "month": a["months"][1], "journey_stage": b["stage"].pk}),
        (
            "reports:action",
            {"action_id": "action"},
            lambda a, b: {**ACTION_FORM, "month": a["months"][1], "journey_stage": b["stage"].pk},
        ),
    ],
    ("ActionForm", "touchpoint"): [
        (
            "reports:actions",
            {},
            lambda a, b: {**ACTION_FORM, "month": a["months"][1], "touchpoint": b["touchpoint"].pk},
        ),
        (
            "reports:action",
            {"action_id": "action"},
            lambda a, b: {**ACTION_FORM, "month": a["months"][1], "touchpoint": b["touchpoint"].pk},
        ),
    ],
    ("ActionForm", "owner"): [
        ("reports:actions", {}, lambda a, b: {**ACTION_FORM, "month": a["months"][1], "owner": b["member"].pk}),
        (
            "reports:action",
            {"action_id": "action"},
            lambda a, b: {**ACTION_FORM, "month": a["months"][1], "owner": b["member"].pk},
        ),
    ],
    ("IssueForm", "touchpoint"): [
        (
            "roadmap:reliability",
            {},
            lambda a, b: {"title": "x", "customers_touched": 0, "touchpoint": b["touchpoint"].pk},
        ),
        (
            "roadmap:reliability_issue",
            {"issue_id": "issue"},
            lambda a, b: {"title": "x", "customers_touched": 0, "touchpoint": b["touchpoint"].pk},
        ),
    ],
    ("IssueForm", "area"): [
        ("roadmap:reliability", {}, lambda a, b: {"title": "x", "customers_touched": 0, "area": b["area"].pk}),
        (
            "roadmap:reliability_issue",
            {"issue_id": "issue"},
            lambda a, b: {"title": "x", "customers_touched": 0, "area": b["area"].pk},
        ),
    ],
    ("MomentForm", "touchpoint"): [
        (
            "roadmap:reliability_moments",
            {},
            lambda a, b: {"intended_experience": "x", "touchpoint": b["touchpoint"].pk},
        ),
    ],
    ("LinkMilestoneForm", "milestone"): [
        (
            "roadmap:reliability_moment_link",
            {"moment_id": "moment"},
            lambda a, b: {f"link-{a['moment'].pk}-milestone": b["milestone"].pk},
        ),
    ],
    ("SeriesForm", "invited"): [
        ("reports:meeting_series", {}, lambda a, b: {**SERIES_API, "rule": "weekday", "invited": [b["member"].pk]}),
    ],
    ("AttendanceForm", "present"): [
        ("reports:meeting_attendance", {"meeting_id": "meeting"}, lambda a, b: {"present": [b["member"].pk]}),
    ],
    ("RescheduleForm", "invited"): [
        (
            "reports:meeting_edit",
            {"meeting_id": "meeting"},
            lambda a, b: {**MEETING_FORM, "invited": [b["member"].pk]},
        ),
    ],
}
# The areas page names the area to rename or remove in its form, outside any Form class.
AREA_POSTS = [{"action": "remove"}, {"action": "rename", "name": "Taken over"}]

FORM_CASES = [(field, *case) for field, cases in sorted(FORM_REFERENCES.items()) for case in cases]


def test_every_form_reference_field_has_a_case():
    """A new form field that chooses a row fails here until FORM_REFERENCES tries B's row in it."""
    assert _form_reference_fields() == set(FORM_REFERENCES) | set(SHARED_FORM_REFERENCES)


@pytest.mark.parametrize(
    ("field", "name", "kwargs", "data"), FORM_CASES, ids=[f"{f[0]}.{f[1]} {n}" for f, n, _, _ in FORM_CASES]
)
def test_a_page_form_naming_another_organizations_row_is_refused(
    client, organization, organizations, members_of_a, field, name, kwargs, data
):
    """Given A's member of every role, when a page's form of A is posted naming B's row, then the form comes
    back with an error on that field and nothing is written."""
    a, b = organizations["a"], organizations["b"]
    client.force_login(members_of_a["every role"])
    url = reverse(name, kwargs={ORG_KWARG: organization.slug, **{k: a[v].pk for k, v in kwargs.items()}})
    before = database_snapshot()
    response = client.post(url, data(a, b))
    assert response.status_code == 200, response.content[:300]
    assert field[1] in response.context["form"].errors
    assert database_snapshot() == before


@pytest.mark.parametrize("data", AREA_POSTS, ids=[d["action"] for d in AREA_POSTS])
def test_the_areas_page_does_not_reach_another_organizations_area(
    client, organization, organizations, members_of_a, data
):
    """Given A's member of every role, when A's areas page is asked to rename or remove B's area, then it
    answers 404 as for an area that exists nowhere, and nothing is written."""
    client.force_login(members_of_a["every role"])
    url = reverse("roadmap:areas", kwargs={ORG_KWARG: organization.slug})
    before = database_snapshot()
    at_b = client.post(url, {**data, "area": organizations["b"]["area"].pk})
    assert database_snapshot() == before
    at_nothing = client.post(url, {**data, "area": MISSING_ID})
    assert at_b.status_code == at_nothing.status_code == 404
    assert _normalized(at_b) == _normalized(at_nothing)
