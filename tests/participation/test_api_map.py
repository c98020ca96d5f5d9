"""The map's API: comments with lines, areas and twin objects, clusters, the twin's search and footprints."""

import json

import pytest
from shapely.geometry import Point, shape

from participation import selectors
from participation.models import ConsultationTwinFeature, Contribution
from tests.support import factories
from tests.support.api import API, api_client, post_json
from tests.support.factories import DELFT_AREA, INSIDE, box

pytestmark = pytest.mark.usefixtures("english")

AREA_BBOX = "4.3622,52.0109,4.3660,52.0135"
LINE = {"type": "LineString", "coordinates": [[4.3630, 52.0115], [4.3640, 52.0120], [4.3650, 52.0128]]}


@pytest.fixture
def anonymous(db):
    return api_client()


@pytest.fixture
def as_citizen(citizen):
    return api_client(citizen)


def geojson(client, **params):
    response = client.get(f"{API}/contributions/geojson/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def spread(consultation, count: int, **fields) -> list[Contribution]:
    """``count`` published comments spread over a 40 x 40 grid inside DELFT_AREA, in one query."""
    return Contribution.objects.bulk_create(
        Contribution(
            consultation=consultation,
            text=f"Punkt {n}",
            latitude=52.0110 + 0.0024 * ((n // 40) % 40) / 40,
            longitude=4.3623 + 0.0036 * (n % 40) / 40,
            **fields,
        )
        for n in range(count)
    )


# --- writing with a line, an area or an object -----------------------------------------------------


def test_a_citizen_writes_a_comment_with_a_line(as_citizen, participating_consultation):
    response = post_json(
        as_citizen,
        f"{API}/contributions/",
        {"consultation": participating_consultation.pk, "text": "Radweg", "geometry": LINE},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["geometry"] == LINE
    midpoint = shape(LINE).interpolate(0.5, normalized=True)
    assert body["location"] == pytest.approx({"latitude": midpoint.y, "longitude": midpoint.x})
    assert Contribution.objects.get().geometry == LINE


def test_a_citizen_writes_a_comment_about_a_twin_object(as_citizen, participating_consultation):
    building = factories.twin_feature()

    response = post_json(
        as_citizen,
        f"{API}/contributions/",
        {"consultation": participating_consultation.pk, "text": "Schönes Haus", "twin_feature": building.pk},
    )

    assert response.status_code == 201, response.content
    assert response.json()["twin_feature"] == building.pk
    assert response.json()["location"] is None
    assert Contribution.objects.get().twin_feature == building


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"twin_feature": 999999}, "twin_feature", "There is no such object in the twin."),
        (
            {"geometry": {"type": "LineString", "coordinates": [[4.364, 52.012], [4.38, 52.012]]}},
            "geometry",
            "reaches outside",
        ),
        ({"geometry": "a bike lane"}, "geometry", "Only a point"),
        ({"geometry": LINE, "location": INSIDE}, "geometry", "not both"),
    ],
    ids=["unknown-object", "line-outside", "not-geojson", "point-and-line"],
)
def test_refused_places_are_400_on_their_field(as_citizen, participating_consultation, fields, field, message):
    data = {"consultation": participating_consultation.pk, "text": "Hier", **fields}

    response = post_json(as_citizen, f"{API}/contributions/", data)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert not Contribution.objects.exists()


def test_an_object_outside_the_area_is_400(as_citizen, participating_consultation):
    far = factories.twin_feature(box(4.40, 52.02, 4.41, 52.03))

    response = post_json(
        as_citizen,
        f"{API}/contributions/",
        {"consultation": participating_consultation.pk, "text": "x", "twin_feature": far.pk},
    )

    assert response.status_code == 400
    assert "outside the area" in response.json()["twin_feature"][0]


# --- the comments' GeoJSON: shapes, objects, clusters ------------------------------------------------


def test_lines_areas_and_objects_are_features_of_their_own_shape(anonymous, participating_consultation):
    building = factories.twin_feature()
    drawn = factories.comment(participating_consultation, geometry=LINE, latitude=52.012, longitude=4.364)
    about = factories.comment(participating_consultation, twin_feature=building, text="Das Haus")

    body = geojson(anonymous, consultation=participating_consultation.pk)

    features = {f["id"]: f for f in body["features"]}
    assert features[drawn.pk]["geometry"] == LINE
    assert features[about.pk]["geometry"] == {"type": "Point", "coordinates": [building.longitude, building.latitude]}
    assert features[about.pk]["properties"]["twin_feature"] == building.pk
    assert features[about.pk]["properties"]["text"] == "Das Haus"
    assert (body["clustered"], body["total"]) == (False, 2)


def test_comments_about_objects_outside_the_view_are_left_out(anonymous, participating_consultation):
    factories.comment(participating_consultation, twin_feature=factories.twin_feature(box(4.40, 52.02, 4.41, 52.03)))

    assert geojson(anonymous, bbox=AREA_BBOX)["features"] == []


def test_up_to_300_comments_come_one_by_one_with_their_text(anonymous, participating_consultation):
    spread(participating_consultation, selectors.MAP_UNCLUSTERED_LIMIT)

    body = geojson(anonymous, consultation=participating_consultation.pk, bbox=AREA_BBOX, zoom=16)

    assert body["clustered"] is False
    assert len(body["features"]) == selectors.MAP_UNCLUSTERED_LIMIT
    assert all(f["properties"]["text"].startswith("Punkt") for f in body["features"])


def test_more_comments_come_as_clusters_that_add_up(anonymous, participating_consultation):
    spread(participating_consultation, 1000)
    lone = factories.comment(participating_consultation, latitude=52.0134, longitude=4.3659, text="Allein in der Ecke")
    factories.comment(participating_consultation, twin_feature=factories.twin_feature(), text="Über ein Haus")

    body = geojson(anonymous, consultation=participating_consultation.pk, bbox=AREA_BBOX, zoom=18)

    assert body["clustered"] is True and body["total"] == 1002
    clusters = [f for f in body["features"] if f["properties"].get("cluster")]
    singles = [f for f in body["features"] if not f["properties"].get("cluster")]
    assert sum(c["properties"]["count"] for c in clusters) + len(singles) == 1002
    assert all(set(c["properties"]) == {"cluster", "count"} for c in clusters)  # no text in clusters
    assert all(c["properties"]["count"] > 1 for c in clusters)
    assert lone.pk in {s["id"] for s in singles}
    assert all(shape(DELFT_AREA).buffer(0.0001).contains(Point(c["geometry"]["coordinates"])) for c in clusters)


def test_a_lower_zoom_gives_fewer_and_bigger_clusters(anonymous, participating_consultation):
    spread(participating_consultation, 1600)

    near = geojson(anonymous, bbox=AREA_BBOX, zoom=18)["features"]
    far = geojson(anonymous, bbox=AREA_BBOX, zoom=14)["features"]

    assert len(far) < len(near)
    assert len(far) <= 2 and sum(f["properties"]["count"] for f in far) == 1600  # the grid may cut the area once


def test_clusters_are_bounded_whatever_the_view_and_zoom(anonymous, participating_consultation):
    spread(participating_consultation, 1600)

    body = geojson(anonymous, bbox="-180,-85,180,85", zoom=24)

    assert body["clustered"] is True
    assert len(body["features"]) <= selectors.MAP_MAX_CELLS


def test_hidden_comments_and_withdrawn_consultations_stay_off_the_clusters(anonymous, participating_consultation):
    spread(participating_consultation, 400, moderation_state="hidden")
    withdrawn = factories.consultation("participate")
    spread(withdrawn, 400)
    withdrawn.unpublish()

    assert geojson(anonymous, bbox=AREA_BBOX, zoom=16) == {
        "type": "FeatureCollection",
        "clustered": False,
        "total": 0,
        "features": [],
    }


@pytest.mark.parametrize("zoom", ["-1", "25", "far"])
def test_a_bad_zoom_is_400(anonymous, db, zoom):
    response = anonymous.get(f"{API}/contributions/geojson/", {"zoom": zoom})

    assert response.status_code == 400
    assert "zoom" in response.json()


# --- the twin: search and footprints ---------------------------------------------------------------


def search(client, **params):
    response = client.get(f"{API}/twin-features/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_search_finds_objects_by_name_address_and_twin_id(anonymous, db):
    town_hall = factories.twin_feature(name="Stadhuis", twin_id="NL.IMBAG.Pand.0503100000000001")
    shop = factories.twin_feature(address="Markt 12, Delft")
    factories.twin_feature(name="Nieuwe Kerk")

    assert [item["id"] for item in search(anonymous, q="stadh")] == [town_hall.pk]
    assert [item["id"] for item in search(anonymous, q="markt 12")] == [shop.pk]
    assert [item["id"] for item in search(anonymous, q="Pand.05031")] == [town_hall.pk]
    assert search(anonymous, q="") == []
    (item,) = search(anonymous, q="Stadhuis")
    assert item == {
        "id": town_hall.pk,
        "label": "Stadhuis",
        "kind": "building",
        "kind_label": "Building",
        "category": "Building",
        "name": "Stadhuis",
        "address": "",
        "twin_id": "NL.IMBAG.Pand.0503100000000001",
        "source": "test",
        "url": f"/twin/{town_hall.pk}/",
    }


def test_the_search_for_a_consultation_lists_what_may_be_chosen_tied_objects_first(
    anonymous, participating_consultation
):
    inside = factories.twin_feature(name="Brücke am Platz")
    outside = factories.twin_feature(box(4.40, 52.02, 4.41, 52.03), name="Brücke weit weg")
    tied_outside = factories.twin_feature(box(4.37, 52.02, 4.371, 52.021), name="Brücke, verbunden")
    ConsultationTwinFeature.objects.create(page=participating_consultation, twin_feature=tied_outside)

    found = search(anonymous, q="brücke", consultation=participating_consultation.pk)

    assert [item["id"] for item in found] == [tied_outside.pk, inside.pk]
    assert outside.pk not in {
        item["id"] for item in search(anonymous, q="weit", consultation=participating_consultation.pk)
    }


def test_the_search_lists_at_most_20(anonymous, db):
    for n in range(25):
        factories.twin_feature(name=f"Haus {n}")

    assert len(search(anonymous, q="Haus")) == selectors.TWIN_SEARCH_LIMIT


def test_the_search_for_an_unknown_or_unpublished_consultation_is_404(anonymous, participating_consultation):
    participating_consultation.unpublish()

    assert (
        anonymous.get(f"{API}/twin-features/", {"q": "x", "consultation": participating_consultation.pk}).status_code
        == 404
    )
    assert anonymous.get(f"{API}/twin-features/", {"q": "x", "consultation": 999999}).status_code == 404


def twin_geojson(client, **params):
    response = client.get(f"{API}/twin-features/geojson/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_twin_footprints_in_the_view(anonymous, db):
    building = factories.twin_feature(name="Stadhuis")
    factories.twin_feature(box(4.40, 52.02, 4.41, 52.03))

    body = twin_geojson(anonymous, bbox=AREA_BBOX, zoom=17)

    assert body["clustered"] is False and body["total"] == 1
    (feature,) = body["features"]
    assert feature["id"] == building.pk and feature["geometry"] == building.geometry
    assert feature["properties"] == {
        "label": "Stadhuis",
        "kind": "building",
        "kind_label": "Building",
        "url": f"/twin/{building.pk}/",
    }


def test_the_twin_comes_in_clusters_when_zoomed_out_or_too_many(anonymous, db, monkeypatch):
    for n in range(5):
        factories.twin_feature(box(4.3625 + n * 0.0005, 52.0112, 4.3627 + n * 0.0005, 52.0114))

    zoomed_out = twin_geojson(anonymous, bbox=AREA_BBOX, zoom=12)
    monkeypatch.setattr(selectors.map, "TWIN_MAP_LIMIT", 3)
    too_many = twin_geojson(anonymous, bbox=AREA_BBOX, zoom=18)

    for body in (zoomed_out, too_many):
        assert body["clustered"] is True and body["total"] == 5
        assert sum(f["properties"]["count"] for f in body["features"]) == 5
        assert all("geometry" in f and f["properties"]["cluster"] for f in body["features"])


def test_the_twin_footprints_need_a_view(anonymous, db):
    response = anonymous.get(f"{API}/twin-features/geojson/")

    assert response.status_code == 400
    assert "bbox" in response.json()


def test_the_schema_documents_the_map_endpoints(anonymous, db):
    schema = json.loads(anonymous.get(f"{API}/schema/", {"format": "json"}).content)

    assert {"/api/v1/twin-features/", "/api/v1/twin-features/geojson/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/contributions/geojson/"]["get"]["parameters"]}
    assert {"consultation", "bbox", "zoom"} <= parameters
