"""The OGC API - Features resources: landing page, conformance, API definition, collections, items,
one item; their links, media types, errors and headers."""

import pytest

from participation.ogc.features import rfc3339
from participation.ogc.params import CRS84, DEFAULT_LIMIT, MAX_LIMIT
from participation.ogc.views import CONFORMANCE_CLASSES
from tests.support import factories
from tests.support.ogc import ITEMS, OGC, client, link_of, square, twin, twin_grid

pytestmark = pytest.mark.django_db

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


@pytest.fixture
def http():
    return client()


def test_landing_page_links_to_the_api_definition_conformance_and_data(http):
    response = http.get(f"{OGC}/")

    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    body = response.json()
    assert body["title"]
    links = {link["rel"]: link for link in body["links"]}
    assert set(links) == {"self", "service-desc", "conformance", "data"}
    assert links["self"] == {
        "href": "http://testserver/api/ogc/",
        "rel": "self",
        "type": JSON,
        "title": "This document",
    }
    assert links["service-desc"]["href"] == "http://testserver/api/ogc/api"
    assert links["service-desc"]["type"] == OPENAPI
    assert links["conformance"]["href"] == "http://testserver/api/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/api/ogc/collections"
    for link in body["links"]:  # every link leads somewhere that answers
        assert http.get(link["href"]).status_code == 200, link


def test_conformance_declares_core_geojson_and_openapi(http):
    response = http.get(f"{OGC}/conformance")

    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    assert set(response.json()["conformsTo"]) == {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    }
    assert set(CONFORMANCE_CLASSES) == set(response.json()["conformsTo"])


def test_the_api_definition_is_openapi_3_0_with_every_path_and_the_paging_parameters(http):
    response = http.get(f"{OGC}/api")

    assert response.status_code == 200
    assert response["Content-Type"] == OPENAPI
    doc = response.json()
    assert doc["openapi"].startswith("3.0.")
    assert doc["servers"] == [{"url": "http://testserver/api/ogc"}]
    assert set(doc["paths"]) == {
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
    }
    parameters = doc["components"]["parameters"]
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100}
    assert parameters["collectionId"]["schema"]["enum"] == ["twin-features", "contributions"]
    assert {"limit", "offset", "bbox", "datetime"} <= {p["name"] for p in parameters.values()}
    # Every reference resolves inside the document.
    refs = _refs(doc)
    assert refs
    for ref in refs:
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]


def _refs(value) -> set[str]:
    if isinstance(value, dict):
        own = {value["$ref"]} if "$ref" in value else set()
        return own | {ref for item in value.values() for ref in _refs(item)}
    if isinstance(value, list):
        return {ref for item in value for ref in _refs(item)}
    return set()


def test_collections_lists_both_with_items_links(http):
    response = http.get(f"{OGC}/collections")

    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    body = response.json()
    assert link_of(body, "self")["href"] == "http://testserver/api/ogc/collections"
    assert [c["id"] for c in body["collections"]] == ["twin-features", "contributions"]
    for collection in body["collections"]:
        assert collection["itemType"] == "feature"
        assert collection["crs"] == [CRS84]
        assert collection["title"] and collection["description"]
        items = link_of(collection, "items")
        assert items == {
            "href": f"http://testserver/api/ogc/collections/{collection['id']}/items",
            "rel": "items",
            "type": GEOJSON,
            "title": "Its features",
        }
        assert link_of(collection, "self")["href"] == f"http://testserver/api/ogc/collections/{collection['id']}"
        assert "extent" not in collection  # nothing there yet: no extent to state


def test_twin_features_extent_is_the_bounding_box_of_every_object(http):
    twin("a", 4.36, 52.01, size=0.001)
    twin("b", 4.37, 52.02, size=0.002)

    collection = http.get(f"{OGC}/collections/twin-features").json()

    assert collection["id"] == "twin-features"
    assert collection["extent"] == {"spatial": {"bbox": [pytest.approx([4.36, 52.01, 4.372, 52.022])], "crs": CRS84}}


def test_contributions_extent_covers_points_areas_and_twin_centres_and_the_time_span(http):
    consultation = factories.consultation("participate")
    building = twin("far", 4.40, 52.05, size=0.002)  # centre 4.401, 52.051
    early = factories.comment(consultation, latitude=52.012, longitude=4.364)
    early.created_at = early.created_at.replace(year=2024, month=3, day=1)
    early.save()
    factories.comment(consultation, twin_feature=building)
    area = square(4.30, 51.99, size=0.01)
    late = factories.comment(consultation, geometry=area, latitude=51.995, longitude=4.305)
    factories.comment(consultation, latitude=10.0, longitude=10.0, moderation_state="hidden")  # not public

    collection = http.get(f"{OGC}/collections/contributions").json()

    assert collection["extent"]["spatial"] == {"bbox": [pytest.approx([4.30, 51.99, 4.401, 52.051])], "crs": CRS84}
    temporal = collection["extent"]["temporal"]
    assert temporal["trs"] == "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
    first, last = temporal["interval"][0]
    assert first.startswith("2024-03-01T") and first.endswith("Z")
    assert last == rfc3339(late.created_at)


@pytest.mark.parametrize(
    "url",
    [
        f"{OGC}/collections/buildings",
        f"{OGC}/collections/buildings/items",
        f"{OGC}/collections/buildings/items/1",
        f"{OGC}/collections/twin-features/items/999999",
        f"{OGC}/collections/twin-features/items/abc",
        f"{OGC}/collections/twin-features/items/%C2%B2",  # "²": a digit to str.isdigit, not to int()
        f"{OGC}/collections/twin-features/items/99999999999999999999999",
        f"{OGC}/collections/contributions/items/1",
    ],
)
def test_unknown_collections_and_features_are_404_with_an_exception_body(http, url):
    response = http.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == JSON
    body = response.json()
    assert body["code"] == "NotFound"
    assert body["description"]


@pytest.mark.parametrize(
    "query",
    [
        "bbox=a,b,c,d",
        "bbox=4.36,52.01,4.37",
        "bbox=4.36,52.01,4.37,52.02,1",
        "bbox=4.36,nan,4.37,52.02",
        "bbox=4.36,inf,4.37,52.02",
        "bbox=4.36,52.02,4.37,52.01",  # south north of north
        "bbox=4.36,-91,4.37,52.01",
        "bbox=",
        "limit=x",
        "limit=0",
        "limit=-5",
        "limit=1.5",
        "offset=-1",
        "offset=x",
        "datetime=yesterday",
        "datetime=2025-05-31/2025-05-01",
        "datetime=/",
        "f=html",
        "f=xml",
        "colour=red",
        "crs=http://www.opengis.net/def/crs/EPSG/0/25832",
        "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/25832",
    ],
)
@pytest.mark.parametrize("collection", ["twin-features", "contributions"])
def test_bad_query_parameters_are_400_with_an_exception_body(http, collection, query):
    response = http.get(f"{ITEMS.format(collection)}?{query}")

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == JSON
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert query.split("=")[0] in body["description"]


@pytest.mark.parametrize("url", [f"{OGC}/", f"{OGC}/conformance", f"{OGC}/collections", f"{OGC}/api"])
def test_documents_refuse_unknown_parameters_too(http, url):
    assert http.get(f"{url}?limit=5").status_code == 400
    assert http.get(f"{url}?f=json").status_code == 200


def test_crs84_may_be_named_explicitly(http):
    twin("a", 4.36, 52.01)

    response = http.get(f"{ITEMS.format('twin-features')}?crs={CRS84}&bbox-crs={CRS84}&bbox=4,52,5,53")

    assert response.status_code == 200
    assert response.json()["numberMatched"] == 1


def test_a_limit_above_the_maximum_is_served_as_the_maximum(http):
    twin_grid(3)

    body = http.get(f"{ITEMS.format('twin-features')}?limit=50000").json()

    assert body["numberReturned"] == 3
    assert link_of(body, "self")["href"].endswith(f"?limit={MAX_LIMIT}")


def test_items_are_geojson_and_honour_accept_and_f(http):
    twin("a", 4.36, 52.01)
    url = ITEMS.format("twin-features")

    assert http.get(url)["Content-Type"] == GEOJSON
    assert http.get(url, headers={"accept": "application/geo+json"})["Content-Type"] == GEOJSON
    assert http.get(url, headers={"accept": "application/json"})["Content-Type"] == JSON
    assert http.get(url, headers={"accept": "application/geo+json, application/json"})["Content-Type"] == GEOJSON
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert http.get(url, headers={"accept": browser})["Content-Type"] == GEOJSON
    assert http.get(f"{url}?f=json", headers={"accept": "text/html"})["Content-Type"] == GEOJSON
    refused = http.get(url, headers={"accept": "text/html"})
    assert refused.status_code == 406
    assert refused.json()["code"] == "NotAcceptable"
    assert http.get(f"{OGC}/collections", headers={"accept": "application/xml"}).status_code == 406
    assert http.get(f"{OGC}/api", headers={"accept": "application/json"})["Content-Type"] == JSON


def test_one_item_is_a_geojson_feature_with_self_and_collection_links(http):
    building = twin("a", 4.36, 52.01)

    response = http.get(f"{ITEMS.format('twin-features')}/{building.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == GEOJSON
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == building.pk
    assert feature["geometry"] == building.geometry
    assert (
        link_of(feature, "self")["href"] == f"http://testserver/api/ogc/collections/twin-features/items/{building.pk}"
    )
    assert link_of(feature, "collection")["href"] == "http://testserver/api/ogc/collections/twin-features"


def test_items_page_carries_time_stamp_counts_and_links(http):
    twin_grid(3)

    body = http.get(ITEMS.format("twin-features")).json()

    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == body["numberReturned"] == 3
    assert body["timeStamp"].endswith("Z")
    assert link_of(body, "self") == {
        "href": f"http://testserver/api/ogc/collections/twin-features/items?limit={DEFAULT_LIMIT}",
        "rel": "self",
        "type": GEOJSON,
    }
    assert link_of(body, "collection")["href"] == "http://testserver/api/ogc/collections/twin-features"
    assert link_of(body, "next") is None and link_of(body, "prev") is None


def test_every_answer_may_be_read_by_any_origin_and_varies_by_accept(http):
    for url in (f"{OGC}/", f"{OGC}/collections", ITEMS.format("twin-features"), f"{OGC}/collections/nothing"):
        response = http.get(url, headers={"origin": "https://viewer.example.org"})
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Accept" in response["Vary"]
    preflight = http.options(ITEMS.format("twin-features"))
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"


def test_the_api_is_read_only(http):
    response = http.post(ITEMS.format("twin-features"), {"type": "Feature"}, content_type="application/geo+json")

    assert response.status_code == 405
    assert response.json()["code"] == "MethodNotAllowed"
    assert "GET" in response["Allow"]
    assert http.head(ITEMS.format("twin-features")).status_code == 200


def test_a_trailing_slash_leads_to_the_path_without(http):
    response = http.get(f"{OGC}/collections/twin-features/items/?limit=5")

    assert response.status_code == 301
    assert response["Location"] == f"{OGC}/collections/twin-features/items?limit=5"
    assert http.get(f"{OGC}/collections/").status_code == 301
    assert http.get(f"{OGC}").status_code == 301  # Django's APPEND_SLASH, to the landing page
