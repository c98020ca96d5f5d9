"""The one bounding-box filter of the map queries: a point in a box, or a box meeting a box.

Boxes are (west, south, east, north) in WGS84 degrees; west greater than east is a box across the
antimeridian (the OGC API takes such boxes). Edges count as inside. Every condition is on indexed
columns (a point's latitude/longitude, or an object's bounding-box columns).
"""

from __future__ import annotations

from django.db.models import Q

BBox = tuple[float, float, float, float]  # (west, south, east, north) in WGS84; west > east crosses 180°


def _longitude_between(field: str, west: float, east: float) -> Q:
    if west <= east:
        return Q(**{f"{field}__gte": west, f"{field}__lte": east})
    return Q(**{f"{field}__gte": west}) | Q(**{f"{field}__lte": east})  # [west, 180] or [-180, east]


def point_in(bbox: BBox, *, longitude: str = "longitude", latitude: str = "latitude") -> Q:
    """Rows whose point (the columns ``longitude``, ``latitude``) lies in ``bbox``."""
    west, south, east, north = bbox
    return _longitude_between(longitude, west, east) & Q(**{f"{latitude}__gte": south, f"{latitude}__lte": north})


def box_meets(bbox: BBox, *, prefix: str = "") -> Q:
    """Rows whose own box (the columns ``{prefix}min_lon`` ... ``{prefix}max_lat``) overlaps ``bbox``."""
    west, south, east, north = bbox
    if west <= east:
        longitude = Q(**{f"{prefix}min_lon__lte": east, f"{prefix}max_lon__gte": west})
    else:
        longitude = Q(**{f"{prefix}max_lon__gte": west}) | Q(**{f"{prefix}min_lon__lte": east})
    return longitude & Q(**{f"{prefix}min_lat__lte": north, f"{prefix}max_lat__gte": south})


def area_box(consultation) -> BBox | None:
    """The bounding box of a consultation's area (its indexed columns), or None without an area."""
    if consultation.area_min_lon is None:
        return None
    return (consultation.area_min_lon, consultation.area_min_lat, consultation.area_max_lon, consultation.area_max_lat)
