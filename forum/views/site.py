"""Views of the site as a whole: health check, rate-limit and error pages, the icon at /favicon.ico.

Errors under /api/ are answered as the API there answers: JSON with a message (``{"detail": ...}`` under
/api/v1/, an OGC exception under /api/ogc/), never an HTML page."""

import asyncio
import sys

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from forum.celery import app as celery_app
from forum.database_errors import is_unreachable, unavailable_response
from forum.submissions import RETRY_AFTER
from participation.api.exceptions import error_response
from participation.ogc.params import OGCError
from participation.ogc.responses import exception_response


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_channel_layer() -> str:
    layer = get_channel_layer()

    async def roundtrip():
        if isinstance(layer, InMemoryChannelLayer):
            channel = await layer.new_channel()
            await layer.send(channel, {"type": "healthz"})
            await layer.receive(channel)  # an emptied channel is dropped: nothing stays behind
        else:
            # Redis pub/sub: a publish over the layer's own connection, which Redis answers or not. Never a
            # channel of its own: a subscription per call stayed behind (one more each time), and a publish
            # could overtake its subscribe under load (a false 503).
            await layer.send(f"{settings.CHANNEL_LAYER_PREFIX}.healthz", {"type": "healthz"})

    async_to_sync(asyncio.wait_for)(roundtrip(), timeout=2)
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
def healthz(request):
    checks = {"database": _check_database, "channel_layer": _check_channel_layer, "broker": _check_broker}
    report = {}
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health check reports every failure, whatever it is
            report[name] = f"error: {type(exc).__name__}"
    healthy = all(not value.startswith("error") for value in report.values())
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)


def rate_limited(request, exception):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


OGC_CODES = {
    400: "InvalidParameterValue",
    403: "Forbidden",
    404: "NotFound",
    413: "PayloadTooLarge",
    500: "ServerError",
}


def _api_error(request, status: int, message: str) -> HttpResponse | None:
    """The error as the API under the request's path answers it; None outside /api/."""
    if request.path.startswith("/api/ogc/"):
        return exception_response(OGCError(status, OGC_CODES[status], message))
    if request.path.startswith("/api/"):
        return error_response(status, message)
    return None


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        message = _("The request body is too large: at most %(kb)d kB.") % {
            "kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        }
        return _api_error(request, 413, message) or defaults.bad_request(request, exception)
    return _api_error(request, 400, _("This request cannot be read.")) or defaults.bad_request(request, exception)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a write without a valid CSRF token (e.g. a POST to a path that names nothing)."""
    message = _("This request lacks a valid CSRF token: please reload the page and try again.")
    return _api_error(request, 403, message) or csrf.csrf_failure(request, reason)


def page_not_found(request, exception):
    found = _api_error(request, 404, _("There is nothing at this address."))
    return found or defaults.page_not_found(request, exception)


def server_error(request):
    # handler500 runs while the exception is handled: one a middleware raised when the database was unreachable
    # (a view's is answered by forum.database_errors.DatabaseUnavailable) is a 503 too.
    error = sys.exc_info()[1]
    if is_unreachable(error):
        return unavailable_response(request, error)
    message = _("Something went wrong on our side. Please try again later.")
    return _api_error(request, 500, message) or defaults.server_error(request)


@require_safe
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """static/favicon.ico at the address browsers and feed readers ask without a <link> (pages link the SVG
    and PNG under /static/): answered here, without a query, instead of a 404 from Wagtail's page tree."""
    return FileResponse(open(finders.find("favicon.ico"), "rb"), content_type="image/x-icon")
