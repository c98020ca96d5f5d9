"""The database unreachable (PostgreSQL restarting, a pool with no connection to give): a 503 with Retry-After
and a message in the user's language, never a 500.

Such a request's transaction was rolled back (or never began), so the answer says that nothing was saved and to
send again; a vote sent again is the same vote (one per participant and proposal). JSON under /api/ and for
scripts that ask for JSON (fetch() with ``Accept: application/json``), else a plain page that needs no database.
The view's exception is answered here (``DatabaseUnavailable``); one raised before the view (a middleware reading
the session or the page cache's revision) reaches ``handler500``, which answers it alike (``server_error``).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from participation.ogc.params import OGCError
from participation.ogc.responses import exception_response

logger = logging.getLogger(__name__)

# Seconds a client waits before sending again: a restart of PostgreSQL takes about one.
RETRY_AFTER = 5
UNREACHABLE = (OperationalError, InterfaceError)


def is_unreachable(error: BaseException | None) -> bool:
    return isinstance(error, UNREACHABLE)


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or (
        not request.accepts("text/html") and request.accepts("application/json")
    )


def unavailable_response(request, error: BaseException) -> HttpResponse:
    logger.warning("database unreachable, answered 503: %s %s: %r", request.method, request.path, error)
    message = _("The database cannot be reached just now, so nothing was saved. Please try again in a moment.")
    if request.path.startswith("/api/ogc/"):
        response = exception_response(OGCError(503, "ServiceUnavailable", message))
    elif wants_json(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseUnavailable:
    """Middleware: a view that found the database unreachable is answered 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable_response(request, exception) if is_unreachable(exception) else None
