"""The API's index (/api/v1/) and its documentation page (/api/v1/docs/), read from the OpenAPI schema."""

import re

import pytest

from tests.support.api import API, api_client
from tests.support.pages import browser


@pytest.fixture
def anonymous(db):
    return api_client()


def schema_paths(client) -> set[str]:
    return set(client.get(f"{API}/schema/", {"format": "json"}).json()["paths"])


def test_the_index_links_every_endpoint_of_the_schema(anonymous):
    response = anonymous.get(f"{API}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["title"] == "Bürgerforum API"
    assert {endpoint["path"] for endpoint in body["endpoints"]} == schema_paths(anonymous)
    consultations = next(e for e in body["endpoints"] if e["path"] == "/api/v1/consultations/")
    assert consultations == {
        "path": "/api/v1/consultations/",
        "href": "http://testserver/api/v1/consultations/",
        "templated": False,
        "methods": ["GET"],
        "summary": "Published consultations, newest first.",
    }
    vote = next(e for e in body["endpoints"] if e["path"] == "/api/v1/rooms/{code}/vote/")
    assert vote["templated"] and vote["methods"] == ["POST"]
    assert all(endpoint["summary"] for endpoint in body["endpoints"]), "every endpoint says what it is"


def test_the_index_links_its_definition_documentation_open_data_and_the_ogc_api(anonymous):
    links = {link["rel"]: link for link in anonymous.get(f"{API}/").json()["links"]}

    assert links["self"]["href"] == "http://testserver/api/v1/"
    assert links["service-desc"]["href"] == "http://testserver/api/v1/schema/"
    assert links["service-doc"] == {
        "href": "http://testserver/api/v1/docs/",
        "rel": "service-doc",
        "type": "text/html",
        "title": "The API documentation",
    }
    assert links["describedby"]["href"] == "http://testserver/open-data/"
    assert links["related"]["href"] == "http://testserver/api/ogc/"
    for link in links.values():
        assert anonymous.get(link["href"]).status_code == 200, link


def test_every_link_of_the_index_without_a_placeholder_answers(anonymous, participating_consultation):
    for endpoint in anonymous.get(f"{API}/").json()["endpoints"]:
        if "GET" in endpoint["methods"] and not endpoint["templated"]:
            params = {"bbox": "4.36,52.01,4.37,52.02"} if endpoint["path"].endswith("twin-features/geojson/") else {}
            assert anonymous.get(endpoint["href"], params).status_code == 200, endpoint["path"]


def test_the_index_speaks_the_visitors_language(db):
    links = browser(language="de").get(f"{API}/").json()["links"]

    assert {link["rel"]: link["title"] for link in links}["service-doc"] == "Die Dokumentation der API"


def test_the_documentation_page_lists_every_operation_with_its_parameters_and_types(db, home):
    content = browser().get(f"{API}/docs/").content.decode()

    assert "<title>API documentation \u2013 " in content
    for path in schema_paths(api_client()):
        assert f'<code class="api-path">{path}</code>' in content, path
    # A parameter with its type, a request body and a response linked to their data types.
    assert "<code>bbox</code> (query; string)" in content
    assert '<a href="#type-VoteInput"><code>VoteInput</code></a>' in content
    assert '<h3 id="type-VoteInput"><code>VoteInput</code></h3>' in content
    # A choice or a rating, by the consultation's voting method: neither is required by itself.
    assert '<code>choice</code> (<a href="#type-ChoiceEnum"><code>ChoiceEnum</code></a>)' in content
    assert "<code>rating</code> (integer)" in content
    assert "<p>string, one of <code>support</code>, <code>oppose</code>, <code>abstain</code></p>" in content
    assert 'href="/api/v1/schema/?format=json"' in content


def test_the_documentation_page_loads_nothing_from_another_host(db, home):
    content = browser().get(f"{API}/docs/").content.decode()

    loaded = re.findall(r'<(?:script|link|img|iframe)\b[^>]*?(?:src|href)="([^"]+)"', content)
    assert loaded and all(address.startswith("/") for address in loaded), loaded


def test_the_documentation_page_is_in_german_for_german_visitors(db, home):
    content = browser(language="de").get(f"{API}/docs/").content.decode()

    assert "<h1>API-Dokumentation</h1>" in content
    assert '<div lang="en"><p>Published consultations, newest first.</p></div>' in content  # the schema's words
