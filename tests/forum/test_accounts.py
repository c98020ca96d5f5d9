"""Accounts: sign up by email with verification; only verified citizens write."""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from participation.rules import allows

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
