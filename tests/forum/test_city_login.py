"""The city's own login (OpenID Connect) where the browser is not needed: what the site offers without it, the
settings that switch it on and local accounts off, and an account of the city's login in the account area (the
download holds its link to the city's login; deleting it leaves neither the provider's id nor a token).
The login itself, against a real provider in Chromium: tests/e2e/test_city_login.py."""

from __future__ import annotations

import json

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.auth import get_user_model
from django.test import Client

from participation import services
from tests.support import factories
from tests.support.dump import database_dump
from tests.support.environment import manage, production_env
from tests.support.german import informal_words, page_text

SUB = "c1t1zen-0815"
TOKEN = "an-access-token-of-the-city"  # the site keeps none (SOCIALACCOUNT_STORE_TOKENS); one left by an older setup


@pytest.fixture
def city_citizen(db):
    """A citizen who signed up through the city's login: no password here, a verified address from its claims."""
    user = factories.CitizenFactory(username="Stadtkind", email="stadtkind@stadt.example", password=None)
    user.set_unusable_password()
    user.save()
    claims = {"userinfo": {"sub": SUB, "email": "stadtkind@stadt.example", "email_verified": True}}
    account = SocialAccount.objects.create(user=user, provider="city", uid=SUB, extra_data=claims)
    SocialToken.objects.create(account=account, token=TOKEN)
    return user


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_without_an_issuer_there_is_no_city_login(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Log in with" not in page.content.decode()
    assert "form-action 'self';" in page["Content-Security-Policy"]
    for path in ("/accounts/oidc/city/login/", "/accounts/oidc/city/login/callback/?code=x&state=y"):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code == 404, path


def test_the_pages_of_the_city_login_say_sie(city_citizen):
    """allauth's pages of social accounts that can show (the connections, a cancelled login, a failed one), German."""
    client = _client(city_citizen, "de")
    pages = {
        "/accounts/3rdparty/": 200,
        "/accounts/3rdparty/login/cancelled/": 200,
        "/accounts/3rdparty/login/error/": 401,
    }
    for path, status in pages.items():
        response = client.get(path)
        assert response.status_code == status, path
        text = page_text(response.content.decode())
        assert informal_words(text) == [], (path, text)
    cancelled = Client(HTTP_ACCEPT_LANGUAGE="de").get("/accounts/3rdparty/login/cancelled/").content.decode()
    assert "Sie haben die Anmeldung abgebrochen" in cancelled


def test_a_citizen_of_the_city_login_may_vote_at_once(city_citizen):
    proposal = factories.proposal(factories.consultation("vote"))
    services.cast_vote(voter=city_citizen, proposal=proposal, choice="support")
    assert proposal.votes.get().participant.user == city_citizen


def test_the_download_holds_the_link_to_the_city_login_but_no_token(city_citizen):
    response = _client(city_citizen).post("/accounts/data/")

    assert response.status_code == 200
    data = json.loads(response.content)
    [login] = data["logins"]
    assert (login["provider"], login["uid"]) == ("City login", SUB)
    assert login["claims"]["userinfo"]["email"] == "stadtkind@stadt.example"
    assert TOKEN not in response.content.decode()


def test_deleting_an_account_of_the_city_login_is_confirmed_by_its_address_and_leaves_nothing(city_citizen):
    client = _client(city_citizen)
    page = client.get("/accounts/delete/").content.decode()
    assert 'type="email"' in page and 'type="password"' not in page  # it has no password to type

    wrong = client.post("/accounts/delete/", {"email": "someone@stadt.example", "contributions": "keep"})
    assert wrong.status_code == 400
    assert "This is not the e-mail address of your account." in wrong.content.decode()
    assert SocialAccount.objects.filter(uid=SUB).exists()

    response = client.post("/accounts/delete/", {"email": "Stadtkind@Stadt.example", "contributions": "keep"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="Stadtkind").exists()
    assert (SocialAccount.objects.count(), SocialToken.objects.count()) == (0, 0)
    dump = database_dump()
    for personal in (SUB.encode(), TOKEN.encode(), b"stadtkind@stadt.example", b"Stadtkind"):
        assert personal not in dump, personal


def test_local_accounts_off_needs_the_city_login(tmp_path):
    result = manage(production_env(tmp_path, LOCAL_ACCOUNTS="0"), "check")
    assert result.returncode != 0
    assert "LOCAL_ACCOUNTS is off but OIDC_ISSUER is not set" in result.stderr


def test_an_issuer_needs_a_client_and_goes_into_form_action(tmp_path):
    result = manage(production_env(tmp_path, OIDC_ISSUER="https://login.stadt.example/realms/buerger"), "check")
    assert result.returncode != 0
    assert "OIDC_ISSUER needs OIDC_CLIENT_ID" in result.stderr

    env = production_env(
        tmp_path,
        OIDC_ISSUER="https://login.stadt.example/realms/buerger/",
        OIDC_CLIENT_ID="buergerforum",
        OIDC_CLIENT_SECRET="s3cret",
        LOCAL_ACCOUNTS="0",
    )
    script = "from django.conf import settings as s; print(s.SECURE_CSP['form-action'], s.SOCIALACCOUNT_ONLY)"
    result = manage(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[\"'self'\", 'https://login.stadt.example'] True"
