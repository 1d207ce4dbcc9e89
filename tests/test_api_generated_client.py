"""The API used through a Python client that openapi-python-client generates from the served schema, as it is
generated: nothing patched, nothing sent by hand. If the schema says something the API does not do (a body in a
content type it refuses, a field it does not want, a file as text), the client fails here as it would for
someone who generated it.

The client is generated once for the module, offline, into a temporary folder, and drives the live server.
"""

import enum
import importlib
import inspect
import pkgutil
import subprocess
import sys
import time
from datetime import date
from http import HTTPStatus
from io import BytesIO

import httpx
import pytest

from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD
from tests.populated import populate

PACKAGE = "cco_client"
# No post hooks: the generator would otherwise run ruff on the client, which a client's user need not have.
GENERATOR_CONFIG = f"project_name_override: cco-client\npackage_name_override: {PACKAGE}\npost_hooks: []\n"
ACTIVITY_CSV = b"customer_id,period,revenue,segment\nann,2024-01,100,North\nbob,2024-01,50.25,South\n"


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_blocker):
    """The generated client package, imported: generated from what GET /api/schema/?format=json answers."""
    folder = tmp_path_factory.mktemp("generated-client")
    with django_db_blocker.unblock():
        schema = httpx.get(f"{live_server.url}/api/schema/", params={"format": "json"})
    schema.raise_for_status()
    (folder / "schema.json").write_bytes(schema.content)
    (folder / "config.yaml").write_text(GENERATOR_CONFIG)
    command = ["generate", "--path", "schema.json", "--output-path", "client", "--config", "config.yaml"]
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", *command],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(folder / "client"))
    try:
        for part in ("api", "models", "types"):
            importlib.import_module(f"{PACKAGE}.{part}")
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder / "client"))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def operation(generated, name: str):
    """One operation's module of the generated client, found by its operationId whatever its tag."""
    for module in pkgutil.walk_packages(generated.api.__path__, f"{PACKAGE}.api."):
        if module.name.rsplit(".", 1)[-1] == name:
            return importlib.import_module(module.name)
    raise LookupError(name)


def model(generated, name: str):
    return getattr(generated.models, name)


def signed_in(generated, live_server, user):
    """A client holding the token that the generated sign-in operation obtained for `user`."""
    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    body = model(generated, "CredentialsRequest")(username=user.email, password=PASSWORD)
    answer = operation(generated, "auth_token_create").sync_detailed(client=anonymous, body=body)
    assert answer.status_code == HTTPStatus.OK, answer.content
    return generated.AuthenticatedClient(
        base_url=live_server.url, token=answer.parsed.token, prefix="Token", raise_on_unexpected_status=True
    )


def test_the_generated_client_imports_every_operation(generated):
    """Every module the generator writes imports: one body content type per operation leaves it nothing to
    write twice."""
    # when
    modules = [m.name for m in pkgutil.walk_packages(generated.api.__path__, f"{PACKAGE}.api.") if not m.ispkg]
    for name in modules:
        importlib.import_module(name)

    # then
    assert len(modules) > 50


def test_a_generated_client_signs_in_with_an_email_and_password(generated, live_server, organization, cco_user):
    """The sign-in operation takes only the email and password and answers the token, which authenticates the
    next request; a wrong password is a 400 the client parses."""
    # given
    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    sign_in = operation(generated, "auth_token_create")
    request = model(generated, "CredentialsRequest")

    # when
    refused = sign_in.sync_detailed(client=anonymous, body=request(username=cco_user.email, password="wrong"))
    client = signed_in(generated, live_server, cco_user)
    organizations = operation(generated, "orgs_list").sync(client=client)

    # then
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.parsed.additional_properties["non_field_errors"]
    assert [o.slug for o in organizations.results] == [organization.slug]


def test_a_generated_client_uploads_an_import_and_follows_it_to_its_end(generated, live_server, organization, cco_user):
    """The upload sends the file as a file; the answer is 202 with the queued import, which the client polls
    until it is finished and imported."""
    # given
    client = signed_in(generated, live_server, cco_user)
    upload = model(generated, "ImportInputRequest")(
        file=generated.types.File(payload=BytesIO(ACTIVITY_CSV), file_name="activity.csv", mime_type="text/csv")
    )

    # when
    queued = operation(generated, "orgs_imports_create").sync_detailed(organization.slug, client=client, body=upload)
    assert queued.status_code == HTTPStatus.ACCEPTED, queued.content
    activity_import = queued.parsed
    for _ in range(50):
        if activity_import.is_finished:
            break
        time.sleep(0.1)  # the import runs beside the request; poll as a client would
        activity_import = operation(generated, "orgs_imports_retrieve").sync(
            organization.slug, str(activity_import.id), client=client
        )

    # then
    assert activity_import.is_finished
    assert activity_import.status.value == "succeeded"
    assert (activity_import.file_name, activity_import.months) == ("activity.csv", ["2024-01"])


def argument(operation_name: str, name: str, annotation, required: dict):
    """The value for a required parameter: the populated one of its name, or an enum's first member."""
    if name in required:
        return required[name]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation))
    raise LookupError(f"{operation_name} requires {name!r}: add it to the test's required parameters")


def test_a_generated_client_reads_every_list(generated, live_server, organization, admin_user):
    """Every list operation answers 200 to the admin, and the client parses each answer into the models the
    schema describes (the organization holds one of everything, so no list is empty for lack of rows)."""
    # given
    populated = populate(organization, tag="acme", first_month="2024-01")
    client = signed_in(generated, live_server, admin_user)
    # The parameters a list requires, by name: the organization, a milestone's history, a month with data, a
    # meeting's candidates, a listening source's reports, a moment of truth's milestones, a
    # quarter with data.
    required = {
        "meeting_id": populated["meeting"].pk,
        "org_slug": organization.slug,
        "milestone_id": str(populated["milestone"].pk),
        "month": populated["report"].month_label,
        "source_id": str(populated["source"].pk),
        "listening_source_id": populated["listening_source"].pk,
        "moment_id": populated["moment"].pk,
        "issue_id": populated["issue"].pk,
        "period": "2024-Q1",  # the length's enum gives its first member, a quarter
    }
    lists = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(generated.api.__path__, f"{PACKAGE}.api.")
        if m.name.endswith("_list")
    ]

    # when
    answers = {}
    for module in lists:
        parameters = inspect.signature(module.sync_detailed).parameters
        arguments = {
            name: argument(module.__name__, name, parameter.annotation, required)
            for name, parameter in parameters.items()
            if parameter.default is parameter.empty and name != "client"
        }
        answers[module.__name__] = module.sync_detailed(client=client, **arguments)

    # then
    assert len(answers) >= 15
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, HTTPStatus.OK)
    error_models = tuple(model(generated, name) for name in dir(generated.models) if "Response4" in name)
    assert not [
        name for name, answer in answers.items() if answer.parsed is None or isinstance(answer.parsed, error_models)
    ]


def test_a_generated_client_creates_a_milestone_and_an_action(generated, live_server, organization, cco_user):
    """A milestone and a customer-room action are created from the client's own request models, sent as JSON."""
    # given
    client = signed_in(generated, live_server, cco_user)
    milestone_request = model(generated, "MilestoneInputRequest")(
        competency=1, title="Map the onboarding journey", owner=cco_user.pk, due_date=date(2024, 6, 30)
    )
    action_request = model(generated, "ActionInputRequest")(
        month="2024-01", title="Call every lost customer", owner=cco_user.pk
    )

    # when
    milestone = operation(generated, "orgs_roadmap_milestones_create").sync_detailed(
        organization.slug, client=client, body=milestone_request
    )
    action = operation(generated, "orgs_reports_actions_create").sync_detailed(
        organization.slug, client=client, body=action_request
    )

    # then
    assert milestone.status_code == HTTPStatus.CREATED, milestone.content
    assert (milestone.parsed.title, milestone.parsed.owner, milestone.parsed.due_date) == (
        "Map the onboarding journey",
        cco_user.pk,
        date(2024, 6, 30),
    )
    assert action.status_code == HTTPStatus.CREATED, action.content
    assert (action.parsed.title, action.parsed.month) == ("Call every lost customer", "2024-01")


def test_a_generated_client_parses_a_403_and_a_404_as_documented(generated, live_server, organization, member_of):
    """An executive may not create a milestone (403), and an organization the caller is not in does not exist
    for them (404): both answers parse into the documented error models, with the reason in `detail`."""
    # given
    client = signed_in(generated, live_server, member_of(Role.EXECUTIVE))
    create = operation(generated, "orgs_roadmap_milestones_create")
    body = model(generated, "MilestoneInputRequest")(competency=1, title="Not mine to add")

    # when
    forbidden = create.sync_detailed(organization.slug, client=client, body=body)
    missing = operation(generated, "orgs_roadmap_milestones_list").sync_detailed("no-such-organization", client=client)

    # then
    assert forbidden.status_code == HTTPStatus.FORBIDDEN
    assert isinstance(forbidden.parsed, model(generated, "OrgsRoadmapMilestonesCreateResponse403"))
    assert forbidden.parsed.detail
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert isinstance(missing.parsed, model(generated, "OrgsRoadmapMilestonesListResponse404"))
    assert missing.parsed.detail
