"""The open data page: what is published, the JSON API, the OGC API with a QGIS how-to, downloads and the
licence; every page's footer leads to it."""

import re

from tests.support import factories
from tests.support.api import api_client
from tests.support.pages import browser

LICENSE = "Datenlizenz Deutschland \u2013 Namensnennung \u2013 Version 2.0"


def test_the_footer_leads_to_the_open_data_page_not_to_a_yaml_file(db, home):
    content = browser(language="de").get("/").content.decode()

    footer = content[content.index("<footer") :]
    assert re.search(r'<a href="/open-data/">\s*Offene Daten \(API\)\s*</a>', footer)
    assert "/api/v1/schema/" not in footer


def test_the_page_explains_the_api_the_ogc_api_downloads_and_the_licence(db, home, settings):
    settings.OPEN_DATA_LICENSE = LICENSE
    settings.OPEN_DATA_LICENSE_URL = "https://www.govdata.de/dl-de/by-2-0"

    response = browser().get("/open-data/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Open data \u2013 Bürgerforum " in content
    assert '<a href="/api/v1/">/api/v1/</a>' in content
    assert '<a href="/api/v1/docs/">API documentation</a>' in content
    assert "<code>http://testserver/api/ogc/</code>" in content
    assert "OGC API - Features" in content and "In QGIS" in content  # the how-to names QGIS' own menu entries
    assert '"OAPIF:http://testserver/api/ogc/" contributions' in content
    assert 'href="/api/ogc/collections/contributions/items?limit=10000&amp;f=json"' in content
    assert f'<a href="https://www.govdata.de/dl-de/by-2-0">{LICENSE}</a>' in content


def test_every_download_link_answers(db, home):
    consultation = factories.consultation("participate")
    content = browser().get("/open-data/").content.decode()

    downloads = re.findall(r'href="(/api/[^"]+)"', content)
    assert f"/api/v1/proposals/?consultation={consultation.pk}" in downloads
    assert f"/api/v1/contributions/geojson/?consultation={consultation.pk}" in downloads
    client = api_client()
    for address in downloads:
        assert client.get(address.replace("&amp;", "&")).status_code == 200, address


def test_a_licence_without_an_address_is_named_without_a_link(db, home, settings):
    settings.OPEN_DATA_LICENSE, settings.OPEN_DATA_LICENSE_URL = "CC0 1.0", ""

    content = browser().get("/open-data/").content.decode()

    assert "The data is published under the licence CC0 1.0." in content


def test_the_page_takes_no_post(db, home):
    assert browser().post("/open-data/").status_code == 405


def test_the_page_in_german(db, home):
    content = browser(language="de").get("/open-data/").content.decode()

    assert "<h1>Offene Daten</h1>" in content
    assert "In QGIS" in content
