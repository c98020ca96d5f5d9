"""One tile of the base map: projected, simplified for its zoom, clipped, small integers, labels placed."""

import json
import math

from shapely.geometry import LineString, box, mapping

from participation.twin_tiles import EXTENT, TileFeature, encode_tile, tile_bounds
from participation.twin_tiles.encode import CLASSES, MAX_BUILDINGS

ZOOM, X, Y = 17, 67124, 43267  # a tile in Delft


def inside(share_west: float, share_north: float, share_east: float, share_south: float):
    """A box given as shares of the tile (0 = west/north edge, 1 = east/south edge), in WGS84."""
    west, south, east, north = tile_bounds(ZOOM, X, Y)
    lon = lambda share: west + (east - west) * share  # noqa: E731
    lat = lambda share: north - (north - south) * share  # noqa: E731
    return box(lon(share_west), lat(share_south), lon(share_east), lat(share_north))


def feature(pk: int, shape, *, kind: str = "building", name: str = "") -> TileFeature:
    return TileFeature(id=pk, kind=kind, name=name, geometry=json.dumps(mapping(shape)))


def points(part: list[int]) -> list[tuple[int, int]]:
    """A line's or ring's points: the first as it is, each next one a difference to the one before."""
    x, y, out = 0, 0, []
    for dx, dy in zip(part[0::2], part[1::2], strict=True):
        x, y = x + dx, y + dy
        out.append((x, y))
    return out


def encoded(*features):
    return encode_tile(list(features), zoom=ZOOM, x=X, y=Y)


def test_a_building_becomes_a_ring_of_integers_in_tile_units():
    tile = encoded(feature(1, inside(0.25, 0.25, 0.5, 0.5)))
    assert tile["extent"] == EXTENT and (tile["z"], tile["x"], tile["y"]) == (ZOOM, X, Y)
    [building] = tile["features"]
    assert building["id"] == 1 and building["c"] == "building" and building["t"] == 3
    [ring] = building["g"]
    assert all(isinstance(value, int) for value in ring)
    assert sorted(points(ring)) == [(128, 128), (128, 256), (256, 128), (256, 256)]  # closed by the client


def test_a_large_area_is_clipped_to_the_tile_and_its_margin():
    tile = encoded(feature(1, inside(-3, -3, 4, 4), kind="land_use"))
    [ring] = tile["features"][0]["g"]
    assert all(-16 <= value <= EXTENT + 16 for point in points(ring) for value in point)


def test_objects_below_a_pixel_are_left_out():
    west, south, _, _ = tile_bounds(ZOOM, X, Y)
    speck = box(west + 0.0000001, south + 0.0000001, west + 0.0000002, south + 0.0000002)
    assert encoded(feature(1, speck))["features"] == []


def test_classes_come_bottom_to_top():
    tile = encoded(
        feature(1, inside(0.1, 0.1, 0.2, 0.2)),
        feature(2, inside(0, 0, 1, 1), kind="water"),
        feature(3, inside(0, 0, 1, 1), kind="land_use"),
        feature(4, inside(0.3, 0.3, 0.4, 0.4), kind="city_furniture"),
    )
    order = [item["c"] for item in tile["features"]]
    assert order == ["land", "water", "building", "other"]
    assert order == sorted(order, key=CLASSES.index)


def test_a_named_street_is_labelled_along_it_and_upright():
    west, south, east, north = tile_bounds(ZOOM, X, Y)

    # Drawn from east to west, its west end further north: read left to right, the label runs downhill.
    street = LineString(
        [(east - (east - west) * 0.1, south + (north - south) * 0.4), (west, south + (north - south) * 0.6)]
    )
    [item] = encoded(feature(7, street, kind="street", name="Oude Delft"))["features"]
    assert item["t"] == 2 and item["n"] == "Oude Delft"
    x, y, angle = item["a"]
    assert 0 <= x <= EXTENT and 0 <= y <= EXTENT
    assert -math.pi / 2 < angle <= math.pi / 2
    assert 0 < angle < 0.5  # falling to the right on the screen (y grows downwards), not turned over


def test_a_label_reaching_in_from_a_neighbour_comes_without_geometry():
    square = inside(1.05, 0.4, 1.3, 0.6)  # just east of the tile: its label's middle is 90 units away
    [item] = encoded(feature(3, square, kind="square", name="Markt"))["features"]
    assert item["g"] == [] and item["n"] == "Markt" and item["a"][0] > EXTENT


def test_buildings_are_not_named_on_the_map():
    [item] = encoded(feature(1, inside(0.2, 0.2, 0.4, 0.4), name="Nieuwe Kerk"))["features"]
    assert "n" not in item


def test_a_dense_tile_keeps_its_largest_buildings():
    small = [feature(n, inside(0.001 * n % 0.9, 0.5, 0.001 * n % 0.9 + 0.01, 0.51)) for n in range(MAX_BUILDINGS)]
    large = feature(99999, inside(0.1, 0.1, 0.3, 0.3))
    tile = encoded(*small, large)
    ids = [item["id"] for item in tile["features"]]
    assert len(ids) == MAX_BUILDINGS and 99999 in ids
