"""GeoJSON: points, lines and polygons with properties (RFC 7946, and the older ``crs`` member).

A feature's twin id is its ``id`` or, failing that, an id-like property
(Bavarian basemap data carries official ids in ``properties.id``); with
neither, a hash of its geometry, so that re-importing an unchanged file
still finds the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import shape as make_shape
from shapely.geometry.base import BaseGeometry

from participation.models import TwinKind
from participation.twin.readers import address, common
from participation.twin.records import Skipped, TwinImportError, TwinRecord

DEFAULT_CRS = "OGC:CRS84"
ID_PROPERTIES = ("id", "gml_id", "gmlid", "objectid", "OBJECTID", "fid")
NAME_PROPERTIES = ("name", "Name", "NAME", "title", "bezeichnung")
FUNCTION_PROPERTIES = ("function", "funktion_name", "funktion", "klasse")
# Without an explicit "kind" property, the geometry says what a feature most likely is.
KIND_BY_GEOMETRY = {"LineString": TwinKind.STREET, "MultiLineString": TwinKind.STREET}


def read(path: Path) -> Iterator[TwinRecord | Skipped]:
    data = common.load_json(path)
    if not isinstance(data, dict) or "type" not in data:
        raise TwinImportError(_("The file is not GeoJSON (no “type” member)."))
    crs = _crs(data)
    for number, feature in enumerate(_features(data), start=1):
        yield _record(feature, number=number, crs=crs)


def _crs(data: dict[str, Any]) -> str:
    """The CRS the file names in its (pre-RFC 7946) ``crs`` member, or CRS84; a plain string is read as a name."""
    member = data.get("crs") or {}
    name = member if isinstance(member, str) else None
    if isinstance(member, dict):
        properties = member.get("properties") or {}
        name = properties.get("name") if isinstance(properties, dict) else properties
    if name is None or name == "":
        return DEFAULT_CRS
    if not isinstance(name, str):
        raise TwinImportError(
            _("The “crs” member of the file does not name a coordinate reference system (e.g. “EPSG:25832”).")
        )
    return name


def _features(data: dict[str, Any]) -> list[dict[str, Any]]:
    if data["type"] == "FeatureCollection":
        return [f for f in data.get("features") or [] if isinstance(f, dict)]
    if data["type"] == "Feature":
        return [data]
    return [{"type": "Feature", "geometry": data, "properties": {}}]


def _record(feature: dict[str, Any], *, number: int, crs: str) -> TwinRecord | Skipped:
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise TwinImportError(_("Feature %(number)d: its “properties” are not an object.") % {"number": number})
    geometry = feature.get("geometry")
    twin_id = _twin_id(feature, properties, geometry)
    if not isinstance(geometry, dict) or not (geometry.get("coordinates") or geometry.get("geometries")):
        return Skipped(twin_id or f"#{number}", "", common.no_geometry("Feature"))
    shape = _shape(geometry, object_id=twin_id)
    addresses = _addresses(properties)
    attributes = dict(properties)
    attributes["_twin"] = common.derived(type=geometry["type"], addresses=addresses)
    return TwinRecord(
        twin_id=twin_id,
        kind=_kind(properties, shape),
        geometry=shape,
        crs=crs,
        name=common.text(_first(properties, NAME_PROPERTIES)),
        address="; ".join(address.one_line(item) for item in addresses),
        function=common.function(properties, FUNCTION_PROPERTIES),
        roof_type=common.text(properties.get("roofType") or properties.get("roof:shape")),
        height=_height(properties),
        storeys=common.storeys(_first(properties, ("storeys", "storeysAboveGround", "building:levels"))),
        attributes=attributes,
    )


def _twin_id(feature: dict[str, Any], properties: dict[str, Any], geometry: Any) -> str:
    value = feature.get("id")
    if value in (None, ""):
        value = _first(properties, ID_PROPERTIES)
    if value in (None, ""):
        text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
        value = "geometry-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]
    return str(value)


def _first(properties: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((properties[key] for key in keys if properties.get(key) not in (None, "")), None)


def _shape(geometry: dict[str, Any], *, object_id: str) -> BaseGeometry:
    _check_rings(geometry, object_id=object_id)
    try:
        return make_shape(geometry)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise TwinImportError(
            _("Object “%(id)s”: the geometry cannot be read: %(reason)s") % {"id": object_id, "reason": exc}
        ) from exc


def _check_rings(geometry: dict[str, Any], *, object_id: str) -> None:
    """shapely closes open rings silently; GeoJSON requires them closed, so refuse what is not."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    for member in geometry.get("geometries") or []:
        if isinstance(member, dict):
            _check_rings(member, object_id=object_id)
    for rings in polygons:
        for ring in rings or []:
            if not isinstance(ring, list) or len(ring) < 4:
                raise TwinImportError(_("Object “%(id)s”: a ring has fewer than four positions.") % {"id": object_id})
            if ring[0] != ring[-1]:
                raise TwinImportError(
                    _("Object “%(id)s”: a ring does not close (its last point must repeat its first).")
                    % {"id": object_id}
                )


def _kind(properties: dict[str, Any], shape: BaseGeometry) -> str:
    kind = properties.get("kind")
    if kind in TwinKind.values:
        return kind
    return KIND_BY_GEOMETRY.get(shape.geom_type, TwinKind.OTHER)


def _height(properties: dict[str, Any]) -> float | None:
    value = common.number(_first(properties, ("height", "measuredHeight")))
    return value if value is not None and 0 <= value < 10_000 else None


def _addresses(properties: dict[str, Any]) -> list[dict[str, str]]:
    """OpenStreetMap-style addr:* properties, the common way GeoJSON carries addresses."""
    found = address.structured(
        street=common.text(properties.get("addr:street")),
        number=common.text(properties.get("addr:housenumber")),
        postal_code=common.text(properties.get("addr:postcode")),
        city=common.text(properties.get("addr:city")),
    )
    return [found] if found else []
