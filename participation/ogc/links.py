"""URLs and link objects of the OGC API: absolute, as the standard's clients follow them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def url(request, name: str, **kwargs) -> str:
    """The absolute URL of the OGC API's route ``name`` (scheme and host as the client reached us)."""
    return request.build_absolute_uri(reverse(f"ogc:{name}", kwargs=kwargs or None))


def with_query(address: str, params: dict) -> str:
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    return f"{address}?{query}" if query else address


def link(href: str, rel: str, media_type: str, title: str = "") -> dict:
    data = {"href": href, "rel": rel, "type": media_type}
    if title:
        data["title"] = str(title)
    return data


def page_links(*, address: str, params: dict, offset: int, limit: int, returned: int, matched: int) -> list:
    """self, and next/prev where there is such a page: the same query with another offset."""

    def page(at: int) -> str:
        return with_query(address, {**params, "limit": limit, "offset": at or None})

    links = [link(page(offset), "self", GEOJSON)]
    if offset + returned < matched:
        links.append(link(page(offset + returned), "next", GEOJSON))
    if offset > 0:
        links.append(link(page(max(0, min(offset, matched) - limit)), "prev", GEOJSON))
    return links
