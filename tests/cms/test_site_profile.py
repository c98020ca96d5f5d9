"""What staff set in "City and map" (CityProfile) shows on every page: the name, the colour, the logo, the map's
start view and tiles, the tile server in the Content-Security-Policy and the privacy page; the footer links the
legal pages, the accessibility statement among them."""

import io
import json
import re

import PIL.Image
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.models import Site

from cms.models import SiteSettings
from participation.models import CityProfile
from tests.support import factories


def png() -> SimpleUploadedFile:
    """A small red square: the logo's file."""
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (8, 8), "#a1261b").save(buffer, "PNG")
    return SimpleUploadedFile("wappen.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def lemgo(home, media):
    site = Site.objects.get(is_default_site=True)
    logo = get_image_model().objects.create(title="Wappen", file=png())
    profile = CityProfile.for_site(site)
    profile.site_name, profile.city_name, profile.logo = "Mitreden", "Lemgo", logo
    profile.brand_colour = "#a1261b"
    profile.map_latitude, profile.map_longitude, profile.map_zoom = 52.028, 8.899, 15
    profile.tile_url, profile.tile_attribution = "https://{s}.tiles.lemgo.example/{z}/{x}/{y}.png", "© Stadt Lemgo"
    profile.full_clean()
    profile.save()
    return profile


def map_config(content: str) -> dict:
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', content, re.S)
    return json.loads(found.group(1))


def test_the_header_and_title_carry_the_sites_name_logo_and_colour(visitor, lemgo):
    content = visitor.get("/").content.decode()

    assert "<title>Mitreden Lemgo</title>" in content
    assert re.search(r'class="site-header__brand" href="/"><img class="site-header__logo" src="[^"]+" alt="">', content)
    assert "Mitreden <span>Lemgo</span>" in content
    assert "--brand: #a1261b; --brand-dark: #791c14;" in content


def test_without_a_profile_the_page_has_the_stylesheets_colour_and_no_logo(visitor, home, settings):
    settings.SITE_NAME, settings.CITY_NAME = "Bürgerforum", "Delft"

    content = visitor.get("/").content.decode()

    assert "Bürgerforum <span>Delft</span>" in content
    assert "--brand:" not in content and "site-header__logo" not in content


def test_the_map_starts_where_the_profile_says_with_its_tiles_and_credit(visitor, lemgo):
    consultation = factories.consultation()

    config = map_config(visitor.get(consultation.url).content.decode())

    assert (config["center"], config["zoom"]) == ([52.028, 8.899], 15)
    assert (config["tileUrl"], config["attribution"]) == (lemgo.tile_url, "© Stadt Lemgo")


def test_the_tile_server_of_the_profile_may_be_loaded_from_and_is_named_in_the_privacy_page(visitor, lemgo):
    privacy = factories.privacy_page()

    response = visitor.get(privacy.url)

    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tiles.lemgo.example" in policy
    assert "connect-src 'self' https://*.tiles.lemgo.example" in policy
    assert "script-src 'self';" in policy  # nothing else widens
    assert "The background of the maps is loaded from {s}.tiles.lemgo.example." in response.content.decode()


def test_the_ogc_api_is_titled_with_the_sites_name(client, lemgo):
    assert client.get("/api/ogc/?f=json").json()["title"] == "Mitreden Lemgo: OGC API - Features"


def test_the_footer_links_imprint_privacy_and_accessibility_statement(visitor, home):
    imprint = factories.standard_page(title="Impressum", slug="impressum")
    statement = factories.standard_page(title="Erklärung zur Barrierefreiheit", slug="barrierefreiheit")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.imprint_page, settings.accessibility_page = imprint, statement
    settings.save()

    content = visitor.get("/").content.decode()

    footer = content[content.index('<footer class="site-footer">') :]
    assert f'<a href="{imprint.url}">Imprint</a>' in footer
    assert f'<a href="{statement.url}">Accessibility</a>' in footer


def test_staff_set_the_profile_in_the_admin_and_a_light_colour_is_refused_there(admin_client, home, visitor):
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/participation/cityprofile/{site.pk}/"
    fields = {"site_name": "Mitreden", "city_name": "Kalletal", "brand_colour": "#ffd700", "map_zoom": ""}

    refused = admin_client.post(url, fields, headers={"accept-language": "en"})

    assert refused.status_code == 200
    assert "This colour is too light" in refused.content.decode()
    assert "Mitreden <span>Kalletal</span>" not in visitor.get("/").content.decode()

    saved = admin_client.post(url, {**fields, "brand_colour": "#1d6b2f"})

    assert saved.status_code == 302
    content = visitor.get("/").content.decode()
    assert "Mitreden <span>Kalletal</span>" in content
    assert "--brand: #1d6b2f;" in content
