"""The 3D view of a consultation: its scene endpoint and its page, on the real Delft city model."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from shapely.geometry import box, shape
from wagtail.models import PageViewRestriction

from participation import selectors
from participation.models import (
    ModerationState,
    ProposalTwinFeature,
    TwinFeature,
    TwinKind,
    Vote,
)
from participation.services import import_twin_file
from participation.views import scene as views_3d
from tests.support import factories
from tests.support.needs import require_maplibre
from tests.support.twin_files import DELFT

pytestmark = pytest.mark.django_db

# The eastern half of the Delft model (the demo's "Grüne Straßen"): 132 of its 160 buildings.
EAST = (4.3660, 52.0109, 4.3694, 52.0135)
TALL = "b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f"  # 6.0 m (its measuredHeight), inside EAST


def area(min_lon, min_lat, max_lon, max_lat) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def browser() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def delft(db):
    import_twin_file(path=DELFT)


@pytest.fixture
def consultation(delft):
    return factories.consultation("vote", area=area(*EAST))


def scene_url(consultation) -> str:
    return f"/consultations/{consultation.pk}/3d/scene.geojson"


def page_url(consultation) -> str:
    return f"/consultations/{consultation.pk}/3d/"


def get_scene(consultation) -> dict:
    response = browser().get(scene_url(consultation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def by_twin_id(collection: dict) -> dict[str, dict]:
    ids = dict(TwinFeature.objects.values_list("pk", "twin_id"))
    return {ids[feature["id"]]: feature for feature in collection["features"]}


def buildings_meeting(bounds) -> set[str]:
    """Worked out apart from the columns the endpoint queries: the footprints' own extent, by shapely."""
    region = box(*bounds)
    return {
        feature.twin_id
        for feature in TwinFeature.objects.filter(kind__in=[TwinKind.BUILDING, TwinKind.BUILDING_PART])
        if shape(feature.geometry).envelope.intersects(region)
    }


def vote(proposal, choices: list[str]) -> None:
    Vote.objects.bulk_create(
        Vote(proposal=proposal, participant=factories.participant(voter), choice=c)
        for voter, c in zip(factories.citizens(len(choices)), choices, strict=True)
    )


# --- the scene -----------------------------------------------------------------------------------


def test_scene_has_the_buildings_of_the_area_with_their_heights(consultation):
    collection = get_scene(consultation)

    features = by_twin_id(collection)
    assert set(features) == buildings_meeting(EAST)
    assert len(features) == 132  # of the model's 160 buildings; no roads, land use or plants
    assert collection["truncated"] is False
    heights = dict(TwinFeature.objects.values_list("twin_id", "height"))
    for twin_id, feature in features.items():
        assert feature["properties"]["kind"] == TwinKind.BUILDING
        assert feature["properties"]["height"] == heights[twin_id]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    tall = features[TALL]["properties"]
    assert tall["height"] == 6.0
    assert tall == {
        "id": features[TALL]["id"],
        "name": "Building, 6 m",  # the Delft buildings have no names: what they are stands for them
        "kind": "building",
        "height": 6.0,
        "contributions": 0,
        "proposals": 0,
        "support": 0,
        "oppose": 0,
        "abstain": 0,
        "support_share": None,
        "rating_count": 0,
        "rating_average": None,
    }


def test_a_building_of_unknown_height_has_no_height_in_the_scene(consultation):
    TwinFeature.objects.filter(twin_id=TALL).update(height=None)
    assert by_twin_id(get_scene(consultation))[TALL]["properties"]["height"] is None  # the page draws 10 m


def test_scene_carries_the_comments_and_votes_tied_to_each_building(consultation, citizen):
    buildings = {f.twin_id: f for f in TwinFeature.objects.filter(kind=TwinKind.BUILDING)}
    tall = buildings[TALL]
    in_area = sorted(buildings_meeting(EAST) - {TALL})
    neighbour, third = buildings[in_area[0]], buildings[in_area[1]]

    # Published comments of this consultation count; waiting, hidden, deleted and other consultations' do not.
    for _ in range(2):
        factories.comment(consultation, author=citizen, twin_feature=tall)
    factories.comment(consultation, twin_feature=tall, moderation_state=ModerationState.PENDING)
    factories.comment(consultation, twin_feature=tall, moderation_state=ModerationState.HIDDEN)
    factories.comment(consultation, twin_feature=tall, deleted_at=timezone.now())
    other = factories.consultation("vote", area=area(*EAST))
    factories.comment(other, twin_feature=tall)
    factories.comment(consultation, twin_feature=third)

    # Votes of the published proposals tied to a building, added up; a withdrawn proposal's do not count.
    market = factories.proposal(consultation, title="Markt")
    trees = factories.proposal(consultation, title="Bäume")
    withdrawn = factories.proposal(consultation, title="Zurückgezogen")
    withdrawn.unpublish()
    elsewhere = factories.proposal(other, title="Anderswo")
    for proposal, building in [(market, tall), (trees, tall), (trees, neighbour), (withdrawn, neighbour)]:
        ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
    ProposalTwinFeature.objects.create(page=elsewhere, twin_feature=third)
    vote(market, ["support", "support", "oppose"])
    vote(trees, ["support", "abstain"])
    vote(withdrawn, ["oppose"] * 4)
    vote(elsewhere, ["oppose"] * 2)

    features = by_twin_id(get_scene(consultation))

    tall_properties = features[TALL]["properties"]
    assert (tall_properties["contributions"], tall_properties["proposals"]) == (2, 2)
    assert (tall_properties["support"], tall_properties["oppose"], tall_properties["abstain"]) == (3, 1, 1)
    assert tall_properties["support_share"] == 0.75  # abstentions left out
    neighbour_properties = features[neighbour.twin_id]["properties"]
    assert (neighbour_properties["contributions"], neighbour_properties["proposals"]) == (0, 1)
    assert (neighbour_properties["support"], neighbour_properties["oppose"], neighbour_properties["abstain"]) == (
        1,
        0,
        1,
    )
    assert neighbour_properties["support_share"] == 1.0
    third_properties = features[third.twin_id]["properties"]
    assert (third_properties["contributions"], third_properties["proposals"], third_properties["oppose"]) == (1, 0, 0)
    assert third_properties["support_share"] is None


def scene_queries(consultation) -> int:
    with CaptureQueriesContext(connection) as context:
        get_scene(consultation)
    return len(context.captured_queries)


def test_scene_takes_a_fixed_number_of_queries(consultation, django_assert_num_queries):
    few = factories.proposal(consultation)
    buildings = list(TwinFeature.objects.filter(kind=TwinKind.BUILDING).order_by("id"))
    ProposalTwinFeature.objects.create(page=few, twin_feature=buildings[0])
    factories.comment(consultation, twin_feature=buildings[0])
    vote(few, ["support"])
    get_scene(consultation)  # the host's first request reads the site's profile, kept after
    # The page, its view restrictions, then the scene: buildings, comment counts, proposals, votes, links.
    with django_assert_num_queries(7):
        get_scene(consultation)

    for index in range(2, 6):
        proposal = factories.proposal(consultation)
        for building in buildings[index * 10 : index * 10 + 10]:
            ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
            factories.comment(consultation, twin_feature=building)
        vote(proposal, ["support", "oppose", "abstain"])
    with django_assert_num_queries(7):
        get_scene(consultation)


def test_the_scene_is_capped(consultation):
    scene = selectors.consultation_scene(consultation=consultation, limit=5)
    assert len(scene.buildings) == 5
    assert scene.truncated is True
    collection = selectors.scene_feature_collection(scene)
    assert collection["truncated"] is True and len(collection["features"]) == 5
    assert selectors.SCENE_LIMIT == 5000


def test_a_consultation_without_an_area_has_an_empty_scene(delft):
    consultation = factories.consultation("vote", area=None)
    assert get_scene(consultation) == {"type": "FeatureCollection", "truncated": False, "features": []}
    response = browser().get(page_url(consultation))
    assert response.status_code == 200


# --- who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "scene.geojson"])
def test_unknown_unpublished_or_private_consultations_are_not_found(consultation, proposal, suffix):
    client = browser()
    assert client.get(f"/consultations/{consultation.pk}/3d/{suffix}").status_code == 200
    assert client.get(f"/consultations/999999/3d/{suffix}").status_code == 404
    assert client.get(f"/consultations/{proposal.pk}/3d/{suffix}").status_code == 404  # a proposal is no consultation

    PageViewRestriction.objects.create(page=consultation, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(f"/consultations/{consultation.pk}/3d/{suffix}").status_code == 404
    PageViewRestriction.objects.all().delete()

    consultation.unpublish()
    assert client.get(f"/consultations/{consultation.pk}/3d/{suffix}").status_code == 404


def test_the_scene_is_read_only(consultation):
    assert browser().post(scene_url(consultation)).status_code == 405
    assert browser().post(page_url(consultation)).status_code == 405


# --- the page ------------------------------------------------------------------------------------


def scene_config(response) -> dict:
    match = re.search(r'<script id="scene-config" type="application/json">(.*?)</script>', response.content.decode())
    assert match, "the page carries the scene's configuration"
    return json.loads(match.group(1))


def test_page_lists_what_the_view_shows_as_text(consultation, citizen):
    require_maplibre()  # without it the page says the view is not installed (the test after the next)
    tall = TwinFeature.objects.get(twin_id=TALL)
    proposal = factories.proposal(consultation, title="Ein Markt am Wasser")
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=tall)
    vote(proposal, ["support", "support", "support", "oppose"])
    factories.comment(consultation, author=citizen, twin_feature=tall, latitude=52.0113, longitude=4.3679)

    response = browser().get(page_url(consultation))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{consultation.url}"' in content  # back to the consultation
    assert "The twin has 132 buildings in the consultation area." in content
    assert "1 comment is pinned to a place." in content
    rows = re.findall(r"<tr data-building=\"(\d+)\">(.*?)</tr>", content, re.DOTALL)
    assert [int(pk) for pk, _ in rows] == [tall.pk]  # only the buildings something was said about
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rows[0][1])]
    assert cells == ["Building, 6 m", "6.0 m", "1", "Ein Markt am Wasser", "3", "1", "0", "75 %"]
    assert f'href="{proposal.url}"' in rows[0][1]

    config = scene_config(response)
    assert config["sceneUrl"] == scene_url(consultation)
    assert config["pinsUrl"] == f"/api/v1/contributions/geojson/?consultation={consultation.pk}"
    assert config["bounds"] == list(EAST)
    assert config["defaultHeight"] == 10
    assert config["maplibreUrl"] == "/static/vendor/maplibre-gl/maplibre-gl.mjs"
    assert config["labels"]["ready"] == "The 3D view shows 132 buildings and 1 pinned comment."
    assert config["locale"]["Map.Title"] == "3D view of the consultation area"
    assert '<script type="module" src="/static/participation/scene3d.js">' in content
    assert "/static/vendor/maplibre-gl/maplibre-gl.css" in content


def test_page_takes_a_fixed_number_of_queries(consultation, citizen):
    buildings = list(TwinFeature.objects.filter(kind=TwinKind.BUILDING).order_by("id"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert browser().get(page_url(consultation)).status_code == 200
        return len(context.captured_queries)

    proposal = factories.proposal(consultation)
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=buildings[0])
    queries()  # Wagtail caches the site's root paths on the first request
    first = queries()
    assert first <= 12  # page, restrictions, the scene's five, pins, locale, site and its settings
    for building in buildings[1:40]:
        other = factories.proposal(consultation)
        ProposalTwinFeature.objects.create(page=other, twin_feature=building)
        factories.comment(consultation, author=citizen, twin_feature=building, latitude=52.012, longitude=4.367)
    assert queries() == first


def test_a_rated_consultations_buildings_carry_the_average_rating_in_the_scene_and_the_table(delft):
    rated = factories.consultation("vote", area=area(*EAST), voting_method="rating")
    tall = TwinFeature.objects.get(twin_id=TALL)
    proposal = factories.proposal(rated, title="Bänke am Wasser")
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=tall)
    for voter, rating in zip(factories.citizens(3), (5, 4, 2), strict=True):
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), rating=rating)

    properties = by_twin_id(get_scene(rated))[TALL]["properties"]
    content = browser().get(page_url(rated)).content.decode()

    assert (properties["rating_count"], properties["rating_average"]) == (3, 3.67)
    assert properties["support_share"] is None
    (row,) = re.findall(r"<tr data-building=\"\d+\">(.*?)</tr>", content, re.DOTALL)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
    assert cells[-2:] == ["3", "3.7"]
    assert '<th scope="col">Average rating</th>' in content


def test_page_says_so_when_maplibre_is_not_installed(consultation, settings, tmp_path):
    # A server where `npm ci` never ran: MapLibre's files neither among the static folders nor collected.
    settings.STATICFILES_DIRS = [entry for entry in settings.STATICFILES_DIRS if not isinstance(entry, tuple)]
    settings.STATIC_ROOT = tmp_path / "static"
    assert not views_3d.maplibre_installed()
    response = browser().get(page_url(consultation))
    content = response.content.decode()
    assert response.status_code == 200
    assert "The 3D view is not installed on this server." in content
    assert "scene3d.js" not in content and "maplibre-gl" not in content and "scene-config" not in content
    assert "The twin has 132 buildings in the consultation area." in content


def test_maplibre_is_installed_and_served_from_its_npm_package():
    from django.contrib.staticfiles import finders

    found = require_maplibre()
    assert found == finders.find(views_3d.MAPLIBRE_SCRIPT)
    assert found.endswith("node_modules/maplibre-gl/dist/maplibre-gl.mjs")
    assert views_3d.maplibre_installed()


def test_consultation_page_links_to_its_3d_view(consultation):
    response = browser().get(consultation.url)
    assert f'<a href="/consultations/{consultation.pk}/3d/">3D view</a>' in response.content.decode()
