"""The twin as the base map: the city model cut into Web-Mercator tiles of compact, per-zoom simplified
vector data (``encode``), drawn by the browser (static/participation/twin-basemap.js).

The tile's grid is Leaflet's and OpenStreetMap's (``projection``); a tile is JSON with integer coordinates
in EXTENT units across its 256 CSS pixels (each line or ring: its first point, then differences), which
the site sends gzipped and caches per twin revision.
"""

from participation.twin_tiles.encode import EXTENT, TileFeature, encode_tile
from participation.twin_tiles.projection import (
    MAX_ZOOM,
    MIN_ZOOM,
    tile_bounds,
    tile_key,
    tile_key_of,
    tile_range,
    tiles_covering,
)

__all__ = [
    "EXTENT",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "TileFeature",
    "encode_tile",
    "tile_bounds",
    "tile_key",
    "tile_key_of",
    "tile_range",
    "tiles_covering",
]
