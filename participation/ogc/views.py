"""The OGC API's resources: thin views over ``collections`` (which read through the selectors)."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import geojson, selectors
from participation.ogc import links, openapi
from participation.ogc.collections import COLLECTIONS, Collection
from participation.ogc.features import rfc3339
from participation.ogc.links import GEOJSON, JSON, OPENAPI, link
from participation.ogc.params import COMMON_PARAMETERS, CRS84, ITEM_PARAMETERS, check_known, items_query
from participation.ogc.responses import endpoint, json_response, negotiate, not_found

CONFORMANCE_CLASSES = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


def _document(request, params=COMMON_PARAMETERS, offered=(JSON,)) -> str:
    check_known(request.GET, params)
    return negotiate(request, offered)


def _collection(collection_id: str) -> Collection:
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise not_found(_("There is no collection “%(id)s”.") % {"id": collection_id})
    return collection


@endpoint
def landing_page(request):
    media_type = _document(request)
    site = selectors.site_profile_for_request(request).full_name
    return json_response(
        {
            "title": _("%(site)s: OGC API - Features") % {"site": site},
            "description": _(
                "What citizens said, for the city's digital twin: its objects with the contributions and votes "
                "that concern them, and published contributions with a place."
            ),
            "links": [
                link(links.url(request, "landing"), "self", JSON, _("This document")),
                link(links.url(request, "api"), "service-desc", OPENAPI, _("The API definition (OpenAPI 3.0)")),
                link(links.url(request, "conformance"), "conformance", JSON, _("Conformance classes")),
                link(links.url(request, "collections"), "data", JSON, _("The feature collections")),
            ],
        },
        media_type,
    )


@endpoint
def conformance(request):
    return json_response({"conformsTo": CONFORMANCE_CLASSES}, _document(request))


@endpoint
def api_definition(request):
    media_type = _document(request, offered=(OPENAPI, JSON))
    site = selectors.site_profile_for_request(request).full_name
    return json_response(openapi.definition(links.url(request, "landing"), list(COLLECTIONS), site), media_type)


def _describe(request, collection: Collection) -> dict:
    data = {
        "id": collection.id,
        "title": str(collection.title),
        "description": str(collection.description),
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link(links.url(request, "collection", collection_id=collection.id), "self", JSON, collection.title),
            link(links.url(request, "items", collection_id=collection.id), "items", GEOJSON, _("Its features")),
        ],
    }
    if (found := collection.extent(site=selectors.site_scope_for_request(request))) is not None:
        data["extent"] = found
    return data


@endpoint
def collections(request):
    media_type = _document(request)
    return json_response(
        {
            "links": [link(links.url(request, "collections"), "self", JSON, _("The feature collections"))],
            "collections": [_describe(request, collection) for collection in COLLECTIONS.values()],
        },
        media_type,
    )


@endpoint
def collection(request, collection_id: str):
    found = _collection(collection_id)
    media_type = _document(request)
    return json_response(_describe(request, found), media_type)


@endpoint
def items(request, collection_id: str):
    found = _collection(collection_id)
    query = items_query(request.GET)
    media_type = negotiate(request, (GEOJSON, JSON))
    site = selectors.site_scope_for_request(request)
    rows = found.rows(query, site=site)
    matched = rows.count()
    page = list(rows[query.offset : query.offset + query.limit]) if query.offset < matched else []
    params = {"bbox": request.GET.get("bbox"), "datetime": query.raw_datetime, "f": request.GET.get("f")}
    address = links.url(request, "items", collection_id=found.id)
    collection = geojson.feature_collection(
        found.features(page, site=site),
        links=[
            *links.page_links(
                address=address,
                params=params,
                offset=query.offset,
                limit=query.limit,
                returned=len(page),
                matched=matched,
            ),
            link(links.url(request, "collection", collection_id=found.id), "collection", JSON, found.title),
        ],
        timeStamp=rfc3339(timezone.now()),
        numberMatched=matched,
        numberReturned=len(page),
    )
    return json_response(collection, media_type)


def _feature_pk(feature_id: str) -> int | None:
    """The database id a feature id names: digits only (ASCII), within a 64-bit integer."""
    return int(feature_id) if feature_id.isascii() and feature_id.isdigit() and len(feature_id) < 19 else None


@endpoint
def item(request, collection_id: str, feature_id: str):
    found = _collection(collection_id)
    check_known(request.GET, ITEM_PARAMETERS)
    media_type = negotiate(request, (GEOJSON, JSON))
    pk = _feature_pk(feature_id)
    site = selectors.site_scope_for_request(request)
    row = found.row(pk, site=site) if pk is not None else None
    if row is None:
        raise not_found(
            _("There is no feature “%(id)s” in “%(collection)s”.") % {"id": feature_id, "collection": found.id}
        )
    (feature,) = found.features([row], site=site)
    feature["links"] = [
        link(links.url(request, "item", collection_id=found.id, feature_id=row["id"]), "self", GEOJSON),
        link(links.url(request, "collection", collection_id=found.id), "collection", JSON, found.title),
    ]
    return json_response(feature, media_type)


@endpoint
def without_trailing_slash(request):
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(request.path[:-1] + (f"?{query}" if query else ""))
