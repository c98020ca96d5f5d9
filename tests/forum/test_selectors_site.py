"""The site's name (its CityProfile, else SITE_NAME with CITY_NAME) and public address (BASE_URL), whatever host a
request used."""

from wagtail.models import Site

from forum.selectors import public_host, public_site, public_url, site_name
from participation.models import CityProfile


def test_addresses_are_made_at_the_public_address(settings):
    settings.BASE_URL = "https://beteiligung.example.de/"

    assert public_url("/live/ABC123/") == "https://beteiligung.example.de/live/ABC123/"
    assert public_url("/kiosk/foyer/?token=abc") == "https://beteiligung.example.de/kiosk/foyer/?token=abc"
    # An address allauth built on the request's host keeps its path and query, not its host.
    assert public_url("http://127.0.0.1:8101/accounts/confirm-email/k/?next=/") == (
        "https://beteiligung.example.de/accounts/confirm-email/k/?next=/"
    )
    assert public_host() == "beteiligung.example.de"


def test_the_site_goes_by_its_name_and_city(db, settings):
    settings.SITE_NAME, settings.CITY_NAME = "Mitreden", "Kempten"
    settings.BASE_URL = "http://127.0.0.1:8101"

    assert site_name() == "Mitreden Kempten"
    assert (public_site().name, public_site().domain) == ("Mitreden Kempten", "127.0.0.1:8101")


def test_the_name_staff_gave_the_default_site_is_the_one_mails_go_out_in(home, settings):
    settings.SITE_NAME, settings.CITY_NAME = "Bürgerforum", "Delft"
    profile = CityProfile.for_site(Site.objects.get(is_default_site=True))
    profile.site_name, profile.city_name = "Mitreden", "Lemgo"
    profile.save()

    assert site_name() == public_site().name == "Mitreden Lemgo"
