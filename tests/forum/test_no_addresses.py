"""No IP address is stored or logged: a real server behind a "proxy" (TRUSTED_PROXIES=127.0.0.1) gets pages, failed
logins up to the limit, a sign-up, a vote, a comment, a phone's vote and the phone's and kiosk's sockets, all from
203.0.113.77 (a documentation address); then the address is looked for, in every form it could take, in the
server's log, a dump of the whole database and every key and value of the server's own Redis. The limits still
count it: the login limit hits, under the address's daily hash (participation.inputs.address_key).
"""

from __future__ import annotations

import ipaddress
import re
import shutil
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from websockets.sync.client import connect

from forum import services as forum_services
from participation import services
from participation.inputs import address_key
from participation.models import Contribution, Vote
from tests.support import factories
from tests.support.dump import database_dump
from tests.support.needs import require
from tests.support.server import RedisProcess, ServerProcess, new_channel_prefix, post_json, session_cookie

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(180),
]

ADDRESS = "203.0.113.77"
FORWARDED = {"X-Forwarded-For": ADDRESS}


def address_forms(address: str) -> list[bytes]:
    """The address as text, as its four bytes, as one number (decimal and hex) and its hex digits joined by "."."""
    parsed = ipaddress.ip_address(address)
    packed = parsed.packed
    return [address.encode(), packed, str(int(parsed)).encode(), packed.hex().encode(), packed.hex().upper().encode()]


def found_in(name: str, data: bytes, forms: list[bytes]) -> list[str]:
    return [
        f"{name}: {form!r} near {data[max(0, at - 60) : at + 60]!r}" for form in forms if (at := data.find(form)) >= 0
    ]


class Browser:
    """A browser behind the proxy: keeps its cookies, sends X-Forwarded-For on every request."""

    def __init__(self, server: ServerProcess):
        self.server = server
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        headers = dict(FORWARDED)
        if data is not None:
            headers["X-CSRFToken"] = self.cookie(settings.CSRF_COOKIE_NAME)
            headers["Referer"] = f"{self.server.url}{path}"
        try:
            with self.opener.open(Request(f"{self.server.url}{path}", data=body, headers=headers), timeout=30) as r:
                return r.status, r.read().decode(errors="replace")
        except HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path: str, data: dict) -> tuple[int, str]:
        self.request(path)  # the form first: the CSRF cookie, as a browser gets it
        return self.request(path, {**data, "csrfmiddlewaretoken": self.cookie(settings.CSRF_COOKIE_NAME)})


def redis_contents(url: str) -> list[tuple[bytes, bytes]]:
    import redis

    client = redis.Redis.from_url(url)
    return [(key, client.dump(key) or b"") for key in client.scan_iter(count=1000)]


def test_no_address_is_stored_or_logged_and_the_limits_still_count_it(tmp_path):
    require(shutil.which("redis-server") is not None, "redis", "apt-get install redis-server")
    consultation = factories.consultation("vote")
    proposal = factories.proposal(consultation)
    voter = factories.CitizenFactory(username="waehlerin")
    presenter = factories.moderator()
    room = factories.room(consultation, presenter=presenter)
    poll = services.add_poll(presenter=presenter, consultation=consultation, question="Was fehlt?", options=["A", "B"])
    forum_services.show_in_room(presenter=presenter, room=room, scene="poll", poll=poll, open_poll=True)
    screen = factories.screen(consultation)
    redis = RedisProcess(tmp_path)
    server = ServerProcess(
        mail_dir=tmp_path / "mail",
        channel_prefix=new_channel_prefix(),
        extra_env={"REDIS_URL": redis.url, "TRUSTED_PROXIES": "127.0.0.1"},
    )
    try:
        visitor = Browser(server)
        assert visitor.request("/")[0] == 200
        assert visitor.request(consultation.url)[0] == 200

        # Failed logins until allauth's per-address limit (10 a minute) refuses them.
        pages = [
            visitor.post("/accounts/login/", {"login": f"nobody{n}@example.org", "password": "wrong"})[1]
            for n in range(11)
        ]
        refused = ["Zu viele gescheiterte Anmeldeversuche" in page for page in pages]
        assert refused == [False] * 10 + [True]

        status, _ = Browser(server).post(
            "/accounts/signup/",
            {
                "email": "neu@example.org",
                "username": "neu",
                "password1": "ein-langes-pw-7",
                "password2": "ein-langes-pw-7",
            },
        )
        assert status == 200 and get_user_model().objects.filter(username="neu").exists()  # (after the redirect)

        citizen = Browser(server)
        citizen.request("/")
        cookies = {
            settings.SESSION_COOKIE_NAME: session_cookie(voter),
            settings.CSRF_COOKIE_NAME: citizen.cookie("csrftoken"),
        }
        for name, value in cookies.items():
            citizen.jar.set_cookie(_cookie(name, value))
        status, _ = citizen.request(
            consultation.url,
            {
                "action": "comment",
                "text": "Mehr Bäume am Ufer",
                "csrfmiddlewaretoken": cookies[settings.CSRF_COOKIE_NAME],
            },
        )
        assert status == 200 and Contribution.objects.filter(author=voter).exists()
        assert _post_forwarded(server, f"/api/v1/proposals/{proposal.pk}/vote/", {"choice": "support"}, cookies) == 200

        phone = Browser(server)
        assert phone.request(f"/live/{room.code}/")[0] == 200
        phone_cookies = {cookie.name: cookie.value for cookie in phone.jar}
        option = poll.options.first().pk
        assert _post_forwarded(server, f"/api/v1/rooms/{room.code}/vote/", {"option": option}, phone_cookies) == 200
        assert Vote.objects.filter(proposal=proposal).count() == 1 and poll.answers.count() == 1
        with (
            connect(f"{server.ws_url}/ws/live/{room.code}/", origin=server.url, additional_headers=FORWARDED) as ws,
            connect(
                f"{server.ws_url}/ws/kiosk/{screen.slug}/",
                origin=server.url,
                additional_headers={**FORWARDED, "Cookie": f"bf_socket_token={screen.token}"},
            ) as kiosk,
        ):
            ws.recv(timeout=10)
            kiosk.recv(timeout=10)
    finally:
        server.stop()
    try:
        contents = redis_contents(redis.url)
    finally:
        redis.stop()

    forms = address_forms(ADDRESS)
    found = found_in("server log", server.log.read_bytes(), forms)
    # uvicorn logs the connection's own address (here the "proxy", 127.0.0.1) unless it is hidden.
    found += [f"server log: {line}" for line in re.findall(rb".*127\.0\.0\.1:\d+ - .*", server.log.read_bytes())]
    found += found_in("database", database_dump(), forms)
    for key, value in contents:
        found += found_in(f"redis key {key!r}", key, forms) + found_in(f"redis value of {key!r}", value, forms)
    assert not found, "the address was stored or logged:\n" + "\n".join(found)

    # The limits counted it all the same, under the address's hash (the server has this run's SECRET_KEY).
    keys = [key.decode(errors="replace") for key, _ in contents]
    assert any(address_key(ADDRESS) in key for key in keys), keys


def _cookie(name: str, value: str):
    from http.cookiejar import Cookie

    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, True, None, None, {})


def _post_forwarded(server: ServerProcess, path: str, body: dict, cookies: dict[str, str]) -> int:
    """A JSON POST as the site's scripts send it, through the proxy: its status."""
    return post_json(f"{server.url}{path}", body, cookies=cookies, origin=server.url, headers=FORWARDED).status
