"""Accounts: sign up by email with verification; only verified citizens write."""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from participation.rules import allows
from tests.support.german import informal_words, page_text
from tests.support.pages import browser

SIGNUP = {
    "email": "neu@example.org",
    "username": "neu",
    "password1": "ein-langes-passwort-7",
    "password2": "ein-langes-passwort-7",
}


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_sign_up_sends_a_confirmation_mail_and_does_not_log_in(client, db):
    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["neu@example.org"]
    user = get_user_model().objects.get(username="neu")
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session


def test_unverified_citizen_may_not_write_until_the_link_is_confirmed(client, participating_consultation):
    client.post("/accounts/signup/", SIGNUP)
    user = get_user_model().objects.get(username="neu")
    assert not allows("participation.comment", user, participating_consultation)

    link = _confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button: a GET alone never confirms
    assert not EmailAddress.objects.get(user=user).verified
    client.post(link)

    user = get_user_model().objects.get(username="neu")
    assert EmailAddress.objects.get(user=user).verified
    assert allows("participation.comment", user, participating_consultation)
    assert client.session["_auth_user_id"] == str(user.pk)  # logged in on confirmation


def test_login_with_email_and_logout(client, citizen):
    response = client.post("/accounts/login/", {"login": citizen.email, "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link(client, citizen):
    response = client.post("/accounts/password/reset/", {"email": citizen.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_signing_up_with_a_taken_email_reveals_nothing_and_creates_nothing(client, citizen):
    # No account enumeration: the answer looks like success; the owner gets a mail.
    response = client.post("/accounts/signup/", {**SIGNUP, "email": citizen.email})

    assert response.status_code == 302
    assert get_user_model().objects.filter(email=citizen.email).count() == 1
    assert not get_user_model().objects.filter(username="neu").exists()
    assert [m.to for m in mail.outbox] == [[citizen.email]]


# --- in German, the site says "Sie" -------------------------------------------------------------------------

ANONYMOUS_PAGES = [
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",  # "we have sent you a mail"
    "/accounts/confirm-email/not-a-key/",  # an expired or wrong link
    "/accounts/password/reset/key/1-not-a-key/",  # likewise
]
CITIZEN_PAGES = [
    "/accounts/",
    "/accounts/contributions/",
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/password/change/",
]


def german_words(response) -> str:
    assert response.status_code == 200, response
    return page_text(response.content.decode())


def test_the_account_pages_say_sie_in_german(citizen):
    anonymous, logged_in = browser(language="de"), browser(citizen, language="de")

    pages = {url: german_words(anonymous.get(url)) for url in ANONYMOUS_PAGES}
    pages |= {url: german_words(logged_in.get(url)) for url in CITIZEN_PAGES}

    assert "Sie haben noch kein Konto?" in pages["/accounts/login/"]
    assert "Passwort vergessen? Geben Sie unten Ihre E-Mail-Adresse ein." in pages["/accounts/password/reset/"]
    assert "Möchten Sie sich wirklich abmelden?" in pages["/accounts/logout/"]
    assert {url: informal_words(text) for url, text in pages.items() if informal_words(text)} == {}


def test_the_account_forms_errors_and_messages_say_sie_in_german(home, citizen):
    client = browser(language="de")
    refused = client.post("/accounts/signup/", {**SIGNUP, "password2": "ein-anderes-passwort-8"})
    wrong = client.post("/accounts/login/", {"login": citizen.email, "password": "falsch-falsch-falsch"})
    client.post("/accounts/signup/", SIGNUP)
    confirm_page = client.get(_confirmation_link(mail.outbox[0]))
    confirmed = client.post(_confirmation_link(mail.outbox[0]), follow=True)
    signed_out = client.post("/accounts/logout/", follow=True)

    assert "Bitte geben Sie beide Male dasselbe Passwort ein." in german_words(refused)
    assert "Bitte bestätigen Sie, dass" in german_words(confirm_page)
    assert "Sie haben sich abgemeldet." in german_words(signed_out)
    texts = [german_words(response) for response in (refused, wrong, confirm_page, confirmed, signed_out)]
    assert [informal_words(text) for text in texts] == [[]] * 5
