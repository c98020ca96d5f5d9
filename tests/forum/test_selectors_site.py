"""The site's name and public address (SITE_NAME with CITY_NAME, BASE_URL), whatever host a request used."""

from forum.selectors import public_host, public_site, public_url, site_name


def test_addresses_are_made_at_the_public_address(settings):
    settings.BASE_URL = "https://beteiligung.example.de/"

    assert public_url("/live/ABC123/") == "https://beteiligung.example.de/live/ABC123/"
    assert public_url("/kiosk/foyer/?token=abc") == "https://beteiligung.example.de/kiosk/foyer/?token=abc"
    # An address allauth built on the request's host keeps its path and query, not its host.
    assert public_url("http://127.0.0.1:8101/accounts/confirm-email/k/?next=/") == (
        "https://beteiligung.example.de/accounts/confirm-email/k/?next=/"
    )
    assert public_host() == "beteiligung.example.de"


def test_the_site_goes_by_its_name_and_city(settings):
    settings.SITE_NAME, settings.CITY_NAME = "Mitreden", "Kempten"
    settings.BASE_URL = "http://127.0.0.1:8101"

    assert site_name() == "Mitreden Kempten"
    assert (public_site().name, public_site().domain) == ("Mitreden Kempten", "127.0.0.1:8101")
