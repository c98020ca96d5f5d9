"""What the OpenAPI schema documents: the public API, not the admin's internal endpoints."""

PUBLIC_PREFIX = "/api/v1/"


def public_endpoints_only(endpoints):
    """drf-spectacular preprocessing hook: keep the endpoints under /api/v1/.

    Wagtail's admin has DRF endpoints of its own; they are no part of our
    contract and cannot even be inspected without an admin request.
    """
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]
