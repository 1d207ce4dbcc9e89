"""The API fuzzed from its own OpenAPI schema: schemathesis generates requests for every operation and sends
them to the portal's WSGI application in-process, once per role (with a DRF token) and once without
credentials. No request may give a server error or an answer the schema does not describe, and without
credentials every operation but the token login answers 401.

The application runs in the test's thread, on the test's database connection, so it sees the rows the
`db` fixture's transaction holds. Examples are few and derandomized: the run is the same every time and
takes a bounded time in CI.
"""

import re
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cco_portal.organizations.roles import Role
from cco_portal.wsgi import application
from tests.factories import MembershipFactory, UserFactory
from tests.populated import populate

EXAMPLES = 6
ANONYMOUS = "anonymous"
# Every answer must be declared: cco_portal/api_schema.py adds the 400, 401, 403 and 404 that every
# operation may give to the schema.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Open to anyone: the token login (the schema and its documentation are not operations of the schema).
PUBLIC = {"/api/v1/auth/token/"}
# Where an object id appears in a path, the populated organization's own object, so requests reach it.
PATH_OBJECTS = {
    "round_id": "round",
    "import_id": "activity_import",
    "source_id": "source",
    "action_id": "action",
    "report_id": "report",
    "area_id": "area",
    "milestone_id": "milestone",
    "stage_id": "stage",
    "touchpoint_id": "touchpoint",
    "priority_id": "priority",
    "issue_id": "issue",
    "moment_id": "moment",
    "meeting_id": "meeting",
    "candidate_id": "candidate",
    "story_id": "story",
    "listening_source_id": "listening_source",
    "stage_feed_id": "stage_feed",
}


@contextmanager
def connection_kept_open():
    """Django's handler closes the database connection around each request unless it is in a usable state;
    inside a test's transaction that would end the transaction. Django's own test client switches this off
    for its requests in the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


with connection_kept_open():
    # Loaded when the tests are collected: generating the schema reads no rows.
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # The coverage phase (edge values, and every method an operation does not declare) runs for the admin,
    # who may use every operation, and for nobody signed in; the other roles get examples and fuzzing only.
    light_schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=SchemathesisConfig())
    light_schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(autouse=True)
def in_process_requests(db):
    with connection_kept_open():
        yield


@pytest.fixture
def populated(organization):
    return populate(organization, tag="acme", first_month="2024-01")


def _address_has_control_characters(case) -> bool:
    """Whether the generated path or query holds a character the edge refuses (cco_portal/request_edge.py)."""
    values = [*(case.path_parameters or {}).values(), *(case.query or {}).keys(), *(case.query or {}).values()]
    text = "".join(str(item) for value in values for item in (value if isinstance(value, list) else [value]))
    encoded = re.search(r"%[01][0-9a-f]|%7f", case.formatted_path, re.IGNORECASE)
    return encoded is not None or re.search(r"[\x00-\x1f\x7f]", text) is not None


def _credentials(organization, who: str) -> dict:
    """The headers of a member holding one role in the organization (a DRF token), or none."""
    if who == ANONYMOUS:
        return {}
    user = UserFactory(email=f"fuzz-{who}@example.com")
    MembershipFactory(organization=organization, user=user, role=who)
    return {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"}


def _aim_at(case, organization, populated) -> None:
    """Point the generated path at the populated organization and its objects; the rest stays generated."""
    parameters = case.path_parameters or {}
    if "org_slug" in parameters:
        parameters["org_slug"] = organization.slug
    for name, kind in PATH_OBJECTS.items():
        if name in parameters:
            parameters[name] = populated[kind].pk
    if "id" in parameters:
        parameters["id"] = populated["invitation" if "/invitations/" in case.path else "membership"].pk
    if "month" in parameters:
        parameters["month"] = populated["report"].month_label
    if "version" in parameters:
        parameters["version"] = populated["charter"].version
    if "map_version" in parameters:
        parameters["map_version"] = populated["journey_version"].number
    if "user_id" in parameters:
        parameters["user_id"] = populated["member"].pk


def fuzz_as(who: str, schema):
    """The test of every operation, for a member holding `who` or for nobody signed in."""

    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    )
    def test(case, organization, populated):
        """Given a member of one role holding a token, or nobody signed in, when schemathesis sends generated
        requests to every operation, then none answers a server error; every answer's status, content type and
        body are those the schema declares; and without credentials every operation but the token login
        answers 401 (or 400, when its address holds a control character: refused at the edge, before anything)."""
        headers = populated.setdefault(f"headers of {who}", None) or _credentials(organization, who)
        populated[f"headers of {who}"] = headers
        _aim_at(case, organization, populated)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        if who == ANONYMOUS and case.path not in PUBLIC:
            expected = {400, 401} if _address_has_control_characters(case) else {401}
            assert response.status_code in expected, (case.method, case.formatted_path)

    return test


test_as_admin = fuzz_as(Role.ADMIN, schema)
test_as_cco = fuzz_as(Role.CCO, light_schema)
test_as_executive = fuzz_as(Role.EXECUTIVE, light_schema)
test_as_leadership = fuzz_as(Role.LEADERSHIP, light_schema)
test_without_credentials = fuzz_as(ANONYMOUS, schema)
