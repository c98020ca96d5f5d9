"""What the OpenAPI schema documents: the public API, not the admin's internal endpoints; and the schema
itself, generated once per language for the API's index and documentation page (participation.api.docs)."""

from __future__ import annotations

import functools

from django.utils.translation import get_language

PUBLIC_PREFIX = "/api/v1/"


def public_endpoints_only(endpoints):
    """drf-spectacular preprocessing hook: keep the endpoints under /api/v1/.

    Wagtail's admin has DRF endpoints of its own; they are no part of our
    contract and cannot even be inspected without an admin request.
    """
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]


ERROR = "Error"
ERROR_COMPONENT = {
    "type": "object",
    "description": "An error: ``detail`` says what went wrong, in the language asked for (Accept-Language). "
    "A refused input (400) names the fields instead, each with its messages.",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for people."}},
    "additionalProperties": True,
}
ERRORS = {
    400: "The request cannot be read or a value makes no sense; the answer says which and why.",
    401: "Log in first (session cookie).",
    403: "Not allowed for this account, or the CSRF token is missing.",
    404: "There is no such object (or it is not published).",
    413: "The request body is too large.",
    415: "The request body is in a media type not offered (send JSON).",
    429: "Too many requests in a short time: wait the seconds in Retry-After.",
}
# Query parameters that name something that may not be there: an object, or a format (DRF's ``format``).
NAMING = {"consultation", "format"}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before sending again."}}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: the errors each operation can answer, as ``Error`` objects.

    400 where there are parameters or a body; 404 where a path, a body or a parameter (NAMING) names something;
    401, 403, 413 and 429 on writes; 415 where there is a body. What a view documents itself (the room's
    errors) is kept.
    """
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = ERROR_COMPONENT
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Errors come in the media types of the answers (a GeoJSON endpoint's as application/geo+json).
            media_types = {"application/json"} | {
                media_type
                for code, response in operation["responses"].items()
                if code.startswith("2")
                for media_type in response.get("content", {})
            }
            reference = {
                media_type: {"schema": {"$ref": f"#/components/schemas/{ERROR}"}} for media_type in sorted(media_types)
            }
            parameters = operation.get("parameters", [])
            writes = method in ("post", "put", "patch", "delete")
            codes = set()
            if parameters or "requestBody" in operation:
                codes.add(400)
            if "{" in path or writes or any(parameter["name"] in NAMING for parameter in parameters):
                codes.add(404)
            if writes:
                codes |= {401, 403, 413, 429}
            if "requestBody" in operation:
                codes.add(415)
            for code in sorted(codes):
                response = operation["responses"].setdefault(str(code), {"description": ERRORS[code]})
                response.setdefault("content", reference)
                if code == 429:
                    response.setdefault("headers", RETRY_AFTER)
    return result


def public_schema() -> dict:
    """The OpenAPI schema as /api/v1/schema/ serves it (read-only: shared by every request of the process)."""
    return _schema(get_language())


@functools.cache
def _schema(language: str) -> dict:
    # The schema follows from the code alone (and the language of lazily translated help texts). Imported
    # here: drf-spectacular loads this module (its hook above) while its own modules load.
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)
