"""The admin's login (/admin/login/, forum.forms.AdminLoginForm) is limited as allauth's /accounts/login/:
failed attempts per account and per address, with a message in the visitor's language."""

import itertools
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.server import csrf_cookie, new_channel_prefix

PASSWORD = "a-long-admin-password"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _admin():
    return get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)


def _login(username: str, password: str, *, address: str | None = None, language: str = "de"):
    client = Client(REMOTE_ADDR=address or next(_addresses), HTTP_ACCEPT_LANGUAGE=language)
    return client, client.post("/admin/login/", {"username": username, "password": password})


def test_the_right_password_logs_in(db):
    admin = _admin()
    client, response = _login("admin", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_five_wrong_passwords_for_one_account_lock_it_from_every_address(db):
    _admin()
    for _attempt in range(5):
        _client, response = _login("admin", "wrong-password")
        assert response.status_code == 200
        assert "Zu viele" not in response.content.decode()

    client, response = _login("admin", PASSWORD)  # the right password, from an address not seen yet
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später noch einmal." in page
    assert "_auth_user_id" not in client.session


def test_ten_failures_from_one_address_stop_it_whichever_account_it_tries(db):
    _admin()
    for n in range(10):
        _login(f"guess{n}", "wrong-password", address="203.0.113.5")

    client, response = _login("admin", PASSWORD, address="203.0.113.5", language="en")
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session

    client, response = _login("admin", PASSWORD, address="203.0.113.6")  # another address is not held up
    assert response.status_code == 302


def test_a_successful_login_takes_its_attempt_back(db):
    _admin()
    for _attempt in range(4):
        _login("admin", "wrong-password")
    for _attempt in range(3):
        _client, response = _login("admin", PASSWORD)
        assert response.status_code == 302


# --- on the real server: a header anyone can send never escapes the limits ----------------------------------


def _post_form(server, path: str, fields: dict, *, forwarded_for: str) -> str:
    csrf = csrf_cookie(server, path)
    request = Request(
        f"{server.url}{path}",
        data=urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode(),
        method="POST",
        headers={
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={csrf}",
            "Origin": server.url,
            "Referer": f"{server.url}{path}",
            "Accept-Language": "en",
            "X-Forwarded-For": forwarded_for,
        },
    )
    try:
        with urlopen(request, timeout=10) as response:
            return response.read().decode()
    except HTTPError as error:
        return error.read().decode()


LIMITED = "Too many failed login attempts"


@pytest.mark.parametrize(
    ("path", "field"), [("/accounts/login/", "login"), ("/admin/login/", "username")], ids=["site", "admin"]
)
def test_a_rotating_x_forwarded_for_from_an_untrusted_address_does_not_escape_the_limit(start_server, path, field):
    _admin()
    server = start_server(prefix=new_channel_prefix(), redis=True)  # TRUSTED_PROXIES empty: 127.0.0.1 is a client
    pages = [
        _post_form(server, path, {field: f"guess{n}@example.org", "password": "wrong"}, forwarded_for=f"192.0.2.{n}")
        for n in range(12)
    ]
    assert [LIMITED in page for page in pages] == [False] * 10 + [True] * 2


def test_behind_a_trusted_proxy_each_visitor_counts_on_its_own(start_server):
    _admin()
    server = start_server(prefix=new_channel_prefix(), redis=True, TRUSTED_PROXIES="127.0.0.1")
    # Twelve visitors behind the proxy, one failure each: none of them is limited by the others' failures.
    pages = [
        _post_form(
            server, "/admin/login/", {"username": f"guess{n}", "password": "wrong"}, forwarded_for=f"192.0.2.{n}"
        )
        for n in range(12)
    ]
    assert not any(LIMITED in page for page in pages)
    # One visitor rotating what it sends in front of the proxy's entry is still one visitor.
    pages = [
        _post_form(
            server,
            "/admin/login/",
            {"username": f"other{n}", "password": "wrong"},
            forwarded_for=f"10.9.9.{n}, 192.0.2.200",
        )
        for n in range(12)
    ]
    assert [LIMITED in page for page in pages] == [False] * 10 + [True] * 2
