"""The twin base map's tiles over HTTP: gzipped, cached by revision (ETag, immutable with ?v=), a new
revision after an import; and the twin object's detail a click on the map asks for."""

import gzip
import json

import pytest
from django.urls import reverse

from participation import selectors, services
from participation.models import TwinFeature
from participation.selectors.boxes import box_meets
from participation.selectors.twin_tiles import twin_tile_features
from participation.twin_tiles import EXTENT, tile_bounds, tiles_covering
from participation.twin_tiles.encode import CLIP_MARGIN
from tests.support import factories
from tests.support.api import API, api_client
from tests.support.twin_files import DELFT

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def delft(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.import_twin_file(path=DELFT)


def tile_url(zoom: int, x: int, y: int) -> str:
    return reverse("api:twin-tile", args=[zoom, x, y])


def delft_tile(zoom: int) -> tuple[int, int, int]:
    west, south, east, north = selectors.twin_map_state()["bounds"]
    x, y = tiles_covering(((west + east) / 2, (south + north) / 2) * 2, zoom)[0]
    return zoom, x, y


def test_a_tile_is_gzipped_json_of_the_twin(delft):
    response = api_client().get(tile_url(*delft_tile(17)), headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json" and response["Content-Encoding"] == "gzip"
    tile = json.loads(gzip.decompress(response.content))
    classes = {feature["c"] for feature in tile["features"]}
    assert {"building", "road", "green"} <= classes
    assert all(isinstance(value, int) for feature in tile["features"] for part in feature["g"] for value in part)


def test_a_client_without_gzip_gets_it_plain(delft):
    response = api_client().get(tile_url(*delft_tile(16)), headers={"accept-encoding": "identity"})
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert json.loads(response.content)["features"]


def test_the_revision_makes_it_cacheable_for_good_and_answers_again_with_304(delft):
    revision = selectors.twin_revision()
    client, url = api_client(), tile_url(*delft_tile(17))
    kept = client.get(url, {"v": revision})
    assert kept["Cache-Control"] == "public, max-age=31536000, immutable"
    assert kept["ETag"] == f'"{revision}"'
    assert "max-age=60" in client.get(url, {"v": "old"})["Cache-Control"]
    again = client.get(url, headers={"if-none-match": kept["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_an_import_makes_a_new_revision_and_new_tiles(delft, django_capture_on_commit_callbacks):
    before = selectors.twin_revision()
    zoom, x, y = delft_tile(18)
    first = json.loads(gzip.decompress(selectors.twin_tile(zoom=zoom, x=x, y=y)))
    west, south, east, north = selectors.twin_map_state()["bounds"]
    lon, lat = (west + east) / 2, (south + north) / 2
    with django_capture_on_commit_callbacks(execute=True):
        feature = factories.twin_feature(factories.box(lon, lat, lon + 0.0002, lat + 0.0001), kind="water")
        services.twin_changed(objects=1)
    assert selectors.twin_revision() != before
    now = json.loads(gzip.decompress(selectors.twin_tile(zoom=zoom, x=x, y=y)))
    assert feature.pk in {item["id"] for item in now["features"]} - {item["id"] for item in first["features"]}


@pytest.mark.parametrize(("zoom", "x", "y"), [(12, 0, 0), (19, 0, 0), (15, 2**15, 0), (15, 0, 2**15)])
def test_tiles_beyond_the_base_map_are_404_with_a_message(db, zoom, x, y):
    response = api_client().get(tile_url(zoom, x, y))
    assert response.status_code == 404
    assert "zoom 13 to 18" in response.json()["detail"]


def test_an_empty_twin_has_no_base_map_and_empty_tiles(db):
    assert selectors.twin_map_state() is None
    response = api_client().get(tile_url(15, 16781, 10816), headers={"accept-encoding": "gzip"})
    assert json.loads(gzip.decompress(response.content))["features"] == []


def test_the_warm_task_computes_every_tile_of_the_twin_ahead(delft):
    computed = services.warm_twin_tiles(zooms=range(13, 16))
    state = selectors.twin_map_state()
    assert computed == sum(len(tiles_covering(state["bounds"], zoom)) for zoom in range(13, 16))
    assert services.warm_twin_tiles(zooms=range(13, 16)) == computed  # again: read from the cache


def test_the_detail_names_and_outlines_an_object(delft):
    feature = TwinFeature.objects.filter(kind="building").order_by("pk").first()
    response = api_client().get(f"{API}/twin-features/{feature.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == feature.label and body["url"] == f"/twin/{feature.pk}/"
    assert body["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_the_detail_of_an_unknown_object_is_404_json(db):
    response = api_client().get(f"{API}/twin-features/999999/")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no such object in the city model."


def test_a_tile_finds_every_object_meeting_it_by_its_key(delft):
    """The tile-key index finds what a plain box search over every object finds (objects on tile edges,
    large ones, and those without a key included)."""
    factories.twin_feature()  # made without a key: found everywhere, kept where it meets the tile
    state = selectors.twin_map_state()
    for zoom in (15, 17, 18):
        for x, y in tiles_covering(state["bounds"], zoom):
            bounds = tile_bounds(zoom, x, y, margin=CLIP_MARGIN / EXTENT)
            expected = set(TwinFeature.objects.filter(box_meets(bounds)).values_list("id", flat=True))
            found = {feature.id for feature in twin_tile_features(zoom=zoom, x=x, y=y)}
            missing = {pk for pk in expected - found if not too_small_to_draw(pk, zoom)}
            assert not missing, (zoom, x, y, missing)


def too_small_to_draw(pk: int, zoom: int) -> bool:
    feature = TwinFeature.objects.get(pk=pk)
    unit = 360.0 / (2**zoom * EXTENT)
    box_size = (feature.max_lon - feature.min_lon) * (feature.max_lat - feature.min_lat)
    return feature.is_building and box_size < 4 * unit * unit


def test_a_tile_naming_another_revision_reads_the_twin_afresh(delft):
    """A process whose own cache missed a change (no shared cache: a second server, a command beside it)
    catches up as soon as a page names the newer revision in its tiles' address."""
    old = selectors.twin_revision()
    factories.twin_feature()  # behind the services' back: nobody forgot the kept state
    new = selectors.twin_revision(seen="a-newer-one")
    assert new != old
    assert selectors.twin_revision(seen=new) == new
