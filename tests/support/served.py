"""The application the test servers run (tests.support.server.ServerProcess): the site's own (forum.asgi), and
one address more, known only to the test run that started the server (its token comes in the environment).

The browser tests put the database back to the demo's state before each test (tests.support.demo_state), with
the same ids every time. A server lives through many tests and keeps things between requests by those ids and
codes: its cache (pages, the site's profile, live frames, rate limits; in-memory without Redis), per
consultation the newest revision its sockets were sent and the newest frame of each group, per room code the
votes allowed and the admissions. Before, each test's demo had new ids and none of it matched again; now it
would, so a restore asks every server to forget it (a POST to FORGET_PATH), as a freshly started server would
know nothing. Everything else passes through.
"""

from __future__ import annotations

import hmac
import os

from asgiref.sync import sync_to_async

from forum.asgi import application as site
from tests.support.server import FORGET_PATH

_TOKEN = os.environ.get("TEST_SERVER_FORGET_TOKEN", "")


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == FORGET_PATH and _TOKEN and scope["method"] == "POST":
        headers = dict(scope["headers"])
        if hmac.compare_digest(headers.get(b"x-forget-token", b""), _TOKEN.encode()):
            await _forget()
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
    await site(scope, receive, send)


async def _forget() -> None:
    from forum.consumers.ballots import Allowance, ballot_box
    from forum.consumers.room import recent_admissions
    from participation.live import publisher
    from participation.live.relay import relay

    await sync_to_async(_forget_cached)()
    # These live on the server's loop (this coroutine's): changed here, between two of its steps. A newest
    # frame kept at a revision above the one put back would be greeted to new sockets, and the frames
    # of the test's own writes (lower revisions) dropped as older.
    publisher._seen.clear()
    relay._newest.clear()
    ballot_box._allowance = Allowance()
    recent_admissions._answers.clear()


def _forget_cached() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    cache.clear()  # in-memory: this process's own; with Redis: the shared database (the tests clear it too)
    ContentType.objects.clear_cache()
