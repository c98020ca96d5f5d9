"""The privacy page (cms.models.PrivacyPage): what the running system stores, why and for how long, from its
configuration, in German and English; who is responsible comes from the settings, not from us."""

import re

import pytest
from django.conf import settings
from wagtail.models import Site

from cms.models import PrivacyPage, SiteSettings
from cms.privacy import address_window_seconds, facts
from forum import cookies
from forum.demo import seed_demo
from tests.support import factories


def text_of(response) -> str:
    """The page's main content as text, whitespace folded."""
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture
def privacy(home):
    page = factories.privacy_page()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.privacy_page = page
    site_settings.imprint_page = factories.standard_page(title="Impressum", slug="impressum")
    site_settings.contact_email = "datenschutz@delft.example"
    site_settings.save()
    return page


def test_the_demo_makes_the_privacy_page_and_links_it_from_every_footer(db, tmp_path, visitor, settings):
    settings.VAR_DIR = tmp_path  # the demo admin's password file stays out of var/
    factories.home_page()
    seed_demo()

    page = PrivacyPage.objects.get(slug="datenschutz")
    assert SiteSettings.for_site(Site.objects.get(is_default_site=True)).privacy_page_id == page.pk
    content = visitor.get("/").content.decode()
    assert re.search(r'<a href="/datenschutz/">\s*Privacy\s*</a>', content[content.index("<footer") :])
    assert "No IP addresses are kept" in text_of(visitor.get("/datenschutz/"))


def test_the_statement_names_what_is_stored_why_and_for_how_long(privacy, visitor):
    text = text_of(visitor.get(privacy.url))

    for statement in [
        "The city of Delft runs this site and is responsible for the data processed on it.",
        "we store your e-mail address, the username you choose and your password, the password only as a salted hash",
        "Your votes are stored for your account",
        "The room's page then sets the cookie bf_device: a random key, signed so that it cannot be forged. "
        "It contains no personal data",
        "The cookie expires after 90 days",
        "after 60 seconds without input",
        "the cookie sessionid",
        "It ends when you log out or after 14 days; expired sessions are deleted from the server every day.",
        "The cookie csrftoken protects forms",
        "the cookie django_language remembers your choice until you close the browser",
        "The web server records each request without your IP address",
        "that log is deleted after seven days at the latest",
        "for at most 60 minutes; then the count is gone. It does not keep the address itself, only a keyed hash",
        "so that it changes every day",
        "No IP addresses are kept: not in the database, not in the working memory of the server and not in its logs.",
        "delete the account yourself (“Delete account”)",
        "kept without your name, shown as from a “Deleted account”, or withdrawn",
        "Your votes and poll answers keep counting in the results, each stored without any link to you",
        "The application's servers log no request and no address",
        "for at most 60 seconds",
        "The backups contain the data named above and are deleted after the period the operator set",
        "they load nothing from other servers",
        "Articles 15 to 21 GDPR",
    ]:
        assert statement in text, statement
    content = visitor.get(privacy.url).content.decode()
    assert 'Contact: <a href="mailto:datenschutz@delft.example">datenschutz@delft.example</a>.' in content
    assert 'The full address is in the <a href="/impressum/">imprint</a>.' in content


def test_the_statement_in_german_addresses_the_reader_as_sie(privacy):
    from tests.support.pages import browser

    text = text_of(browser(language="de").get(privacy.url))

    assert "Die Stadt Delft betreibt diese Website" in text
    assert "Es werden keine IP-Adressen gespeichert" in text
    assert "bf_device" in text and "90 Tagen" in text
    assert "Ihre E-Mail-Adresse" in text
    assert not re.search(r"\b(du|dich|dir|dein|deine)\b", text, re.IGNORECASE)


def test_what_staff_say_takes_the_place_of_the_defaults(home, visitor):
    page = factories.privacy_page(
        controller="Stadt Delft, Der Bürgermeister\nMarkt 87, 2611 GS Delft",
        data_protection_officer="datenschutzbeauftragte@delft.example",
        backups="Sicherungen werden 30 Tage aufbewahrt.",
    )

    content = visitor.get(page.url).content.decode()

    assert '<p lang="de">Stadt Delft, Der Bürgermeister<br>Markt 87, 2611 GS Delft</p>' in content
    assert "The city of Delft runs this site" not in content
    assert "datenschutzbeauftragte@delft.example" in content
    assert '<dd lang="de">Sicherungen werden 30 Tage aufbewahrt.</dd>' in content
    assert "deleted after the period the operator set" not in content


def test_the_city_is_the_configured_one(privacy, visitor, settings):
    settings.CITY_NAME = "Kempten"

    assert "The city of Kempten runs this site" in text_of(visitor.get(privacy.url))


def test_a_tile_server_of_another_host_is_named(privacy, visitor, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    text = text_of(visitor.get(privacy.url))

    assert "The background of the maps is loaded from tiles.example.org." in text
    assert "Only the background of the maps comes from tiles.example.org" in text


def test_the_periods_are_those_of_the_running_configuration():
    stated = facts(tile_url="")

    assert (stated["device_cookie"], stated["device_days"] * 24 * 3600) == (
        cookies.DEVICE_COOKIE,
        cookies.DEVICE_MAX_AGE,
    )
    assert stated["session_days"] * 24 * 3600 == settings.SESSION_COOKIE_AGE
    assert stated["terminal_idle_seconds"] == settings.TERMINAL_IDLE_SECONDS
    # allauth's limits per address (sign-up: 20 an hour) and ours on comments and votes (a minute).
    assert address_window_seconds() == 3600


def test_a_longer_limit_per_address_makes_the_stated_period_longer(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "20/2d/ip"}

    assert address_window_seconds() == 2 * 24 * 3600


def test_what_it_says_of_the_address_hash_and_the_account_is_what_the_code_does(settings):
    """The hash of an address changes with the day (participation.inputs.address_key), and the pages the statement
    points to ("My account": download, delete) exist."""
    from datetime import UTC, datetime

    from django.urls import reverse

    from participation.inputs import address_key

    day = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert address_key("203.0.113.77", now=day) != address_key("203.0.113.77", now=day.replace(day=7))
    assert reverse("account-data") == "/accounts/data/" and reverse("account-delete") == "/accounts/delete/"
