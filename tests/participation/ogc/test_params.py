"""The OGC API's query parameters (participation.ogc.params): impossible dates, time zones the database
cannot hold, an interval open at both ends, numbers beyond 64 bits or infinite: each a 400 with an OGC
exception body (``code``, ``description``), never a 500. Errors elsewhere under /api/ogc/ too."""

import pytest

from tests.support.ogc import ITEMS, OGC, client

HUGE = "99999999999999999999"
OPEN_AT_BOTH_ENDS = ".." + "/.."


@pytest.fixture
def http(db):
    return client()


@pytest.mark.parametrize("collection", ["contributions", "twin-features"])
@pytest.mark.parametrize(
    "value",
    [
        "2024-13-45",
        "2024-02-30",
        "2024-13-45/..",
        "../2024-02-30",
        "2024-05-01T25:00:00Z",
        "9999-12-31T25:00:00+99:00",
        "9999-12-31T23:59:59-23:00",  # after 9999 in UTC
        "0001-01-01T00:00:00+23:00",  # before year 1 in UTC
        "2024-05-01T12:00:00+23:00",  # an offset the database refuses (beyond ±15:59): read as UTC
        OPEN_AT_BOTH_ENDS,
        "/",
    ],
)
def test_impossible_datetimes_are_400_with_an_exception_body(http, collection, value):
    response = http.get(ITEMS.format(collection), {"datetime": value})

    if value == "2024-05-01T12:00:00+23:00":
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert body["description"].startswith("datetime: ")


def test_an_impossible_date_is_named_in_the_users_language(http):
    response = http.get(ITEMS.format("contributions"), {"datetime": "2024-13-45"}, headers={"Accept-Language": "de"})

    assert response.json()["description"] == "datetime: Dieses Datum oder diese Uhrzeit gibt es nicht: 2024-13-45."


@pytest.mark.parametrize("parameter", ["limit", "offset"])
def test_paging_numbers_beyond_64_bits_give_no_error(http, parameter):
    response = http.get(ITEMS.format("contributions"), {parameter: HUGE})

    assert response.status_code == 200
    assert response.json()["numberReturned"] == 0


@pytest.mark.parametrize("bbox", ["inf,48,11,49", "10,nan,11,49", "1e400,48,11,49", "10,48,-1e309,49"])
def test_infinite_or_overflowing_numbers_in_a_bbox_are_400(http, bbox):
    response = http.get(ITEMS.format("twin-features"), {"bbox": bbox})

    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue"


def test_a_feature_id_beyond_64_bits_names_nothing(http):
    response = http.get(f"{ITEMS.format('contributions')}/{HUGE}")

    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_an_unknown_path_under_the_ogc_api_is_a_404_exception_body(http):
    response = http.get(f"{OGC}/no-such-resource/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "NotFound", "description": "There is nothing at this address."}
