"""How the OpenAPI schema is made: its operations grouped by the part of the portal they belong to, and
the answers every operation can give besides its own. It is served by cco_portal/api_views.py.

DRF loads this module while drf_spectacular.views is being imported (the schema class is a setting), so it
must not import views."""

from drf_spectacular.openapi import AutoSchema

# The parts of the portal, in the order the documentation shows them, keyed by the app that holds
# each part's API. Every operation is tagged with its part, so the documentation and a generated client
# group them the same way.
PARTS = {
    "accounts": (
        "authentication",
        "Sign in for a token; list and revoke your own tokens and your members'; reset a member's second factor.",
    ),
    "organizations": ("organizations", "The organizations you belong to, their members and invitations."),
    "sso": ("single sign-on", "The organization's OpenID Connect provider, for its admins."),
    "assessments": ("assessments", "Readiness rounds and CEO commitment reviews: questionnaires, answers, results."),
    "roadmap": ("roadmap", "The competencies, their maturity, operational areas and milestones."),
    "metrics": (
        "metrics",
        "Customer-data imports and sources, the customer-asset movements, the activity window and the charter.",
    ),
    "reports": ("reports", "The monthly reports, their schedule and the customer-room actions."),
    "meetings": ("meetings", "The customer-room meetings: the monthly series, each meeting and its invitation."),
    "audit": ("audit", "The organization's audit log, for its admins."),
}

# Apps whose few operations belong to another app's part: the second factor is part of signing in.
PART_OF_APP = {"second_factor": "accounts"}


class PortalAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        # The app of the view, not the path: every resource sits under /orgs/, so the path alone would put
        # all of them under one tag. An app missing from PARTS fails the schema's generation, not silently.
        app = type(self.view).__module__.split(".api.")[0].rsplit(".", 1)[-1]
        return [PARTS[PART_OF_APP.get(app, app)][0]]


# The answers every operation can give besides its own, so that a client (and schemathesis's status-code
# check) knows them: refused input, no or wrong credentials, a role that may not, an organization or object
# that does not exist for the caller, a body in another content type, too many sign-in failures.

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors: {"field": ["message", ...]} or {"non_field_errors": [...]} or {"detail": ...}.
VALIDATION = {"type": "object", "additionalProperties": True}

COMMON = {
    "400": ("The input (body or query) was refused; the body names each field and problem.", None),
    "401": ("No credentials, or credentials that are not valid.", DETAIL),
    "403": ("Signed in, but the role held in this organization may not do this.", DETAIL),
    "404": ("No such organization for the caller, or no such object in it.", DETAIL),
}


def add_common_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: declare the common error answers of every operation, unless
    the operation declares its own."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            extra = {status: (description, schema or VALIDATION) for status, (description, schema) in COMMON.items()}
            if path.endswith("/auth/token/"):
                extra = {"400": extra["400"], "429": ("Too many failed sign-ins: try again later.", DETAIL)}
            if "requestBody" in operation:
                extra["415"] = ("The body is not in the content type this operation declares.", DETAIL)
            for status, (description, schema) in extra.items():
                response = responses.setdefault(status, {"description": description})
                # An operation that declares only its own description of an answer still answers with this
                # body; without it, a generated client would not parse the body at all.
                response.setdefault("content", {"application/json": {"schema": schema}})
    return result


def describe_tags(result, generator, request, public):
    """drf-spectacular postprocessing hook: the parts' descriptions, in the order of PARTS."""
    result["tags"] = [{"name": name, "description": description} for name, description in PARTS.values()]
    return result
