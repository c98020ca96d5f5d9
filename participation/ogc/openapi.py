"""The API definition (OpenAPI 3.0) of the OGC API, built by hand: /api/ogc/api."""

from __future__ import annotations

from django.utils.translation import gettext as _

from participation.ogc.links import GEOJSON, JSON
from participation.ogc.params import DEFAULT_LIMIT, MAX_LIMIT

EXCEPTION = {"$ref": "#/components/responses/Exception"}


def _ok(description: str, media_type: str, schema: dict) -> dict:
    return {"description": description, "content": {media_type: {"schema": schema}}}


def _get(operation_id: str, summary: str, responses: dict, parameters: list | None = None) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["Capabilities" if "Feature" not in operation_id else "Data"],
            "parameters": [*(parameters or []), {"$ref": "#/components/parameters/f"}],
            "responses": {**responses, "400": EXCEPTION, "406": EXCEPTION, "500": EXCEPTION},
        }
    }


def definition(server_url: str, collection_ids: list[str], site_name: str) -> dict:
    """The OpenAPI 3.0 document of this API, served from ``server_url`` (the landing page's URL)."""
    link = {"$ref": "#/components/schemas/link"}
    links = {"type": "array", "items": link}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("%(site)s: OGC API - Features") % {"site": site_name},
            "version": "1.0.0",
            "description": _(
                "What citizens said, for the city's digital twin: the twin's objects with the contributions and "
                "votes that concern them, and published contributions with a place. GeoJSON in WGS 84 (CRS84). "
                "Read-only, public, without personal data."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "tags": [{"name": "Capabilities"}, {"name": "Data"}],
        "paths": {
            "/": _get("getLandingPage", _("Landing page"), {"200": _ok(_("Links to the API"), JSON, link_doc(links))}),
            "/conformance": _get(
                "getConformanceDeclaration",
                _("The conformance classes this API implements"),
                {"200": _ok(_("Conformance classes"), JSON, {"$ref": "#/components/schemas/confClasses"})},
            ),
            "/api": _get(
                "getAPIDefinition",
                _("This API definition"),
                {"200": _ok(_("OpenAPI 3.0"), "application/vnd.oai.openapi+json;version=3.0", {"type": "object"})},
            ),
            "/collections": _get(
                "getCollections",
                _("The feature collections"),
                {"200": _ok(_("Collections"), JSON, {"$ref": "#/components/schemas/collections"})},
            ),
            "/collections/{collectionId}": _get(
                "describeCollection",
                _("One feature collection"),
                {
                    "200": _ok(_("Collection"), JSON, {"$ref": "#/components/schemas/collection"}),
                    "404": EXCEPTION,
                },
                [{"$ref": "#/components/parameters/collectionId"}],
            ),
            "/collections/{collectionId}/items": _get(
                "getFeatures",
                _("Features of a collection, a page at a time, ordered by id"),
                {
                    "200": _ok(_("A page of features"), GEOJSON, {"$ref": "#/components/schemas/featureCollection"}),
                    "404": EXCEPTION,
                },
                [
                    {"$ref": "#/components/parameters/collectionId"},
                    {"$ref": "#/components/parameters/limit"},
                    {"$ref": "#/components/parameters/offset"},
                    {"$ref": "#/components/parameters/bbox"},
                    {"$ref": "#/components/parameters/datetime"},
                ],
            ),
            "/collections/{collectionId}/items/{featureId}": _get(
                "getFeature",
                _("One feature"),
                {"200": _ok(_("A feature"), GEOJSON, {"$ref": "#/components/schemas/feature"}), "404": EXCEPTION},
                [{"$ref": "#/components/parameters/collectionId"}, {"$ref": "#/components/parameters/featureId"}],
            ),
        },
        "components": {
            "parameters": _parameters(collection_ids),
            "schemas": _schemas(links),
            "responses": {
                "Exception": _ok(
                    _("An error: its code and a description"), JSON, {"$ref": "#/components/schemas/exception"}
                )
            },
        },
    }


def link_doc(links: dict) -> dict:
    return {
        "type": "object",
        "required": ["links"],
        "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": links},
    }


def _parameters(collection_ids: list[str]) -> dict:
    return {
        "f": {
            "name": "f",
            "in": "query",
            "required": False,
            "description": _("The format of the answer; the Accept header works as well."),
            "schema": {"type": "string", "enum": ["json"]},
            "style": "form",
            "explode": False,
        },
        "collectionId": {
            "name": "collectionId",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": collection_ids},
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": _("The id of the feature (the id member of its GeoJSON)."),
            "schema": {"type": "integer", "minimum": 1},
        },
        "limit": {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": _("How many features a page holds at most; more than the maximum gives the maximum."),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "style": "form",
            "explode": False,
        },
        "offset": {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": _("How many features to skip: the next and prev links set it."),
            "schema": {"type": "integer", "minimum": 0, "default": 0},
            "style": "form",
            "explode": False,
        },
        "bbox": {
            "name": "bbox",
            "in": "query",
            "required": False,
            "description": _(
                "Only features in this box: west,south,east,north in longitude/latitude (CRS84); six numbers "
                "with heights are accepted, the heights ignored. A twin object is in the box if its bounding box "
                "overlaps it; a contribution if its point (for lines and areas: their representative point, for "
                "contributions tied to a twin object without a point of their own: the object's centre) lies in it."
            ),
            "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            "style": "form",
            "explode": False,
        },
        "datetime": {
            "name": "datetime",
            "in": "query",
            "required": False,
            "description": _(
                "Only contributions made at this instant or in this interval (RFC 3339, e.g. "
                "2025-05-01/2025-05-31 or 2025-05-01T00:00:00Z/..). Twin objects have no time: all stay in."
            ),
            "schema": {"type": "string"},
            "style": "form",
            "explode": False,
        },
    }


def _schemas(links: dict) -> dict:
    integer = {"type": "integer", "minimum": 0}
    totals = {
        "type": "object",
        "properties": {"support": integer, "oppose": integer, "abstain": integer},
    }
    return {
        "link": {
            "type": "object",
            "required": ["href"],
            "properties": {
                "href": {"type": "string"},
                "rel": {"type": "string"},
                "type": {"type": "string"},
                "title": {"type": "string"},
            },
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "exception": {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
        },
        "extent": {
            "type": "object",
            "properties": {
                "spatial": {
                    "type": "object",
                    "properties": {
                        "bbox": {
                            "type": "array",
                            "items": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                        },
                        "crs": {"type": "string"},
                    },
                },
                "temporal": {
                    "type": "object",
                    "properties": {
                        "interval": {
                            "type": "array",
                            "items": {
                                "type": "array",
                                "minItems": 2,
                                "maxItems": 2,
                                "items": {"type": "string", "format": "date-time", "nullable": True},
                            },
                        },
                        "trs": {"type": "string"},
                    },
                },
            },
        },
        "collection": {
            "type": "object",
            "required": ["id", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
                "extent": {"$ref": "#/components/schemas/extent"},
                "itemType": {"type": "string"},
                "crs": {"type": "array", "items": {"type": "string"}},
            },
        },
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {"type": "array", "items": {"$ref": "#/components/schemas/collection"}},
            },
        },
        "geometry": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string"}, "coordinates": {"type": "array", "items": {}}},
        },
        "feature": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": {"allOf": [{"$ref": "#/components/schemas/geometry"}], "nullable": True},
                "properties": {
                    "type": "object",
                    "description": _(
                        "twin-features: twin_id, source, kind, name, address, height, storeys, contributions, "
                        "votes. contributions: text, channel, created_at, consultation, consultation_title, "
                        "proposal, proposal_title, votes, twin_id, twin_source."
                    ),
                    "properties": {"votes": {"allOf": [totals], "nullable": True}},
                },
                "links": links,
            },
        },
        "featureCollection": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/feature"}},
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": integer,
                "numberReturned": integer,
            },
        },
    }
