"""Redis stops and comes back, under a real server: the site goes on as without Redis, and the live path heals.

While Redis is down every page, the login, a vote, a comment (the page's form and the API) and a phone's poll
answer are answered as usual and saved (the cache finds nothing, the rate limits count in the server's own
memory: README, "When Redis is down"); /healthz says 503 and names the channel layer. Sockets are told by the
heartbeat that they are behind; once Redis is back they get the exact totals within seconds, and /healthz
says 200 again.

The server runs on a redis-server of the test's own (stopped and started again), as in test_live_healing.
"""

from __future__ import annotations

import json
import shutil
import time
from http.cookiejar import CookieJar
from types import SimpleNamespace
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPErrorProcessor, Request, build_opener

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from forum import services as forum_services
from participation import selectors, services
from participation.models import Contribution, PollAnswer, Vote
from tests.support import factories
from tests.support.needs import require
from tests.support.server import (
    REDIS_OUTAGE_ERRORS,
    KioskSocket,
    Phone,
    PhoneSocket,
    RedisProcess,
    ServerProcess,
    csrf_cookie,
    new_channel_prefix,
    session_cookie,
    totals_of,
    vote,
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

HEARTBEAT = 1.0
PASSWORD = "a-long-test-password"


class NoRedirects(HTTPErrorProcessor):
    """Every answer as it is: a redirect is an answer of its own (3xx), never followed."""

    def http_response(self, request, response):
        return response

    https_response = http_response


class Browser:
    """A browser without JavaScript: keeps its cookies, sends forms with the CSRF token, follows no redirect."""

    def __init__(self, server: ServerProcess, cookies: dict[str, str] | None = None):
        self.server = server
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), NoRedirects)
        self.extra = cookies or {}
        self.took: list[tuple[str, float]] = []  # (path, seconds) of every request

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), self.extra.get(name))

    def request(self, path: str, *, data: dict | None = None, json_body: dict | None = None) -> tuple[int, bytes]:
        started = time.monotonic()
        try:
            return self._request(path, data=data, json_body=json_body)
        finally:
            self.took.append((path, time.monotonic() - started))

    def _request(self, path: str, *, data: dict | None, json_body: dict | None) -> tuple[int, bytes]:
        headers = {"Accept-Language": "de", "Origin": self.server.url, "Referer": f"{self.server.url}/"}
        if self.extra:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.extra.items())
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookie(settings.CSRF_COOKIE_NAME), **data}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.cookie(settings.CSRF_COOKIE_NAME)
        request = Request(f"{self.server.url}{path}", data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()


@pytest.fixture
def evening(transactional_db):
    consultation = factories.consultation("vote")
    proposals = [factories.proposal(consultation, title=f"Vorschlag {n}") for n in range(2)]
    presenter = factories.moderator()
    room = factories.room(consultation, presenter=presenter)
    poll = services.add_poll(presenter=presenter, consultation=consultation, question="Was fehlt?", options=["A", "B"])
    forum_services.show_in_room(presenter=presenter, room=room, scene="poll", poll=poll, open_poll=True)
    services.reveal_poll(presenter=presenter, poll=poll)
    screen = factories.screen(consultation)
    citizen = factories.CitizenFactory(username="anna")
    # Hashed as the server hashes (the tests' own hasher is MD5, for speed), so that it can log in.
    citizen.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    citizen.save(update_fields=["password"])
    return SimpleNamespace(
        consultation=consultation, proposals=proposals, room=room, poll=poll, screen=screen, citizen=citizen
    )


def health(server: ServerProcess) -> tuple[int, dict]:
    status, body = Browser(server).request("/healthz")
    return status, json.loads(body)


def test_with_redis_down_the_site_answers_and_saves_and_the_sockets_heal_once_it_is_back(tmp_path, evening):
    require(shutil.which("redis-server") is not None, "redis", "apt-get install redis-server")
    redis = RedisProcess(tmp_path)
    server = ServerProcess(
        mail_dir=tmp_path / "mail",
        channel_prefix=new_channel_prefix(),
        extra_env={"REDIS_URL": redis.url, "LIVE_HEARTBEAT_INTERVAL": str(HEARTBEAT)},
    )
    kiosk = KioskSocket(server, token=evening.screen.token, kinds=("results",))
    phone_socket = PhoneSocket(server, evening.room.code)
    proposal, other = evening.proposals
    try:
        for client in (kiosk, phone_socket):
            client.ping()
        assert health(server)[0] == 200
        redis.stop()
        down = time.monotonic()

        status_down, report = health(server)
        # Redis carries the channel layer and the Celery broker: both are named failing, the database is fine.
        assert status_down == 503 and report["status"] == "error", report
        assert report["channel_layer"].startswith("error") and report["broker"].startswith("error"), report
        assert report["database"] == "ok", report

        visitor = Browser(server)
        answers = {}
        for label, path in [
            ("home", "/"),
            ("consultation", evening.consultation.url),
            ("proposal", proposal.url),
            ("proposals API", "/api/v1/proposals/"),
            ("login page", "/accounts/login/"),
        ]:
            answers[label] = visitor.request(path)[0]
        login = visitor.request("/accounts/login/", data={"login": evening.citizen.email, "password": PASSWORD})
        answers["login"] = login[0]
        assert visitor.cookie(settings.SESSION_COOKIE_NAME), "the login kept no session"

        # The logged-in visitor comments through the page's form and the API and votes by the form; another
        # citizen votes by the API, as the page's script does; a phone answers the room's poll.
        answers["comment (form)"] = visitor.request(proposal.url, data={"text": "Bäume, bitte."})[0]
        answers["comment (API)"] = visitor.request(
            "/api/v1/contributions/",
            json_body={"consultation": evening.consultation.pk, "proposal": proposal.pk, "text": "Und Bänke."},
        )[0]
        answers["vote (form)"] = visitor.request(other.url, data={"action": "vote", "choice": "oppose"})[0]
        citizen = session_cookie(factories.CitizenFactory(username="ben"))
        voted = vote(server, session=citizen, csrf=csrf_cookie(server), proposal_id=proposal.pk, choice="support")
        answers["vote (API)"] = voted.status
        phone = Phone(server, evening.room.code)
        phone.join()
        option = evening.poll.options.first()
        answers["poll answer"] = phone.vote({"option": option.pk}).status
        outage_answers = time.monotonic() - down
        slowest = max(visitor.took, key=lambda taken: taken[1])

        # As with Redis up: pages 200, a form's write redirects (302), the API's 201/200.
        assert answers == {
            **dict.fromkeys(["home", "consultation", "proposal", "proposals API", "login page"], 200),
            **{"login": 302, "comment (form)": 302, "comment (API)": 201, "vote (form)": 302},
            **{"vote (API)": 200, "poll answer": 200},
        }, answers
        assert Contribution.objects.filter(text__in=["Bäume, bitte.", "Und Bänke."]).count() == 2
        assert Vote.objects.filter(proposal=proposal, choice="support").count() == 1
        assert Vote.objects.filter(proposal=other, choice="oppose", participant__user=evening.citizen).exists()
        assert PollAnswer.objects.filter(poll=evening.poll, choices__option=option).count() == 1

        # Nothing could be published; the heartbeat (no Redis needed) tells every socket it is behind.
        revision = selectors.results_revision(consultation_id=evening.consultation.pk)
        for client in (kiosk, phone_socket):
            heartbeat = client.wait_for(lambda f: f["revision"] == revision, 3 * HEARTBEAT, others=True)[1]
            assert heartbeat["type"] == "heartbeat"
        assert not any(f["revision"] == revision for _, f in kiosk.frames + phone_socket.frames)

        redis.start()
        back = time.monotonic()
        totals = selectors.proposal_results(proposal_ids=[p.pk for p in evening.proposals])
        poll_results = selectors.poll_results(poll=evening.poll)["options"]
        _, frame = kiosk.wait_for(lambda f: f["revision"] == revision, timeout=10)
        assert {p.pk: totals_of(frame, p.pk) for p in evening.proposals} == totals
        _, frame = phone_socket.wait_for(lambda f: f["revision"] == revision, timeout=10)
        assert frame["room"]["poll"]["results"]["options"] == poll_results
        healed_in = time.monotonic() - back

        deadline = time.monotonic() + 10
        while (status := health(server)[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200, health(server)
        healthy_in = time.monotonic() - back
    finally:
        kiosk.close()
        phone_socket.close()
        server.stop()
        redis.stop()
    unexpected = server.failures_besides(REDIS_OUTAGE_ERRORS)
    assert not unexpected, "the server failed otherwise than by the outage:\n" + "\n".join(unexpected)
    print(f"\n[redis outage] /healthz said {status_down}: {report}")
    print(f"  {len(answers)} requests answered in {outage_answers * 1000:.0f} ms while Redis was down")
    print(f"  slowest of the browser's: {slowest[0]} {slowest[1] * 1000:.0f} ms (the login hashes the password)")
    print(f"  exact totals on both sockets {healed_in * 1000:.0f} ms, /healthz 200 {healthy_in * 1000:.0f} ms after")
