"""Server-side geometry: whatever the browser or a paste sends is checked with shapely."""

import pytest
from django.core.exceptions import ValidationError

from participation import geometry
from participation.geometry import GeometryError, clean_area
from participation.models import ConsultationPage
from tests.support import factories
from tests.support.factories import DELFT_AREA

# Tests read the messages users get; they are written in English and translated.
pytestmark = pytest.mark.usefixtures("english")


def box(min_lon, min_lat, max_lon, max_lat) -> list:
    return [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]


def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": list(rings)}


def circle_ring(vertices: int, lon=4.36, lat=52.01, radius=0.001) -> list:
    import math

    ring = [
        [lon + radius * math.cos(2 * math.pi * i / vertices), lat + radius * math.sin(2 * math.pi * i / vertices)]
        for i in range(vertices)
    ]
    return [*ring, ring[0]]


def test_a_polygon_is_accepted_as_it_is():
    assert clean_area(DELFT_AREA) == DELFT_AREA


def test_a_polygon_with_a_hole_is_accepted():
    area = polygon(box(4.0, 52.0, 5.0, 53.0), box(4.4, 52.4, 4.6, 52.6))

    assert clean_area(area)["coordinates"][1] == box(4.4, 52.4, 4.6, 52.6)


def test_a_multipolygon_is_accepted():
    area = {"type": "MultiPolygon", "coordinates": [[box(4.0, 52.0, 4.1, 52.1)], [box(4.2, 52.0, 4.3, 52.1)]]}

    assert clean_area(area) == area


def test_integer_coordinates_come_back_as_floats():
    cleaned = clean_area(polygon(box(4, 52, 5, 53)))

    assert all(isinstance(value, float) for point in cleaned["coordinates"][0] for value in point)


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ({"type": "Point", "coordinates": [4.36, 52.01]}, "must be a polygon"),
        ({"type": "LineString", "coordinates": [[4.36, 52.01], [4.37, 52.02]]}, "must be a polygon"),
        ({"type": "GeometryCollection", "geometries": []}, "must be a polygon"),
    ],
    ids=["point", "line", "collection"],
)
def test_geometries_other_than_polygons_are_refused(area, message):
    with pytest.raises(GeometryError, match=message):
        clean_area(area)


def test_a_self_intersecting_bowtie_is_refused_with_the_reason():
    bowtie = polygon([[4.0, 52.0], [5.0, 53.0], [5.0, 52.0], [4.0, 53.0], [4.0, 52.0]])

    with pytest.raises(GeometryError, match=r"not a valid polygon.*Self-intersection"):
        clean_area(bowtie)


def test_a_ring_that_is_not_closed_is_refused():
    open_ring = polygon([[4.0, 52.0], [5.0, 52.0], [5.0, 53.0], [4.0, 53.0]])

    with pytest.raises(GeometryError, match="closed"):
        clean_area(open_ring)


def test_an_open_ring_of_a_multipolygon_is_refused():
    area = {"type": "MultiPolygon", "coordinates": [[box(4.0, 52.0, 4.1, 52.1)], [box(4.2, 52.0, 4.3, 52.1)[:-1]]]}

    with pytest.raises(GeometryError, match="closed"):
        clean_area(area)


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "POLYGON((4 52, 5 52, 5 53, 4 52))",
        [[4.0, 52.0], [5.0, 52.0]],
        {},
        {"coordinates": [box(4, 52, 5, 53)]},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": "abc"},
        {"type": "Polygon", "coordinates": [[[4.0, 52.0], [5.0, 52.0]]]},
        {"type": "Polygon", "coordinates": [[["a", "b"], [5, 52], [5, 53], ["a", "b"]]]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[float("nan"), 52.0], [5.0, 52.0], [5.0, 53.0], [float("nan"), 52.0]]]},
        {"type": "Blob", "coordinates": [box(4, 52, 5, 53)]},
        {"type": "MultiPolygon", "coordinates": []},
    ],
    ids=[
        "none",
        "wkt-text",
        "list",
        "empty-dict",
        "no-type",
        "no-coordinates",
        "text-coordinates",
        "two-points",
        "words",
        "empty-polygon",
        "nan",
        "unknown-type",
        "empty-multipolygon",
    ],
)
def test_garbage_is_refused_with_a_geometry_error_never_a_crash(garbage):
    with pytest.raises(GeometryError) as info:
        clean_area(garbage)
    assert info.value.message


@pytest.mark.parametrize(
    "ring",
    [
        box(598000, 5286000, 600000, 5288000),  # UTM 32N metres (EPSG:25832): Kempten's tile
        box(179.5, 10.0, 180.5, 11.0),
        box(4.0, 89.5, 5.0, 90.5),
        box(-181.0, -10.0, -179.0, -9.0),
        [[float("inf"), 52.0], [5.0, 52.0], [5.0, 53.0], [float("inf"), 52.0]],
    ],
    ids=["utm-metres", "east-of-180", "north-of-90", "west-of-minus-180", "infinite"],
)
def test_coordinates_outside_the_wgs84_range_are_refused(ring):
    with pytest.raises(GeometryError, match="WGS84"):
        clean_area(polygon(ring))


def test_a_polygon_with_too_many_points_is_refused():
    with pytest.raises(GeometryError, match="too many points"):
        clean_area(polygon(circle_ring(geometry.MAX_AREA_VERTICES + 1)))


def test_the_point_limit_counts_the_points_of_every_part():
    half = geometry.MAX_AREA_VERTICES // 2 + 10
    area = {
        "type": "MultiPolygon",
        "coordinates": [[circle_ring(half, lon=4.36)], [circle_ring(half, lon=4.37)]],
    }

    with pytest.raises(GeometryError, match="too many points"):
        clean_area(area)


def test_the_point_limit_counts_the_points_of_holes():
    half = geometry.MAX_AREA_VERTICES // 2 + 10
    area = polygon(circle_ring(half, radius=0.01), circle_ring(half, radius=0.005))

    with pytest.raises(GeometryError, match="too many points"):
        clean_area(area)


def test_an_area_at_the_point_limit_is_accepted():
    assert clean_area(polygon(circle_ring(geometry.MAX_AREA_VERTICES - 1)))


def test_bbox_is_min_lon_min_lat_max_lon_max_lat():
    assert geometry.bbox(DELFT_AREA) == (4.3622, 52.0109, 4.3660, 52.0135)


def test_contains_point_includes_the_border_and_excludes_the_outside():
    assert geometry.contains_point(DELFT_AREA, latitude=52.0120, longitude=4.3640)
    assert geometry.contains_point(DELFT_AREA, latitude=52.0109, longitude=4.3622)
    assert not geometry.contains_point(DELFT_AREA, latitude=52.0200, longitude=4.3800)


def test_contains_point_does_not_confuse_latitude_and_longitude():
    # Swapped, the point would be at 4.364 N, 52.012 E: far outside.
    assert not geometry.contains_point(DELFT_AREA, latitude=4.3640, longitude=52.0120)


def test_a_point_in_a_hole_is_outside():
    area = polygon(box(4.0, 52.0, 5.0, 53.0), box(4.4, 52.4, 4.6, 52.6))

    assert not geometry.contains_point(area, latitude=52.5, longitude=4.5)
    assert geometry.contains_point(area, latitude=52.1, longitude=4.1)


def test_centroid_is_latitude_then_longitude():
    latitude, longitude = geometry.centroid(polygon(box(4.0, 52.0, 5.0, 53.0)))

    assert (latitude, longitude) == pytest.approx((52.5, 4.5))


def test_consultation_clean_sets_the_bbox_columns(home):
    page = factories.consultation("participate")

    stored = ConsultationPage.objects.get(pk=page.pk)
    assert (stored.area_min_lon, stored.area_min_lat, stored.area_max_lon, stored.area_max_lat) == (
        4.3622,
        52.0109,
        4.3660,
        52.0135,
    )


def test_changing_the_area_moves_the_bbox_and_removing_it_clears_it(home):
    page = factories.consultation("participate")

    page.area = polygon(box(4.0, 52.0, 4.5, 52.5))
    page.save()
    assert (page.area_min_lon, page.area_max_lat) == (4.0, 52.5)

    page.area = None
    page.save()
    stored = ConsultationPage.objects.get(pk=page.pk)
    assert (stored.area_min_lon, stored.area_min_lat, stored.area_max_lon, stored.area_max_lat) == (None,) * 4


def test_consultation_clean_reports_a_bad_area_on_the_area_field(home):
    page = factories.consultation("participate")
    page.area = {"type": "Point", "coordinates": [4.36, 52.01]}

    with pytest.raises(ValidationError) as info:
        page.full_clean()

    assert "must be a polygon" in " ".join(info.value.message_dict["area"])
    assert ConsultationPage.objects.get(pk=page.pk).area == DELFT_AREA


def test_consultation_clean_reports_garbage_areas_instead_of_crashing(home):
    page = factories.consultation("participate")
    page.area = {"type": "Blob", "coordinates": []}

    with pytest.raises(ValidationError) as info:
        page.full_clean()

    assert "area" in info.value.message_dict
