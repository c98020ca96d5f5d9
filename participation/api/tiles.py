"""The twin base map's tiles: gzipped JSON, cached per twin revision by the server and by browsers."""

from __future__ import annotations

import gzip

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer

from participation import selectors
from participation.twin_tiles import MAX_ZOOM, MIN_ZOOM, tile_range

IMMUTABLE = "public, max-age=31536000, immutable"  # the address names the twin's revision
REVALIDATE = "public, max-age=60"  # an address without it (or an old one) is checked again soon


@extend_schema(
    summary="A tile of the twin base map",
    description=(
        "The city model's objects meeting one Web-Mercator tile (the XYZ scheme), projected, simplified for the "
        f"zoom and clipped: `features` with `id`, class `c`, type `t` (1 points, 2 lines, 3 polygons, to be "
        "filled even-odd) and parts `g` as flat integer lists in `extent` units across the tile (a line's or "
        "ring's first point, then the difference of each next point to the one before), optional name "
        f"`n` with its label anchor `a` [x, y, angle]. Zoom {MIN_ZOOM} to {MAX_ZOOM}; `v` (the twin's revision, "
        "from the map's configuration) makes the answer cacheable for good."
    ),
    parameters=[OpenApiParameter("v", OpenApiTypes.STR, description="The twin's revision")],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@renderer_classes([JSONRenderer])
def twin_tile(request, zoom: int, x: int, y: int):
    if not (MIN_ZOOM <= zoom <= MAX_ZOOM and x < tile_range(zoom) and y < tile_range(zoom)):
        message = _("The base map has no such tile: zoom %(min)s to %(max)s.")
        raise NotFound(message % {"min": MIN_ZOOM, "max": MAX_ZOOM})
    seen = request.query_params.get("v")
    revision = selectors.twin_revision(seen=seen)
    site = selectors.site_scope_for_request(request)
    # Sites showing different datasets draw different tiles at the same address (on their own host).
    etag = f'"{revision}{selectors.sources_tag(site)}"'
    cache_control = IMMUTABLE if seen == revision else REVALIDATE
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        body = selectors.twin_tile(zoom=zoom, x=x, y=y, revision=revision, site=site)
        response = HttpResponse(content_type="application/json")
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response.content, response["Content-Encoding"] = body, "gzip"
        else:
            response.content = gzip.decompress(body)
    response["ETag"], response["Cache-Control"], response["Vary"] = etag, cache_control, "Accept-Encoding"
    return response
