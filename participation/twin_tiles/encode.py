"""One tile of the twin base map: the objects meeting it, projected into the tile, simplified for its zoom,
clipped to it (plus a margin, so strokes and labels meet their neighbours' halves), and written as small
integers.

The work is shapely's, on all of a tile's geometries at once (GEOS, in C); Python only walks the parts to
write them out. What is drawn and in which order is the ``CLASSES`` table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from participation.twin_tiles.projection import to_tile

EXTENT = 512  # tile units across the tile's 256 CSS pixels: half-pixel precision, sharp on HiDPI screens
CLIP_MARGIN = 16  # units kept beyond the tile's edge, so that outlines and road casings do not end at it
LABEL_MARGIN = 256  # a label whose anchor lies this close to the tile is drawn in it too (its other half)
TOLERANCE = 2.0  # simplification in units: one CSS pixel, as Leaflet simplifies its own vector layers
MIN_AREA = 4.0  # polygons smaller than one CSS pixel are left out
MIN_LENGTH = 2.0  # so are lines shorter than one CSS pixel
# Where buildings are only a few pixels, a tile keeps its largest ones, up to this many: the city's shape
# and its landmarks stay, the size of a tile (and of a view) stays bounded however dense the city.
MAX_BUILDINGS = 1500

# Kind of twin object -> class drawn, bottom to top. Named objects of the labelled classes get a label.
CLASSES = ("land", "green", "water", "square", "road", "bridge", "building", "other")
CLASS_OF_KIND = {
    "land_use": "land",
    "park": "green",
    "plant_cover": "green",
    "water": "water",
    "square": "square",
    "road": "road",
    "street": "road",
    "bridge": "bridge",
    "building": "building",
    "building_part": "building",
}
LABELLED = {"green", "water", "square", "road", "bridge"}
POINTS, LINES, POLYGONS = 1, 2, 3
_DIMENSION_TYPE = {0: POINTS, 1: LINES, 2: POLYGONS}


@dataclass(frozen=True, slots=True)
class TileFeature:
    """A twin object as a tile needs it: its id, kind, name and GeoJSON geometry (text, WGS84)."""

    id: int
    kind: str
    name: str
    geometry: str


def empty_tile(zoom: int, x: int, y: int) -> dict:
    return {"z": zoom, "x": x, "y": y, "extent": EXTENT, "features": []}


def encode_tile(features: Sequence[TileFeature], *, zoom: int, x: int, y: int) -> dict:
    """The tile (zoom, x, y) of ``features`` (those meeting it, with LABEL_MARGIN), as the client draws it."""
    tile = empty_tile(zoom, x, y)
    if not features:
        return tile
    shapes = shapely.from_geojson([feature.geometry for feature in features], on_invalid="ignore")
    shapes = shapely.transform(shapely.force_2d(shapes), lambda xy: to_tile(xy, zoom, x, y, EXTENT))
    shapes = shapely.simplify(shapes, TOLERANCE, preserve_topology=False)
    classes = [CLASS_OF_KIND.get(feature.kind, "other") for feature in features]
    keep = _visible(shapes, classes)
    clipped = shapely.clip_by_rect(shapes, -CLIP_MARGIN, -CLIP_MARGIN, EXTENT + CLIP_MARGIN, EXTENT + CLIP_MARGIN)
    written = []
    for index in np.flatnonzero(keep):
        feature, kind_class = features[index], classes[index]
        entry = _geometry(clipped[index])
        label = _label(shapes[index]) if feature.name and kind_class in LABELLED else None
        if entry is None and label is None:
            continue
        out = {"id": feature.id, "c": kind_class, **(entry or {"t": POINTS, "g": []})}
        if label is not None:
            out["n"], out["a"] = feature.name, label
        written.append(out)
    order = {name: position for position, name in enumerate(CLASSES)}
    tile["features"] = sorted(written, key=lambda item: (order[item["c"]], item["id"]))
    return tile


def _visible(shapes: np.ndarray, classes: list[str]) -> np.ndarray:
    """Which shapes are worth drawing: not empty, not below a pixel, and the largest buildings only."""
    dimensions = shapely.get_dimensions(shapes)
    size = np.where(dimensions == 2, shapely.area(shapes), shapely.length(shapes))
    keep = ~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)
    keep &= np.where(dimensions == 2, size >= MIN_AREA, np.where(dimensions == 1, size >= MIN_LENGTH, True))
    buildings = np.flatnonzero(keep & (np.array(classes) == "building"))
    if len(buildings) > MAX_BUILDINGS:
        smallest = buildings[np.argsort(size[buildings])[: len(buildings) - MAX_BUILDINGS]]
        keep[smallest] = False
    return keep


def _geometry(shape) -> dict | None:
    """``{"t": type, "g": parts}`` of a clipped shape, each part a flat list of integers; None if nothing
    of it is left in the tile."""
    if shape is None or shape.is_empty:
        return None
    dimension = shapely.get_dimensions(shape)
    parts = [part for part in shapely.get_parts(shape) if shapely.get_dimensions(part) == dimension]
    if dimension == 2:
        rings = [ring for part in parts for ring in (part.exterior, *part.interiors)]
        lines = [_integers(ring.coords, closed=True) for ring in rings]
        lines = [line for line in lines if len(line) >= 6]
    elif dimension == 1:
        lines = [line for line in (_integers(part.coords) for part in parts) if len(line) >= 4]
    else:
        lines = [_integers(part.coords, delta=False) for part in parts]
    return {"t": _DIMENSION_TYPE[dimension], "g": lines} if lines else None


def _integers(coordinates, *, closed: bool = False, delta: bool = True) -> list[int]:
    """Coordinates rounded to whole units, repeats dropped (and a ring's closing point: the client closes
    it), as one flat list: the first point, then each next one as its difference to the one before
    ([x0, y0, x1 - x0, y1 - y0, ...]): small numbers, a third less to send once gzipped."""
    points = np.rint(np.asarray(coordinates)[:, :2]).astype(np.int64)
    if len(points) > 1:
        points = points[np.concatenate(([True], np.any(points[1:] != points[:-1], axis=1)))]
    if closed and len(points) > 1 and np.array_equal(points[0], points[-1]):
        points = points[:-1]
    if delta and len(points) > 1:
        points[1:] = np.diff(points, axis=0)
    return points.ravel().tolist()


def _label(shape) -> list | None:
    """Where the name goes, [x, y, angle in radians], if near enough to the tile: the middle of a line (its
    longest part), along it and upright; a point inside an area, level."""
    if shape is None or shape.is_empty:
        return None
    dimension = shapely.get_dimensions(shape)
    if dimension == 1:
        line = max(shapely.get_parts(shape), key=lambda part: part.length)
        middle, step = line.length / 2, min(line.length / 4, 20.0)
        before, at, after = (line.interpolate(middle + offset) for offset in (-step, 0.0, step))
        angle = math.atan2(after.y - before.y, after.x - before.x)
        if angle > math.pi / 2 or angle <= -math.pi / 2:
            angle = angle - math.pi if angle > 0 else angle + math.pi  # upright, never upside down
        anchor = (at.x, at.y, round(angle, 3))
    else:
        point = shapely.point_on_surface(shape)
        anchor = (point.x, point.y, 0.0)
    if not all(-LABEL_MARGIN <= value <= EXTENT + LABEL_MARGIN for value in anchor[:2]):
        return None
    return [round(anchor[0]), round(anchor[1]), anchor[2]]
