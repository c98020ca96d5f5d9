"""Geometry checks on the server: GeoJSON in WGS84, validated with shapely.

The browser only helps to draw; whatever it sends is checked here.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely import geometry as shapes
from shapely.errors import ShapelyError
from shapely.validation import explain_validity

MAX_AREA_VERTICES = 5000


class GeometryError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _as_shape(geojson: Any):
    if not isinstance(geojson, dict) or "type" not in geojson:
        raise GeometryError(_("The area is not a GeoJSON geometry."))
    try:
        return shapes.shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ShapelyError) as exc:
        raise GeometryError(_("The area cannot be read: %(reason)s") % {"reason": exc}) from exc


def clean_area(geojson: Any) -> dict:
    """Return the area as a valid GeoJSON (Multi)Polygon in WGS84, or raise."""
    area = _as_shape(geojson)
    if area.geom_type not in {"Polygon", "MultiPolygon"}:
        raise GeometryError(_("The area must be a polygon."))
    if area.is_empty:
        raise GeometryError(_("The area is empty."))
    # shapely closes open rings silently; GeoJSON requires them closed, so refuse what is not.
    if not all(list(ring[0]) == list(ring[-1]) for ring in _rings(geojson)):
        raise GeometryError(_("The area's outline is not closed: its last point must repeat its first."))
    if shapely.get_num_coordinates(area) > MAX_AREA_VERTICES:
        raise GeometryError(_("The area has too many points (at most %(max)d).") % {"max": MAX_AREA_VERTICES})
    min_lon, min_lat, max_lon, max_lat = area.bounds
    if not all(map(math.isfinite, area.bounds)) or min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise GeometryError(_("The area lies outside longitude/latitude bounds: is it in WGS84?"))
    if not area.is_valid:
        raise GeometryError(_("The area is not a valid polygon: %(reason)s") % {"reason": explain_validity(area)})
    return _to_geojson(area)


def _rings(geojson: dict) -> list:
    """The rings of a GeoJSON Polygon or MultiPolygon that shapely has read."""
    polygons = [geojson["coordinates"]] if _area_type(geojson) == "polygon" else geojson["coordinates"]
    return [ring for rings in polygons for ring in rings]


def _area_type(geojson: dict) -> str:
    return str(geojson["type"]).lower()


def _to_geojson(area) -> dict:
    mapped = shapes.mapping(area)
    return {"type": mapped["type"], "coordinates": _lists(mapped["coordinates"])}


def _lists(value):
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
        return [float(v) for v in value]
    return [_lists(v) for v in value]


def bbox(geojson: dict) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a GeoJSON geometry."""
    return tuple(_as_shape(geojson).bounds)


def contains_point(area: dict, *, latitude: float, longitude: float) -> bool:
    """True if the point lies inside the area or on its border."""
    return _as_shape(area).covers(shapes.Point(longitude, latitude))


def centroid(area: dict) -> tuple[float, float]:
    """(latitude, longitude) of an area's centroid."""
    point = _as_shape(area).centroid
    return point.y, point.x
