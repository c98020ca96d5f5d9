"""Geometry checks on the server: GeoJSON in WGS84, validated with shapely.

The browser only helps to draw; whatever it sends is checked here.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
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
        with np.errstate(invalid="ignore"):  # NaN coordinates are refused by the callers, with a message
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


# --- Where a contribution is: a point, a line or an area drawn by a citizen ---------------------

CONTRIBUTION_TYPES = {"Point", "LineString", "Polygon"}
MAX_CONTRIBUTION_VERTICES = 500
# A line or area may reach this far past the consultation's border: drawing by hand is imprecise.
BORDER_TOLERANCE_METRES = 2.0
# Size limits relative to the consultation's area: an area may cover at most this share of it,
# a line may be at most as long as this many times the area's perimeter.
MAX_AREA_SHARE = 0.5
MAX_LINE_PERIMETERS = 1.0
# ... and where a consultation has no area.
MAX_LINE_METRES = 20_000.0
MAX_AREA_SQUARE_METRES = 10_000_000.0
_METRES_PER_DEGREE = 111_320.0  # of latitude; east-west the tolerance is a little smaller
_GEOD = None


class Place(NamedTuple):
    """A checked contribution geometry and its representative point."""

    geometry: dict
    latitude: float
    longitude: float


def _geod():
    global _GEOD
    if _GEOD is None:
        from pyproj import Geod

        _GEOD = Geod(ellps="WGS84")
    return _GEOD


def metres_length(shape) -> float:
    return abs(_geod().geometry_length(shape))


def square_metres(shape) -> float:
    return abs(_geod().geometry_area_perimeter(shape)[0])


def _read_contribution_shape(geojson: Any):
    if not isinstance(geojson, dict) or geojson.get("type") not in CONTRIBUTION_TYPES:
        raise GeometryError(_("Only a point, a line or an area can be placed on the map."))
    try:
        with np.errstate(invalid="ignore"):  # NaN coordinates are refused below, with a message
            shape = shapes.shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ShapelyError):
        raise GeometryError(_("The drawing cannot be read. Please draw it again.")) from None
    if shape.is_empty:
        raise GeometryError(_("The drawing is empty. Please draw it again."))
    if shapely.get_num_coordinates(shape) > MAX_CONTRIBUTION_VERTICES:
        raise GeometryError(
            _("The drawing has too many points (at most %(max)d). Please draw it more simply.")
            % {"max": MAX_CONTRIBUTION_VERTICES}
        )
    coordinates = shapely.get_coordinates(shape)  # (longitude, latitude) rows; NaN where text was "nan"
    on_earth = np.isfinite(coordinates).all() and (abs(coordinates) <= (180, 90)).all()
    if not on_earth:
        raise GeometryError(_("These coordinates do not exist on earth."))
    return shape


def _check_drawn_shape(shape, geojson: dict) -> None:
    if shape.geom_type == "LineString" and not shape.length:
        raise GeometryError(_("A line needs at least two different points."))
    if shape.geom_type == "Polygon":
        if any(list(ring[0]) != list(ring[-1]) for ring in geojson["coordinates"]):
            raise GeometryError(_("The area's outline is not closed: its last point must repeat its first."))
        if not shape.convex_hull.area:
            raise GeometryError(_("An area needs at least three points that are not on one line."))
    if not shape.is_valid:
        raise GeometryError(
            _("The drawing is not valid (%(reason)s). Please draw it again without crossing lines.")
            % {"reason": explain_validity(shape)}
        )


def _check_inside(shape, area) -> None:
    if shape.geom_type == "Point":
        if not area.covers(shape):
            raise GeometryError(
                _("The pin lies outside the area of this consultation. Please place it inside the marked area.")
            )
        return
    if not area.buffer(BORDER_TOLERANCE_METRES / _METRES_PER_DEGREE).covers(shape):
        what = _("The line") if shape.geom_type == "LineString" else _("The area")
        raise GeometryError(
            _("%(what)s reaches outside the area of this consultation. Please draw it inside the marked area.")
            % {"what": what}
        )


def _check_size(shape, area) -> None:
    if shape.geom_type == "LineString":
        limit = MAX_LINE_PERIMETERS * metres_length(area.boundary) if area is not None else MAX_LINE_METRES
        length = metres_length(shape)
        if length > limit:
            raise GeometryError(
                _("The line is %(length)d m long; here it may be at most %(limit)d m long.")
                % {"length": round(length), "limit": round(limit)}
            )
    elif shape.geom_type == "Polygon":
        limit = MAX_AREA_SHARE * square_metres(area) if area is not None else MAX_AREA_SQUARE_METRES
        size = square_metres(shape)
        if size > limit:
            raise GeometryError(
                _(
                    "The area covers %(size)d m²; here it may cover at most %(limit)d m². "
                    "To speak about the whole consultation, leave the map out."
                )
                % {"size": round(size), "limit": round(limit)}
            )


def clean_contribution_geometry(geojson: Any, *, area: dict | None) -> Place:
    """Check a citizen's point, line or area (GeoJSON, WGS84) against the consultation's area, or raise.

    A line or area must lie inside the area (give or take BORDER_TOLERANCE_METRES) and stay within the
    size limits; the representative point is the point itself, a line's midpoint, or a point inside an area.
    """
    shape = _read_contribution_shape(geojson)
    _check_drawn_shape(shape, geojson)
    area_shape = _as_shape(area) if area else None
    if area_shape is not None:
        _check_inside(shape, area_shape)
    _check_size(shape, area_shape)
    # A line's midpoint; a point inside an area (its centroid may lie outside).
    point = shape.interpolate(0.5, normalized=True) if shape.geom_type == "LineString" else shape.representative_point()
    return Place(geometry=_to_geojson(shape), latitude=point.y, longitude=point.x)


def intersects(area: dict, geojson: dict) -> bool:
    """True if the geometry touches or overlaps the area."""
    try:
        return _as_shape(area).intersects(_as_shape(geojson))
    except (GeometryError, ShapelyError):
        return False
