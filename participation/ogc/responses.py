"""Responses of the OGC API: content negotiation (JSON only), exception bodies, and the headers
every answer carries. Public, read-only data without personal data: any origin may read it
(browser viewers such as Masterportal or Cesium run on the city's own hosts)."""

from __future__ import annotations

import functools
import json

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from participation.ogc.links import JSON
from participation.ogc.params import OGCError

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")


def negotiate(request, offered: tuple[str, ...]) -> str:
    """The media type to answer with: ``f=json`` or the Accept header; 400/406 when neither can be met."""
    requested = request.GET.get("f")
    if requested is not None:
        if requested != "json":
            raise OGCError(400, "InvalidParameterValue", _("f: only json is offered."))
        return offered[0]
    if not request.headers.get("Accept", "").strip():
        return offered[0]
    chosen = request.get_preferred_type(offered)
    if chosen is None:
        raise OGCError(406, "NotAcceptable", _("This API answers in %(types)s only.") % {"types": ", ".join(offered)})
    return chosen


def json_response(data: dict, media_type: str, *, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), content_type=media_type, status=status)


def exception_response(error: OGCError) -> HttpResponse:
    """The OGC exception body (``code``, ``description``), as JSON."""
    return json_response({"code": error.code, "description": str(error.description)}, JSON, status=error.status)


def not_found(description: str) -> OGCError:
    return OGCError(404, "NotFound", description)


def endpoint(view):
    """GET and HEAD (and OPTIONS for CORS pre-flights); OGC exceptions become their JSON bodies;
    CORS and Vary headers on every answer. Nothing is written, so no CSRF check: a POST gets a 405."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = exception_response(OGCError(405, "MethodNotAllowed", _("This API is read-only: use GET.")))
            response["Allow"] = ", ".join(ALLOWED_METHODS)
        else:
            try:
                response = view(request, *args, **kwargs)
            except OGCError as error:
                response = exception_response(error)
        response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ("Accept", "Accept-Language"))
        return response

    return wrapper
