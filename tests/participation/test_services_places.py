"""post_contribution with a place beyond a point: a drawn line or area, and an object of the twin."""

import math

import pytest
from shapely.geometry import Point, shape

from participation import geometry, services
from participation.errors import InvalidInput, NotAllowed
from participation.models import ConsultationTwinFeature, Contribution, ProposalTwinFeature, TwinFeature
from participation.services import import_twin_file
from tests.support import factories
from tests.support import twin_files as files
from tests.support.factories import DELFT_AREA, INSIDE, box

# Tests read the messages users get; they are written in English and translated.
pytestmark = pytest.mark.usefixtures("english")

# DELFT_AREA spans 4.3622-4.3660 E, 52.0109-52.0135 N: about 260 m x 290 m, 75,000 m², 1,100 m around.
LINE_INSIDE = {"type": "LineString", "coordinates": [[4.3630, 52.0115], [4.3640, 52.0120], [4.3650, 52.0128]]}
AREA_INSIDE = box(4.3630, 52.0115, 4.3645, 52.0125)
OUTSIDE_BOX = box(4.3700, 52.0200, 4.3710, 52.0210)


@pytest.fixture
def consultation(participating_consultation):
    return participating_consultation


def post(author, consultation, **kwargs):
    return services.post_contribution(author=author, consultation=consultation, text="Ein Radweg, bitte", **kwargs)


def refused(error_class, author, consultation, **kwargs):
    before = Contribution.objects.count()
    with pytest.raises(error_class) as info:
        post(author, consultation, **kwargs)
    assert Contribution.objects.count() == before
    return info.value


def line(*points) -> dict:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


# --- lines and areas -------------------------------------------------------------------------


def test_a_line_inside_the_area_is_stored_with_its_midpoint(citizen, consultation):
    comment = post(citizen, consultation, geometry=LINE_INSIDE)

    stored = Contribution.objects.get(pk=comment.pk)
    assert stored.geometry == LINE_INSIDE
    midpoint = shape(LINE_INSIDE).interpolate(0.5, normalized=True)
    assert (stored.latitude, stored.longitude) == pytest.approx((midpoint.y, midpoint.x))
    assert stored.twin_feature is None


def test_an_area_inside_the_area_is_stored_with_a_point_inside_it(citizen, consultation):
    comment = post(citizen, consultation, geometry=AREA_INSIDE)

    stored = Contribution.objects.get(pk=comment.pk)
    assert stored.geometry == AREA_INSIDE
    assert shape(AREA_INSIDE).contains(Point(stored.longitude, stored.latitude))


def test_a_point_given_as_geometry_is_stored_as_coordinates_too(citizen, consultation):
    comment = post(citizen, consultation, geometry={"type": "Point", "coordinates": [4.364, 52.012]})

    assert (comment.latitude, comment.longitude) == (52.012, 4.364)
    assert comment.geometry == {"type": "Point", "coordinates": [4.364, 52.012]}


def test_a_point_given_as_coordinates_is_stored_as_geometry_too(citizen, consultation):
    comment = post(citizen, consultation, **INSIDE)

    assert comment.geometry == {"type": "Point", "coordinates": [INSIDE["longitude"], INSIDE["latitude"]]}


def test_a_line_reaching_outside_the_area_is_refused(citizen, consultation):
    error = refused(InvalidInput, citizen, consultation, geometry=line((4.3640, 52.0120), (4.3700, 52.0120)))

    assert error.field == "geometry"
    assert "The line reaches outside the area" in error.message


def test_an_area_outside_the_area_is_refused(citizen, consultation):
    error = refused(InvalidInput, citizen, consultation, geometry=OUTSIDE_BOX)

    assert error.field == "geometry"
    assert "The area reaches outside the area" in error.message


def test_a_line_a_metre_past_the_border_is_accepted_but_not_ten_metres(citizen, consultation):
    one_metre = 1 / (111_320 * math.cos(math.radians(52.012)))  # in degrees of longitude
    assert post(citizen, consultation, geometry=line((4.3640, 52.0120), (4.3622 - one_metre, 52.0120)))

    refused(InvalidInput, citizen, consultation, geometry=line((4.3640, 52.0120), (4.3622 - 10 * one_metre, 52.012)))


def polygon(*points, close: bool = True) -> dict:
    ring = [list(p) for p in points]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]] if close else ring]}


SW, SE, NE, NW = (4.363, 52.0115), (4.364, 52.0115), (4.364, 52.0125), (4.363, 52.0125)


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        (polygon(SW, NE, SE, NW), "not valid"),
        (polygon(SW, SE), "three points"),
        (polygon(SW, SE, NE, NW, close=False), "not closed"),
        (polygon(SW, SE, (4.365, 52.0115)), "three points"),
        (line((4.364, 52.012), (4.364, 52.012)), "two different points"),
        (line((4.364, 52.012)), "cannot be read"),
        ({"type": "LineString", "coordinates": [[4.364, "north"], [4.365, 52.012]]}, "cannot be read"),
        ({"type": "LineString", "coordinates": [[4.364, float("nan")], [4.365, 52.012]]}, "do not exist on earth"),
        ({"type": "MultiPolygon", "coordinates": [polygon(SW, SE, NE)["coordinates"]]}, "Only a point"),
        ({"type": "GeometryCollection", "geometries": []}, "Only a point"),
        ({"coordinates": [4.36, 52.01]}, "Only a point"),
        ("LINESTRING (4.36 52.01, 4.37 52.02)", "Only a point"),
        (line((4.364, 52.012), (4.364, 95.0)), "do not exist on earth"),
    ],
    ids=[
        "bow-tie",
        "ring-too-short",
        "ring-open",
        "area-without-area",
        "line-of-one-place",
        "line-of-one-point",
        "text-coordinate",
        "nan-coordinate",
        "multipolygon",
        "collection",
        "no-type",
        "wkt-text",
        "latitude-95",
    ],
)
def test_invalid_drawings_are_refused_with_a_message_for_the_drawing(citizen, consultation, drawing, message):
    error = refused(InvalidInput, citizen, consultation, geometry=drawing)

    assert error.field == "geometry"
    assert message in error.message


def test_a_drawing_of_more_than_500_points_is_refused(citizen, consultation):
    points = [(4.3630 + 0.002 * i / 500, 52.0115 + 0.000001 * (i % 2)) for i in range(501)]

    error = refused(InvalidInput, citizen, consultation, geometry=line(*points))

    assert "too many points (at most 500)" in error.message
    assert post(citizen, consultation, geometry=line(*points[:500]))


def test_an_area_over_half_of_the_consultation_area_is_refused(citizen, consultation):
    most = box(4.3623, 52.0110, 4.3659, 52.0134)  # inside, but about 90 % of it

    error = refused(InvalidInput, citizen, consultation, geometry=most)

    assert error.field == "geometry"
    assert "m²" in error.message and "leave the map out" in error.message
    assert geometry.square_metres(shape(most)) > 0.5 * geometry.square_metres(shape(DELFT_AREA))


def test_a_line_longer_than_the_area_s_perimeter_is_refused(citizen, consultation):
    zigzag = line(*[(4.3625 + 0.0003 * i, 52.0112 if i % 2 else 52.0132) for i in range(12)])  # 11 x 220 m

    error = refused(InvalidInput, citizen, consultation, geometry=zigzag)

    assert "The line is" in error.message and "may be at most" in error.message


def test_without_an_area_a_line_of_30_km_is_too_long_but_one_of_3_km_is_fine(citizen):
    consultation = factories.consultation("participate", area=None)

    assert post(citizen, consultation, geometry=line((4.36, 52.00), (4.40, 52.01)))
    error = refused(InvalidInput, citizen, consultation, geometry=line((4.36, 52.0), (4.80, 52.0)))
    assert "may be at most 20000 m" in error.message


def test_a_point_and_a_drawing_at_once_are_refused(citizen, consultation):
    error = refused(InvalidInput, citizen, consultation, geometry=LINE_INSIDE, **INSIDE)

    assert error.field == "geometry"
    assert "not both" in error.message


def test_an_empty_geometry_means_no_place(citizen, consultation):
    for empty in (None, "", {}):
        comment = post(citizen, consultation, geometry=empty)
        assert (comment.geometry, comment.latitude, comment.twin_feature) == (None, None, None)


def test_lines_and_objects_are_refused_where_map_pins_are_switched_off(citizen):
    consultation = factories.consultation("participate", allow_map_pins=False)

    refused(NotAllowed, citizen, consultation, geometry=LINE_INSIDE)
    refused(NotAllowed, citizen, consultation, twin_feature=factories.twin_feature())


# --- objects of the twin -----------------------------------------------------------------------


def test_a_comment_about_an_object_inside_the_area_is_stored_without_a_point(citizen, consultation):
    building = factories.twin_feature()

    comment = post(citizen, consultation, twin_feature=building)

    stored = Contribution.objects.get(pk=comment.pk)
    assert stored.twin_feature == building
    assert (stored.geometry, stored.latitude, stored.longitude) == (None, None, None)


def test_an_object_that_only_touches_the_area_counts_as_inside(citizen, consultation):
    across_the_border = factories.twin_feature(box(4.3655, 52.0120, 4.3670, 52.0125))

    assert post(citizen, consultation, twin_feature=across_the_border).twin_feature == across_the_border


def test_an_object_outside_the_area_is_refused(citizen, consultation):
    elsewhere = factories.twin_feature(OUTSIDE_BOX)

    error = refused(InvalidInput, citizen, consultation, twin_feature=elsewhere)

    assert error.field == "twin_feature"
    assert "outside the area of this consultation" in error.message


def test_an_object_outside_the_area_that_staff_tied_to_the_consultation_is_allowed(citizen, consultation):
    bridge = factories.twin_feature(OUTSIDE_BOX, kind="bridge")
    ConsultationTwinFeature.objects.create(page=consultation, twin_feature=bridge)

    assert post(citizen, consultation, twin_feature=bridge).twin_feature == bridge


def test_an_object_outside_the_area_tied_to_the_proposal_is_allowed_on_that_proposal_only(citizen, consultation):
    bridge = factories.twin_feature(OUTSIDE_BOX, kind="bridge")
    proposal, other = factories.proposal(consultation), factories.proposal(consultation)
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=bridge)

    assert post(citizen, consultation, proposal=proposal, twin_feature=bridge).twin_feature == bridge
    refused(InvalidInput, citizen, consultation, proposal=other, twin_feature=bridge)


def test_tied_objects_do_not_narrow_the_choice_to_them(citizen, consultation):
    ConsultationTwinFeature.objects.create(page=consultation, twin_feature=factories.twin_feature())
    untied = factories.twin_feature(box(4.3625, 52.0111, 4.3627, 52.0113))

    assert post(citizen, consultation, twin_feature=untied).twin_feature == untied


def test_without_an_area_any_object_is_allowed(citizen):
    consultation = factories.consultation("participate", area=None)
    far = factories.twin_feature(box(11.56, 48.14, 11.57, 48.15))

    assert post(citizen, consultation, twin_feature=far).twin_feature == far


def test_an_object_and_a_line_together(citizen, consultation):
    street = factories.twin_feature(LINE_INSIDE, kind="street")

    comment = post(citizen, consultation, twin_feature=street, geometry=LINE_INSIDE)

    assert (comment.twin_feature, comment.geometry) == (street, LINE_INSIDE)
    assert comment.latitude is not None


def test_a_comment_about_an_object_keeps_it_through_a_reimport_of_its_source(citizen, consultation, tmp_path):
    square = files.feature(box(4.3635, 52.0115, 4.3645, 52.0125), "markt", name="Marktplatz")
    path = files.write(tmp_path, "plaetze.geojson", files.geojson(square))
    import_twin_file(path=path, source="plaetze")
    market = TwinFeature.objects.get(source="plaetze", twin_id="markt")
    comment = post(citizen, consultation, twin_feature=market)

    moved = files.feature(box(4.3636, 52.0116, 4.3646, 52.0126), "markt", name="Großer Markt")
    import_twin_file(path=files.write(tmp_path, "plaetze.geojson", files.geojson(moved)), source="plaetze")

    stored = Contribution.objects.select_related("twin_feature").get(pk=comment.pk)
    assert stored.twin_feature_id == market.pk  # the same row, updated in place
    assert stored.twin_feature.name == "Großer Markt"
    assert stored.twin_feature.min_lon == pytest.approx(4.3636)
    assert TwinFeature.objects.filter(source="plaetze").count() == 1
