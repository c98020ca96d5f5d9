"""Web-Mercator tiles: the same grid as Leaflet's and OpenStreetMap's."""

import math

import numpy as np
import pytest

from participation.twin_tiles import tile_bounds, tile_key, tile_key_of, tiles_covering
from participation.twin_tiles.projection import to_tile

MARKT = (4.3581, 52.0116)  # Delft's market square


def osm_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The tile numbers as the OpenStreetMap wiki writes them ("Slippy map tilenames"), for comparison."""
    n = 2**zoom
    phi = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n)


def test_a_known_place_lies_in_its_known_tile():
    assert osm_tile(*MARKT, 16) == (33561, 21644)
    assert tiles_covering((*MARKT, *MARKT), 16) == [(33561, 21644)]
    west, south, east, north = tile_bounds(16, 33561, 21644)
    assert west <= MARKT[0] <= east and south <= MARKT[1] <= north


def test_a_tiles_corners_are_its_own_origin_and_extent():
    west, south, east, north = tile_bounds(15, 16781, 10816)
    corners = to_tile(np.array([[west, north], [east, south]]), 15, 16781, 10816, 512)
    assert corners == pytest.approx(np.array([[0, 0], [512, 512]]), abs=1e-6)


def test_a_margin_grows_the_bounds_by_a_share_of_the_tile():
    west, south, east, north = tile_bounds(14, 8390, 5408)
    grown = tile_bounds(14, 8390, 5408, margin=0.5)
    assert grown[0] == pytest.approx(west - (east - west) / 2)
    assert grown[2] == pytest.approx(east + (east - west) / 2)
    assert grown[1] < south and grown[3] > north


def test_a_box_is_covered_row_by_row_without_gaps():
    tiles = tiles_covering((4.355, 52.005, 4.375, 52.02), 16)
    xs, ys = {x for x, _ in tiles}, {y for _, y in tiles}
    assert len(tiles) == len(xs) * len(ys)
    assert xs == set(range(min(xs), max(xs) + 1)) and ys == set(range(min(ys), max(ys) + 1))


def test_an_objects_tile_key_is_the_smallest_tile_holding_it():
    west, south, east, north = tile_bounds(18, 134248, 86576)
    inner = (west + (east - west) * 0.2, south + (north - south) * 0.2, east - (east - west) * 0.2, north - 0.0000001)
    key = tile_key(inner)
    assert key == tile_key_of(18, 134248, 86576) and len(key) == 18
    # Across the edge to the next tile east: held by a larger tile only, whose key starts the tile's.
    across = (inner[0], inner[1], east + (east - west) * 0.2, inner[3])
    assert len(tile_key(across)) < 18 and tile_key_of(18, 134248, 86576).startswith(tile_key(across))


def test_a_tiles_key_starts_with_its_parents():
    assert tile_key_of(16, 33561, 21644).startswith(tile_key_of(15, 33561 // 2, 21644 // 2))
    assert set(tile_key_of(16, 33561, 21644)) <= set("0123")
