"""Web Mercator tiles (the XYZ scheme of Leaflet and OpenStreetMap): which tiles cover a box, what a tile
covers, and where a WGS84 coordinate falls in a tile."""

from __future__ import annotations

import math

import numpy as np

# The base map's zoom levels: from a district (13) to a house (18); Leaflet enlarges 18 beyond that.
MIN_ZOOM = 13
MAX_ZOOM = 18
MAX_LATITUDE = 85.0511287798066  # Web Mercator's square world ends here


def tile_range(zoom: int) -> int:
    """How many tiles one row of the world has at ``zoom``."""
    return 2**zoom


def _x(longitude: float, zoom: int) -> float:
    return (longitude + 180.0) / 360.0 * tile_range(zoom)


def _y(latitude: float, zoom: int) -> float:
    phi = math.radians(max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude)))
    return (1.0 - math.asinh(math.tan(phi)) / math.pi) / 2.0 * tile_range(zoom)


def _longitude(x: float, zoom: int) -> float:
    return x / tile_range(zoom) * 360.0 - 180.0


def _latitude(y: float, zoom: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / tile_range(zoom)))))


def tile_bounds(zoom: int, x: int, y: int, *, margin: float = 0.0) -> tuple[float, float, float, float]:
    """(west, south, east, north) in WGS84 of a tile, grown by ``margin`` (a share of the tile) each side."""
    return (
        _longitude(x - margin, zoom),
        _latitude(y + 1 + margin, zoom),
        _longitude(x + 1 + margin, zoom),
        _latitude(y - margin, zoom),
    )


def tiles_covering(bbox: tuple[float, float, float, float], zoom: int) -> list[tuple[int, int]]:
    """The (x, y) of every tile at ``zoom`` that meets ``bbox`` (west, south, east, north)."""
    west, south, east, north = bbox
    last = tile_range(zoom) - 1
    x0, x1 = (max(0, min(last, int(_x(lon, zoom)))) for lon in (west, east))
    y0, y1 = (max(0, min(last, int(_y(lat, zoom)))) for lat in (north, south))
    return [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]


def to_tile(coordinates: np.ndarray, zoom: int, x: int, y: int, extent: int) -> np.ndarray:
    """WGS84 (lon, lat) rows -> the tile's own units: 0..extent across it, origin top left, y down."""
    scale = tile_range(zoom) * extent
    lon, lat = coordinates[:, 0], np.clip(coordinates[:, 1], -MAX_LATITUDE, MAX_LATITUDE)
    px = (lon + 180.0) / 360.0 * scale - x * extent
    py = (1.0 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2.0 * scale - y * extent
    return np.column_stack((px, py))


def tile_key(bounds: tuple[float, float, float, float], *, deepest: int = MAX_ZOOM) -> str:
    """The quadtree key of the smallest tile (down to zoom ``deepest``) holding the whole box: one digit
    0-3 per zoom, so the objects in a tile are those whose key starts with the tile's key, or is a start
    of it (larger objects, or those on a tile's edge): a text index finds them (``tile_key_of``)."""
    west, south, east, north = bounds
    x0, y0 = int(_x(west, deepest)), int(_y(north, deepest))
    x1, y1 = int(_x(east, deepest)), int(_y(south, deepest))
    digits = []
    for level in range(1, deepest + 1):
        shift = deepest - level
        if (x0 >> shift, y0 >> shift) != (x1 >> shift, y1 >> shift):
            break
        digits.append(str(((x0 >> shift) & 1) + 2 * ((y0 >> shift) & 1)))
    return "".join(digits)


def tile_key_of(zoom: int, x: int, y: int) -> str:
    """The quadtree key of the tile (zoom, x, y) itself."""
    return "".join(str(((x >> (zoom - level)) & 1) + 2 * ((y >> (zoom - level)) & 1)) for level in range(1, zoom + 1))
