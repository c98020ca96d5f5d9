"""How a site presents itself (CityProfile): the contrast check, the environment's values as fallback, the
profile kept in the cache and dropped when staff save it."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from participation.colours import contrast_ratio, darker
from participation.models import CityProfile
from participation.selectors import site_profile, site_profile_for_request


def profile_of(site: Site, **fields) -> CityProfile:
    profile = CityProfile.for_site(site)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def test_contrast_ratios_are_those_of_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey for text
    assert contrast_ratio("#0b4f8a", "#ffffff") > 7


def test_the_hover_shade_is_darker_and_so_readable_too():
    assert darker("#0b4f8a") == "#083b68"
    assert contrast_ratio(darker("#777777"), "#ffffff") > contrast_ratio("#777777", "#ffffff")


@pytest.mark.parametrize("colour", ["#ffd700", "#7fb3d5", "#999999"])
def test_a_colour_that_white_text_cannot_be_read_on_is_refused_with_its_ratio(home, colour):
    profile = CityProfile.for_site(Site.objects.get(is_default_site=True))
    profile.brand_colour = colour

    with pytest.raises(ValidationError) as refused:
        profile.full_clean()

    message = refused.value.message_dict["brand_colour"][0]
    assert "Diese Farbe ist zu hell" in message and "nötig sind mindestens 4,5:1" in message
    assert re.search(r"Kontrast von [12],\d:1", message)


@pytest.mark.parametrize("colour", ["#0b4f8a", "#a1261b", "#1d6b2f", "#000000"])
def test_a_dark_colour_is_accepted(home, colour):
    profile_of(Site.objects.get(is_default_site=True), brand_colour=colour)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"brand_colour": "blue"}, "brand_colour"),
        ({"map_latitude": 47.7}, "map_longitude"),
        ({"map_latitude": 95, "map_longitude": 10}, "map_latitude"),
        ({"map_zoom": 25}, "map_zoom"),
        ({"tile_url": "http://tiles.example.org/{z}/{x}/{y}.png", "tile_attribution": "x"}, "tile_url"),
        ({"tile_url": "https://tiles.example.org/tile.png", "tile_attribution": "x"}, "tile_url"),
        ({"tile_url": "https://tiles.example.org/{z}/{x}/{y}.png"}, "tile_attribution"),
    ],
)
def test_a_profile_that_cannot_work_is_refused_on_the_field_at_fault(home, fields, field):
    profile = CityProfile.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(profile, name, value)

    with pytest.raises(ValidationError) as refused:
        profile.full_clean()

    assert field in refused.value.message_dict


def test_empty_fields_keep_the_values_of_the_environment(home, settings):
    settings.SITE_NAME, settings.CITY_NAME = "Bürgerforum", "Kempten"
    settings.MAP_CENTER, settings.MAP_ZOOM = [47.72, 10.31], 15
    settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION = "https://a.example.org/{z}/{x}/{y}.png", "© A"

    profile = site_profile()

    assert (profile.full_name, profile.map_center, profile.map_zoom) == ("Bürgerforum Kempten", (47.72, 10.31), 15)
    assert (profile.tile_url, profile.tile_attribution) == ("https://a.example.org/{z}/{x}/{y}.png", "© A")
    assert (profile.brand_colour, profile.custom_colour, profile.logo_url) == ("#0b4f8a", False, "")


def test_what_staff_set_wins_and_shows_at_once(home, settings):
    settings.CITY_NAME = "Delft"
    site = Site.objects.get(is_default_site=True)
    assert site_profile().city_name == "Delft"  # kept in the cache now

    profile_of(
        site,
        city_name="Lemgo",
        brand_colour="#A1261B",
        map_latitude=52.03,
        map_longitude=8.9,
        map_zoom=14,
        tile_url="https://tiles.lemgo.example/{z}/{x}/{y}.png",
        tile_attribution="© Stadt Lemgo",
    )

    profile = site_profile()
    assert (profile.city_name, profile.brand_colour, profile.brand_colour_dark) == ("Lemgo", "#a1261b", "#791c14")
    assert (profile.map_center, profile.map_zoom) == ((52.03, 8.9), 14)
    assert profile.tile_attribution == "© Stadt Lemgo"


def test_a_page_reads_its_sites_profile_from_the_cache_without_a_query(home):
    profile_of(Site.objects.get(is_default_site=True), city_name="Lemgo")
    site_profile_for_request(RequestFactory().get("/"))  # the first request of the host keeps it

    with CaptureQueriesContext(connection) as queries:
        profile = site_profile_for_request(RequestFactory().get("/"))

    assert profile.city_name == "Lemgo"
    assert len(queries) == 0


def test_each_site_has_its_own_profile(home):
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="kalletal.example", port=80, root_page=default.root_page)
    profile_of(default, city_name="Lemgo")
    profile_of(other, city_name="Kalletal")

    assert site_profile_for_request(RequestFactory().get("/", HTTP_HOST="kalletal.example")).city_name == "Kalletal"
    assert site_profile_for_request(RequestFactory().get("/")).city_name == "Lemgo"
    assert site_profile(site_id=other.pk).city_name == "Kalletal"


def test_a_site_moved_to_another_host_is_found_there(home):
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="kalletal.example", port=80, root_page=default.root_page)
    profile_of(other, city_name="Kalletal")
    assert site_profile_for_request(RequestFactory().get("/", HTTP_HOST="kalletal.example")).city_name == "Kalletal"

    other.hostname = "beteiligung.kalletal.example"
    other.save()

    moved = RequestFactory().get("/", HTTP_HOST="beteiligung.kalletal.example")
    assert site_profile_for_request(moved).city_name == "Kalletal"


def test_a_database_changed_behind_the_signals_back_is_read_afresh_after_the_command(home, capsys):
    from django.core.management import call_command

    site = Site.objects.get(is_default_site=True)
    profile_of(site, city_name="Lemgo")
    assert site_profile_for_request(RequestFactory().get("/")).city_name == "Lemgo"
    CityProfile.objects.filter(site=site).update(city_name="Kalletal")  # as a restore would: no signal

    assert site_profile_for_request(RequestFactory().get("/")).city_name == "Lemgo"  # kept
    call_command("forget_site_profiles")
    assert site_profile_for_request(RequestFactory().get("/")).city_name == "Kalletal"
    assert "afresh" in capsys.readouterr().out
