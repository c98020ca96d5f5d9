"""Account mails speak in the site's name: its name in the subject and as the sender, its public address
(BASE_URL) in every link and line, never the host a request came in on; in the reader's language, formally."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

import pytest
from django.core import mail

from participation import services as participation_services
from tests.support import factories
from tests.support.german import informal_words
from tests.support.pages import browser

PUBLIC = "https://beteiligung.example.de"
SIGNUP = {
    "email": "neu@example.org",
    "username": "neu",
    "password1": "ein-langes-passwort-7",
    "password2": "ein-langes-passwort-7",
}
SUBJECTS = {
    ("confirm", "de"): "[Bürgerforum Delft] Bitte bestätigen Sie Ihre E-Mail-Adresse",
    ("confirm", "en"): "[Bürgerforum Delft] Please Confirm Your Email Address",
    ("reset", "de"): "[Bürgerforum Delft] E-Mail zum Zurücksetzen des Passworts",
    ("reset", "en"): "[Bürgerforum Delft] Password Reset Email",
}


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.BASE_URL = PUBLIC
    settings.SITE_NAME = "Bürgerforum"
    settings.CITY_NAME = "Delft"
    settings.DEFAULT_FROM_EMAIL = "beteiligung@example.de"


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def sender(message) -> str:
    return str(make_header(decode_header(message.message()["From"])))


def assert_in_the_sites_name(message, *, path: str) -> None:
    assert [link.startswith(f"{PUBLIC}{path}") for link in links(message)] == [True]
    assert "testserver" not in message.body and "testserver" not in message.subject
    assert "beteiligung.example.de" in message.body  # the closing line names the public address
    assert sender(message) == "Bürgerforum Delft <beteiligung@example.de>"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_confirmation_mail_names_the_site_and_links_to_its_public_address(db, language):
    browser(language=language).post("/accounts/signup/", SIGNUP)

    (message,) = mail.outbox
    assert message.subject == SUBJECTS["confirm", language]
    assert_in_the_sites_name(message, path="/accounts/confirm-email/")
    assert "Bürgerforum Delft" in message.body
    assert informal_words(message.subject + message.body) == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_password_reset_mail_names_the_site_and_links_to_its_public_address(citizen, language):
    browser(language=language).post("/accounts/password/reset/", {"email": citizen.email})

    (message,) = mail.outbox
    assert message.subject == SUBJECTS["reset", language]
    assert_in_the_sites_name(message, path="/accounts/password/reset/key/")
    assert informal_words(message.subject + message.body) == []


def test_the_confirmation_link_opens_the_confirmation_page(db):
    client = browser(language="de")
    client.post("/accounts/signup/", SIGNUP)

    (link,) = links(mail.outbox[0])
    assert client.get(link.removeprefix(PUBLIC)).status_code == 200


def test_the_mails_to_a_taken_or_unknown_address_link_to_the_public_address_too(citizen):
    client = browser(language="de")
    client.post("/accounts/signup/", {**SIGNUP, "email": citizen.email})  # "an account exists already"
    client.post("/accounts/password/reset/", {"email": "niemand@example.org"})  # "no such account"

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert links(message) and all(link.startswith(f"{PUBLIC}/accounts/") for link in links(message))
        assert message.subject.startswith("[Bürgerforum Delft] ")
        assert informal_words(message.subject + message.body) == []


def test_a_sender_with_its_own_name_keeps_it(citizen, settings):
    settings.DEFAULT_FROM_EMAIL = "Stadt Delft <beteiligung@example.de>"
    browser(language="de").post("/accounts/password/reset/", {"email": citizen.email})

    assert sender(mail.outbox[0]) == "Stadt Delft <beteiligung@example.de>"


def test_a_password_reset_asked_on_another_municipalitys_site_speaks_in_its_name(citizen, settings):
    settings.ALLOWED_HOSTS = ["testserver", "kalletal.example", "elsewhere.example"]
    kalletal = factories.other_site("kalletal.example", title="Kalletal")
    participation_services.name_site(site_id=kalletal.pk, city_name="Kalletal")

    browser(language="de", HTTP_HOST="kalletal.example").post("/accounts/password/reset/", {"email": citizen.email})
    browser(language="de", HTTP_HOST="elsewhere.example").post("/accounts/password/reset/", {"email": citizen.email})

    on_kalletal, elsewhere = mail.outbox
    assert on_kalletal.subject.startswith("[Bürgerforum Kalletal] ")
    assert sender(on_kalletal) == "Bürgerforum Kalletal <beteiligung@example.de>"
    assert [link.startswith("http://kalletal.example/accounts/password/reset/key/") for link in links(on_kalletal)] == [
        True
    ]
    # A host that is no site's is the default site's: its name and public address, never the host sent.
    assert_in_the_sites_name(elsewhere, path="/accounts/password/reset/key/")
    assert "elsewhere" not in elsewhere.body
