"""The OpenAPI schema as its readers get it: grouped by part, with bodies a generated client can send, served as
JSON or YAML, and open to anyone, like the documentation page that shows it."""

import json

import pytest
import yaml
from django.test import Client

PARTS = [
    "authentication",
    "organizations",
    "single sign-on",
    "assessments",
    "roadmap",
    "metrics",
    "reports",
    "meetings",
    "audit",
]
# Where each part's operations live, by a piece of their path.
PART_OF_PATH = {
    "/auth/": "authentication",
    "/api-tokens/": "authentication",
    "/second-factor/": "authentication",
    "/sign-on/": "single sign-on",
    "/assessments/": "assessments",
    "/roadmap/": "roadmap",
    "/imports/": "metrics",
    "/movements/": "metrics",
    "/metrics-settings/": "metrics",
    "/data-sources/": "metrics",
    "/column-mapping/": "metrics",
    "/charter/": "metrics",
    "/reasons/": "metrics",
    "/figure-owners/": "metrics",
    # Before /reports/: the first piece a path holds names its part.
    "/reports/meetings/": "meetings",
    "/reports/": "reports",
    "/audit-events/": "audit",
    "/memberships/": "organizations",
    "/invitations/": "organizations",
}
METHODS = {"get", "post", "put", "patch", "delete"}
IMPORTS = "/api/v1/orgs/{org_slug}/imports/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(scope="module")
def schema():
    return Client().get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_is_grouped_under_its_part(schema):
    """Each operation carries one tag, the part of the portal it belongs to, and the schema lists the parts with
    their descriptions in the documentation's order."""
    # when
    tags = {(method, path): operation["tags"] for path, method, operation in operations(schema)}

    # then
    assert [tag["name"] for tag in schema["tags"]] == PARTS
    assert all(tag["description"] for tag in schema["tags"])
    expected = {
        key: [next((part for piece, part in PART_OF_PATH.items() if piece in key[1]), "organizations")] for key in tags
    }
    assert tags == expected
    assert {tag for (tag,) in tags.values()} == set(PARTS)


def test_the_token_operation_is_described_for_an_api_user(schema):
    """Signing in asks for the email and password (and the second factor's code, for those who have one),
    answers the token and its expiry, needs no credentials,
    and its description tells how to use the token and what a lockout answers, not how the view is built."""
    # when
    operation = schema["paths"][TOKEN]["post"]
    components = schema["components"]["schemas"]
    request = components[operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/")[-1]]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    answer = components[response["$ref"].rsplit("/")[-1]]

    # then
    assert (set(request["properties"]), set(request["required"])) == (
        {"username", "password", "otp"},
        {"username", "password"},
    )
    assert "second factor" in operation["description"]
    assert set(answer["properties"]) == set(answer["required"]) == {"token", "expiry"}
    assert "Authorization: Token <token>" in operation["description"]
    assert "Retry-After" in operation["description"]
    assert "axes" not in operation["description"]
    assert operation.get("security", [{}]) == [{}]  # no credentials needed


def test_bodies_are_json_and_only_the_upload_is_multipart(schema):
    """Every operation that takes a body declares one content type: JSON, except the import upload, whose file
    goes as multipart/form-data and is declared as binary."""
    # when
    bodies = {
        (method, path): list(operation["requestBody"]["content"])
        for path, method, operation in operations(schema)
        if "requestBody" in operation
    }
    upload = schema["paths"][IMPORTS]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    upload_fields = schema["components"]["schemas"][upload["$ref"].rsplit("/")[-1]]["properties"]

    # then
    assert len(bodies) >= 20
    assert bodies == {
        key: ["multipart/form-data"] if key == ("post", IMPORTS) else ["application/json"] for key in bodies
    }
    assert upload_fields["file"] == {**upload_fields["file"], "type": "string", "format": "binary"}


def test_every_partial_update_declares_the_body_it_takes(schema):
    """A PATCH declares a body: a customer-room action's changes are its input fields, not the read-only
    answer's."""
    # when
    without_body = [
        path for path, method, operation in operations(schema) if method == "patch" and "requestBody" not in operation
    ]
    action_patch = schema["paths"]["/api/v1/orgs/{org_slug}/reports/actions/{action_id}/"]["patch"]

    # then
    assert without_body == []
    assert action_patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PatchedActionInputRequest"
    )


@pytest.mark.parametrize(
    ("format_", "content_type", "load"),
    [
        ("json", "application/json", json.loads),
        ("yaml", "application/vnd.oai.openapi", yaml.safe_load),
    ],
)
def test_the_schema_is_served_in_the_format_asked_for(format_, content_type, load):
    """`?format=json` answers JSON as application/json, which a browser shows; `?format=yaml` answers YAML."""
    # when
    response = Client().get("/api/schema/", {"format": format_}, headers={"Accept": "text/html,*/*;q=0.8"})

    # then
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert load(response.content)["info"]["title"] == "CCO Portal API"


def test_a_browser_opening_the_schema_is_sent_to_the_documentation():
    """A browser that asks for a page and names no format gets the schema's readable view, the documentation;
    a client that asks for no particular type still gets YAML."""
    # when
    browser = Client().get("/api/schema/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    tool = Client().get("/api/schema/")

    # then
    assert (browser.status_code, browser["Location"]) == (302, "/api/docs/")
    assert (tool.status_code, tool["Content-Type"].split(";")[0]) == (200, "application/vnd.oai.openapi")


def test_the_documentation_reads_the_schema_as_json():
    """The documentation page loads the JSON schema, so its link to the schema opens in the browser."""
    # when
    response = Client().get("/api/docs/")

    # then
    assert response.status_code == 200
    assert response.context["schema_url"] == "/api/schema/?format=json"


@pytest.mark.django_db
def test_the_schema_and_its_documentation_are_open_to_anyone_and_the_same_for_everyone(admin_user):
    """Nobody needs to sign in to read the schema or the documentation (README, API), and a signed-in admin
    reads the very same schema: it describes the API, never an organization's data."""
    # given
    signed_in = Client()
    signed_in.force_login(admin_user)

    # when
    anonymous_schema = Client().get("/api/schema/", {"format": "json"})
    admin_schema = signed_in.get("/api/schema/", {"format": "json"})
    anonymous_docs = Client().get("/api/docs/")

    # then
    assert (anonymous_schema.status_code, anonymous_docs.status_code) == (200, 200)
    assert anonymous_schema.content == admin_schema.content
