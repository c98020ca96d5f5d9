"""participation.geometry with generated GeoJSON, well-formed and not: an area or a drawing is either accepted
(and comes back as sent) or refused with GeometryError and a message, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from participation import geometry
from participation.geometry import GeometryError
from tests.support.factories import box
from tests.support.properties import tried

pytestmark = pytest.mark.usefixtures("english")

# Numbers a client may send as a coordinate: small, huge, NaN, infinite, of the wrong type.
coordinates = st.one_of(
    st.floats(-200, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.sampled_from([None, True, "1", "nan", [], {}]),
)
positions = st.lists(coordinates, min_size=0, max_size=4)
nested = st.recursive(positions, lambda inner: st.lists(inner, max_size=5), max_leaves=40)
GEOMETRY_TYPES = ["Point", "LineString", "Polygon", "MultiPolygon", "MultiPoint", "GeometryCollection", "Feature"]
geojson_like = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(GEOMETRY_TYPES) | st.text(max_size=12), "coordinates": nested | coordinates}
    ),
    st.fixed_dictionaries({"type": st.sampled_from(GEOMETRY_TYPES)}),
    st.dictionaries(st.text(max_size=12), nested, max_size=3),
    nested,
    st.none(),
    st.text(max_size=20),
)
AREA = box(10.0, 47.0, 10.1, 47.1)
NAN = float("nan")


def _read_or_refused(call):
    try:
        return call()
    except GeometryError as error:
        assert error.message
        return None


@given(geojson_like)
@example({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [NAN, 1], [0, 0]]]})
@example({"type": "Polygon", "coordinates": [[[0, 0], [1e308, 0], [1e308, 1e308], [0, 0]]]})
@example({"type": "MultiPolygon", "coordinates": [[[]]]})
@example({"type": "Polygon", "coordinates": [[]]})
@example({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]})
def test_clean_area(value):
    tried("geometry.clean_area")
    area = _read_or_refused(lambda: geometry.clean_area(value))
    if area is not None:
        assert area["type"] in ("Polygon", "MultiPolygon")


@given(geojson_like, st.booleans())
@example({"type": "LineString", "coordinates": [[0, 0], ["nan", 0]]}, False)
@example({"type": "Point", "coordinates": [NAN, 1]}, True)
@example({"type": "Polygon", "coordinates": [[[10.01, 47.01], [10.02, 47.01], [10.02, 47.02]]]}, True)
@example({"type": "LineString", "coordinates": [[10.01, 47.01]]}, True)
def test_clean_contribution_geometry(value, in_an_area):
    tried("geometry.clean_contribution_geometry")
    place = _read_or_refused(lambda: geometry.clean_contribution_geometry(value, area=AREA if in_an_area else None))
    if place is not None:
        assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180
        assert place.geometry["type"] in geometry.CONTRIBUTION_TYPES


@given(geojson_like)
def test_intersects_never_fails(value):
    tried("geometry.intersects")
    assert geometry.intersects(AREA, value) in (True, False)


inside_lon = st.floats(10.0, 10.1)
inside_lat = st.floats(47.0, 47.1)


@given(inside_lon, inside_lat)
def test_a_pin_inside_comes_back_as_sent(longitude, latitude):
    tried("geometry.clean_contribution_geometry (round trip)")
    place = geometry.clean_contribution_geometry({"type": "Point", "coordinates": [longitude, latitude]}, area=AREA)
    assert place.geometry == {"type": "Point", "coordinates": [longitude, latitude]}
    assert (place.longitude, place.latitude) == (longitude, latitude)


@given(st.floats(-179, 178), st.floats(-89, 88), st.floats(1e-3, 1), st.floats(1e-3, 1))
def test_a_rectangle_area_comes_back_as_sent(west, south, width, height):
    tried("geometry.clean_area (round trip)")
    ring = [[west, south], [west + width, south], [west + width, south + height], [west, south + height], [west, south]]
    sent = {"type": "Polygon", "coordinates": [ring]}
    assert geometry.clean_area(sent) == sent
    assert geometry.contains_point(sent, latitude=south + height / 2, longitude=west + width / 2)
