"""Real OGC API clients against a real server process: GDAL's ogrinfo (OAPIF driver, what QGIS
and most GIS tools are built on) and OWSLib's ``Features``, on the imported Delft twin (570 objects,
more than one page) with contributions and votes tied to one of its buildings.

ogrinfo is Debian's gdal-bin; a machine without it skips (a CI run with REQUIRE=gdal fails)."""

from __future__ import annotations

import os
import re
import subprocess
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from shapely.geometry import box, shape

from participation.models import ProposalTwinFeature, TwinFeature, Vote, VoteChoice
from participation.services import import_twin_file
from tests.support import factories
from tests.support.needs import require_gdal
from tests.support.server import ServerProcess, new_channel_prefix
from tests.support.twin_files import DELFT

# Transactional, so that the server process sees the data; without serialized_rollback on purpose:
# restoring the migrated rows fails (UNIQUE content types) after a transactional test without it,
# whose flush re-created the content types with new ids (in a full run: tests/forum/test_seed_demo.py).
# The data fixture builds what it needs (factories.home_page() re-creates the Wagtail tree).
pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
]

BUILDING = "b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f"  # Delft: measuredHeight 6.0
PAGE_SIZE = 100  # ogrinfo's page; Delft's 570 objects take six of them
BOX = (4.3640, 52.0110, 4.3660, 52.0120)  # a part of the Delft extract
# Nothing between the test and its server on 127.0.0.1: no proxy from the environment.
CLIENT_ENV = {
    **{k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
    "NO_PROXY": "127.0.0.1,localhost",
    "GDAL_HTTP_TIMEOUT": "60",
}


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One uvicorn process for the module; every test commits its own data (transactional tests)."""
    process = ServerProcess(mail_dir=tmp_path_factory.mktemp("ogc-mail"), channel_prefix=new_channel_prefix())
    yield process
    process.stop()
    assert not process.errors(), "the server logged errors:\n" + "\n".join(process.errors())


@pytest.fixture
def ogrinfo():
    path = require_gdal()

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([path, *args], capture_output=True, text=True, timeout=240, env=CLIENT_ENV, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return done

    return run


@pytest.fixture
def delft(transactional_db):
    """The Delft twin, a consultation whose proposal is tied to BUILDING, votes on it, and three
    contributions: one tied to BUILDING, one pinned to a point, one drawn as an area."""
    # After a flush that left no content types (one of a serialized_rollback test), cached ids are stale.
    ContentType.objects.clear_cache()
    import_twin_file(path=DELFT)
    building = TwinFeature.objects.get(twin_id=BUILDING)
    consultation = factories.consultation("vote", title="Beestenmarkt")
    proposal = factories.proposal(consultation, title="Ein Dachgarten")
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
    author = factories.CitizenFactory(username="private-person", email="private.person@example.org")
    for voter, choice in zip(factories.citizens(3), ["support", "support", "oppose"], strict=True):
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), choice=choice)
    Vote.objects.create(proposal=proposal, participant=factories.participant(author), choice=VoteChoice.ABSTAIN)
    tied = factories.comment(
        consultation, author=author, text="Dach begrünen", proposal=proposal, twin_feature=building
    )
    pinned = factories.comment(
        consultation, author=author, text="Hier fehlt eine Bank", latitude=52.0115, longitude=4.365
    )
    area = {
        "type": "Polygon",
        "coordinates": [[[4.363, 52.011], [4.364, 52.011], [4.364, 52.012], [4.363, 52.012], [4.363, 52.011]]],
    }
    drawn = factories.comment(
        consultation, author=author, text="Mehr Schatten", geometry=area, latitude=52.0115, longitude=4.3635
    )
    return SimpleNamespace(building=building, proposal=proposal, tied=tied, pinned=pinned, drawn=drawn, area=area)


def ogc_url(server: ServerProcess) -> str:
    return f"{server.url}/api/ogc/"


# --- ogrinfo ---------------------------------------------------------------------------------------


def features_of(output: str, layer: str) -> dict[int, dict]:
    """ogrinfo's feature listing, by FID: each feature's fields (as text) and its geometry (WKT)."""
    features: dict[int, dict] = {}
    current: dict | None = None
    for line in output.splitlines():
        if match := re.match(rf"OGRFeature\({re.escape(layer)}\):(\d+)$", line):
            current = {"fields": {}, "wkt": None}
            features[int(match.group(1))] = current
        elif current is not None and (match := re.match(r"  (\S+) \(.*?\) = (.*)$", line)):
            current["fields"][match.group(1)] = match.group(2)
        elif current is not None and re.match(r"  (MULTI)?(POLYGON|POINT|LINESTRING)", line):
            current["wkt"] = line.strip()
    return features


def first_vertex(wkt: str) -> tuple[float, float]:
    x, y = re.search(r"\(+\s*([-\d.e]+) ([-\d.e]+)", wkt).groups()
    return float(x), float(y)


def test_ogrinfo_lists_both_collections(server, delft, ogrinfo):
    done = ogrinfo("-ro", "-so", f"OAPIF:{ogc_url(server)}")

    layers = re.findall(r"^\d+: (\S+)", done.stdout, flags=re.MULTILINE)
    assert sorted(layers) == ["contributions", "twin-features"]


def test_ogrinfo_reads_every_twin_object_page_after_page(server, delft, ogrinfo):
    done = ogrinfo("-ro", "-oo", f"PAGE_SIZE={PAGE_SIZE}", "--debug", "on", f"OAPIF:{ogc_url(server)}", "twin-features")

    assert "Feature Count: 570" in done.stdout
    features = features_of(done.stdout, "twin-features")
    assert len(features) == 570  # more than five pages of 100, through the next links
    assert set(features) == set(TwinFeature.objects.values_list("pk", flat=True))  # integer ids become FIDs
    pages = re.findall(r"collections/twin-features/items\?[^\s)]*", done.stderr)
    assert len({page for page in pages if "limit=100" in page}) >= 6, pages

    building = features[delft.building.pk]
    assert building["fields"]["twin_id"] == BUILDING
    assert building["fields"]["kind"] == "building"
    assert float(building["fields"]["height"]) == 6.0
    assert building["fields"]["contributions"] == "1"
    assert re.sub(r"\s", "", building["fields"]["votes"]) == '{"support":2,"oppose":1,"abstain":1}'
    stored = delft.building.geometry["coordinates"]
    ring = stored[0] if delft.building.geometry["type"] == "Polygon" else stored[0][0]
    assert first_vertex(building["wkt"]) == pytest.approx(tuple(ring[0]), abs=1e-9)
    assert 4.36 < ring[0][0] < 4.37 and 52.01 < ring[0][1] < 52.02  # Delft, lon/lat order


def test_ogrinfo_sends_its_spatial_filter_as_bbox(server, delft, ogrinfo):
    done = ogrinfo(
        "-ro", "-oo", f"PAGE_SIZE={PAGE_SIZE}", "--debug", "on", "-spat", *map(str, BOX),
        f"OAPIF:{ogc_url(server)}", "twin-features",
    )  # fmt: skip

    assert re.search(r"items\?[^\s]*bbox=4\.36", done.stderr), done.stderr[-2000:]
    listed = set(features_of(done.stdout, "twin-features"))
    # GDAL keeps what really intersects the box out of what the server sent (bounding boxes overlapping).
    window = box(*BOX)
    expected = {f.pk for f in TwinFeature.objects.all() if shape(f.geometry).intersects(window)}
    assert listed == expected
    assert 0 < len(listed) < 570


def test_ogrinfo_reads_the_contributions(server, delft, ogrinfo):
    done = ogrinfo("-ro", f"OAPIF:{ogc_url(server)}", "contributions")

    features = features_of(done.stdout, "contributions")
    assert set(features) == {delft.tied.pk, delft.pinned.pk, delft.drawn.pk}
    tied = features[delft.tied.pk]
    assert tied["fields"]["twin_id"] == BUILDING
    assert tied["fields"]["proposal_title"] == "Ein Dachgarten"
    assert first_vertex(tied["wkt"]) == pytest.approx((delft.building.longitude, delft.building.latitude), abs=1e-9)
    assert tied["wkt"].startswith("POINT")
    assert features[delft.drawn.pk]["wkt"].startswith("POLYGON")
    assert first_vertex(features[delft.pinned.pk]["wkt"]) == pytest.approx((4.365, 52.0115))
    assert "private-person" not in done.stdout and "private.person@example.org" not in done.stdout


# --- OWSLib ----------------------------------------------------------------------------------------


def test_owslib_reads_collections_and_pages_of_features(server, delft):
    from owslib.ogcapi.features import Features

    api = Features(ogc_url(server), timeout=60)

    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    assert "/collections/{collectionId}/items" in api.api()["paths"]
    assert sorted(c["id"] for c in api.collections()["collections"]) == ["contributions", "twin-features"]
    assert sorted(api.feature_collections()) == ["contributions", "twin-features"]
    west, south, east, north = api.collection("twin-features")["extent"]["spatial"]["bbox"][0]
    assert west < delft.building.longitude < east and south < delft.building.latitude < north

    ids, offset = [], 0
    while True:  # OWSLib reads a page at a time: follow the next links' offsets
        page = api.collection_items("twin-features", limit=200, offset=offset)
        assert page["numberMatched"] == 570
        ids += [feature["id"] for feature in page["features"]]
        following = [link for link in page["links"] if link["rel"] == "next"]
        if not following:
            break
        offset = int(re.search(r"offset=(\d+)", following[0]["href"]).group(1))
    assert len(ids) == 570 == len(set(ids))
    assert ids == sorted(ids)

    in_box = api.collection_items("twin-features", bbox=list(BOX), limit=1000)
    expected = {
        f.pk
        for f in TwinFeature.objects.all()
        if f.min_lon <= BOX[2] and f.max_lon >= BOX[0] and f.min_lat <= BOX[3] and f.max_lat >= BOX[1]
    }
    assert {feature["id"] for feature in in_box["features"]} == expected
    assert in_box["numberMatched"] == len(expected)

    building = api.collection_item("twin-features", str(delft.building.pk))
    assert building["properties"]["twin_id"] == BUILDING
    assert building["properties"]["votes"] == {"support": 2, "oppose": 1, "abstain": 1}
    assert building["geometry"] == delft.building.geometry

    contributions = api.collection_items("contributions", bbox=[4.3625, 52.011, 4.3640, 52.012])
    assert [f["properties"]["text"] for f in contributions["features"]] == ["Mehr Schatten"]
    assert contributions["features"][0]["geometry"] == delft.area
