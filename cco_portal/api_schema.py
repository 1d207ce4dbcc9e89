"""The answers every API operation can give besides its own, added to the OpenAPI schema so that a
client (and schemathesis's status-code check) knows them: refused input, no or wrong credentials, a
role that may not, an organization or object that does not exist for the caller, too many sign-in
failures."""

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
            for status, (description, schema) in extra.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": schema}}}
                )
    return result
