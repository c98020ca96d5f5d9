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


def public_schema() -> dict:
    """The OpenAPI schema as /api/v1/schema/ serves it (read-only: shared by every request of the process)."""
    return _schema(get_language())


@functools.cache
def _schema(language: str) -> dict:
    # The schema follows from the code alone (and the language of lazily translated help texts). Imported
    # here: drf-spectacular loads this module (its hook above) while its own modules load.
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)
