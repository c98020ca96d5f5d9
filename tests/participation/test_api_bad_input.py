"""Bad input to the JSON API (/api/v1/) is a 4xx with a message in the user's language, never a 500:
numbers beyond 64 bits, JSON nested a thousand levels deep, NUL characters, infinite numbers, oversized
bodies, paths that name nothing. Every error is JSON; a 429 says when to try again; a list is never longer
than its documented maximum; the schema documents the errors."""

import json

import pytest
from django.test import RequestFactory

from forum.views.site import server_error
from participation.api.pagination import MAX_LIMIT
from participation.api.schema import public_schema
from participation.inputs import JSON_MAX_DEPTH
from participation.models import Contribution
from tests.support import factories
from tests.support.api import API, api_client, post_json

HUGE = "99999999999999999999"  # beyond a 64-bit integer
DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
TOO_DEEP = {
    "en": f"The JSON is nested too deeply (more than {JSON_MAX_DEPTH} levels).",
    "de": f"Das JSON ist zu tief verschachtelt (mehr als {JSON_MAX_DEPTH} Ebenen).",
}


def post_raw(client, url: str, body: str, language: str = "en"):
    headers = {"X-CSRFToken": client.csrf, "Accept-Language": language}
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/proposals/?consultation={HUGE}",
        f"{API}/contributions/?consultation={HUGE}",
        f"{API}/contributions/?proposal={HUGE}",
        f"{API}/contributions/geojson/?consultation={HUGE}",
        f"{API}/twin-features/?consultation={HUGE}",
    ],
)
def test_a_number_beyond_64_bits_in_a_query_is_a_400_with_a_message(proposal, url):
    response = api_client().get(url)

    assert response.status_code == 400
    (message,) = response.json().values()
    assert message == "Must be a whole number from 0 to 9223372036854775807."


def test_a_number_beyond_64_bits_is_refused_in_german_too(proposal):
    response = api_client().get(f"{API}/proposals/?consultation={HUGE}", headers={"Accept-Language": "de"})

    assert response.json() == {"consultation": "Geben Sie eine ganze Zahl von 0 bis 9223372036854775807 an."}


@pytest.mark.parametrize("parameter", ["limit", "offset"])
def test_paging_numbers_beyond_64_bits_give_no_error(proposal, parameter):
    response = api_client().get(f"{API}/proposals/?{parameter}={HUGE}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == (1 if parameter == "limit" else 0)


@pytest.mark.parametrize("path", ["consultations", "proposals", "twin-features"])
def test_an_id_beyond_64_bits_in_a_path_names_nothing(proposal, path):
    response = api_client().get(f"{API}/{path}/{HUGE}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_vote_on_an_id_beyond_64_bits_names_nothing(citizen):
    response = post_json(api_client(citizen), f"{API}/proposals/{HUGE}/vote/", {"choice": "support"})

    assert response.status_code == 404
    assert "detail" in response.json()


def test_ids_beyond_64_bits_in_a_comment_are_refused_on_their_fields(citizen, participating_consultation):
    client = api_client(citizen)
    url = f"{API}/contributions/"
    base = {"consultation": participating_consultation.pk, "text": "Mehr Bäume"}

    for field in ("consultation", "proposal", "parent", "twin_feature"):
        for number in (HUGE, "-9223372036854775809"):
            response = post_raw(client, url, json.dumps(base).removesuffix("}") + f', "{field}": {number}}}')
            assert response.status_code == 400, (field, number)
            assert field in response.json()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT, '{"choice": ' + DEEP_ARRAY + "}"])
def test_a_vote_nested_a_thousand_levels_deep_is_a_400_with_a_message(citizen, proposal, body, language):
    response = post_raw(api_client(citizen), f"{API}/proposals/{proposal.pk}/vote/", body, language)

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP[language]}


def test_a_comment_whose_geometry_nests_too_deeply_is_a_400_and_writes_nothing(citizen, participating_consultation):
    geometry = '{"type": "Polygon", "coordinates": ' + "[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1) + "}"
    body = f'{{"consultation": {participating_consultation.pk}, "text": "Hier", "geometry": {geometry}}}'

    response = post_raw(api_client(citizen), f"{API}/contributions/", body)

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP["en"]}
    assert not Contribution.objects.exists()


def test_a_nul_character_in_the_twin_search_is_a_400_with_a_message(db):
    response = api_client().get(f"{API}/twin-features/?q=Kirch%00e")

    assert response.status_code == 400
    assert response.json() == {"q": "The search contains a character that is not allowed (NUL)."}


def test_a_nul_character_in_a_comment_is_refused_on_its_field(citizen, participating_consultation):
    body = {"consultation": participating_consultation.pk, "text": "Mehr\x00 Bäume"}

    response = post_json(api_client(citizen), f"{API}/contributions/", body)

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("endpoint", ["contributions/geojson", "twin-features/geojson"])
@pytest.mark.parametrize("bbox", ["inf,48,11,49", "10,nan,11,49", "1e400,48,11,49", "10,48,-1e309,49"])
def test_infinite_or_overflowing_numbers_in_a_bbox_are_a_400_with_a_message(db, endpoint, bbox):
    response = api_client().get(f"{API}/{endpoint}/?bbox={bbox}")

    assert response.status_code == 400
    assert response.json() == {"bbox": "Give four numbers, west,south,east,north, in longitude/latitude (WGS 84)."}


@pytest.mark.parametrize("latitude", ["1e400", "-1e309", "Infinity", "NaN"])
def test_infinite_coordinates_in_a_comment_are_refused(citizen, participating_consultation, latitude):
    body = (
        f'{{"consultation": {participating_consultation.pk}, "text": "Hier",'
        f' "location": {{"latitude": {latitude}, "longitude": 11.5}}}}'
    )

    response = post_raw(api_client(citizen), f"{API}/contributions/", body)

    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_an_oversized_body_is_a_413_in_json(citizen, proposal, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"choice": "support", "padding": "x" * 2048})

    response = post_raw(api_client(citizen), f"{API}/proposals/{proposal.pk}/vote/", body)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large: at most 1 kB."}


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_unknown_api_path_is_a_404_in_json(db, language):
    response = api_client().get(f"{API}/no-such-thing/", headers={"Accept-Language": language})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": {"en": "There is nothing at this address.", "de": "Unter dieser Adresse gibt es nichts."}[language]
    }


def test_a_write_without_csrf_to_a_path_that_names_nothing_is_a_403_in_json(citizen):
    client = api_client(citizen)

    response = client.post(f"{API}/proposals/{HUGE}/vote/", "{}", content_type="application/json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "CSRF" in response.json()["detail"]


def test_a_server_error_under_the_api_is_json_not_a_page(db):
    response = server_error(RequestFactory().get(f"{API}/proposals/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    # In the site's language: no middleware ran to read the visitor's.
    assert json.loads(response.content) == {
        "detail": "Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."
    }


def test_a_server_error_elsewhere_is_the_sites_page(db):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_429_says_when_to_try_again(citizen, proposal, settings):
    settings.RATELIMIT_VOTES = "1/5m"
    client = api_client(citizen)
    post_json(client, f"{API}/proposals/{proposal.pk}/vote/", {"choice": "support"})

    response = post_json(client, f"{API}/proposals/{proposal.pk}/vote/", {"choice": "oppose"})

    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert response.json() == {"detail": "Too many requests in a short time. Please wait a minute."}


def test_a_list_is_never_longer_than_its_maximum(participating_consultation, citizen):
    factories.bulk_comments(participating_consultation, MAX_LIMIT + 5, author=citizen)

    response = api_client().get(f"{API}/contributions/?limit=1000000000")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == MAX_LIMIT + 5
    assert len(body["results"]) == MAX_LIMIT
    assert "offset=500" in body["next"]


def test_the_schema_documents_the_errors_and_the_limit(db):
    schema = public_schema()
    paths = schema["paths"]
    error = {"$ref": "#/components/schemas/Error"}

    vote = paths["/api/v1/proposals/{id}/vote/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "413", "429"} <= set(vote)
    assert vote["401"]["content"]["application/json"]["schema"] == error
    assert "Retry-After" in vote["429"]["headers"]
    assert {"400", "404"} <= set(paths["/api/v1/proposals/{id}/"]["get"]["responses"])
    geojson = paths["/api/v1/twin-features/geojson/"]["get"]["responses"]["400"]["content"]
    assert geojson["application/geo+json"]["schema"] == error
    (limit,) = [p for p in paths["/api/v1/contributions/"]["get"]["parameters"] if p["name"] == "limit"]
    assert f"at most {MAX_LIMIT}" in limit["description"]
    assert schema["components"]["schemas"]["Error"]["properties"]["detail"]["type"] == "string"
