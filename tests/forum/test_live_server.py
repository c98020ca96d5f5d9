"""The live path end to end: real uvicorn processes on the test database, a
real WebSocket client as the kiosk screen, citizens voting over HTTP with a
session and a CSRF token, as the site's own pages do.

Done when: a vote cast over HTTP shows on the kiosk within a second of the
response, on one process with the in-memory layer and across two processes
sharing Redis; and after a restart the snapshot endpoint has the current
totals. ``pytest -s`` prints the latencies measured.
"""

from __future__ import annotations

import json
import statistics
import time
from types import SimpleNamespace
from urllib.request import Request, urlopen

import pytest

from participation.models import ResultsRevision
from tests.support import factories
from tests.support.needs import require_redis
from tests.support.server import (
    FRAME_INTERVAL,
    KioskSocket,
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
    pytest.mark.timeout(180),
]


@pytest.fixture
def room(transactional_db):
    consultation = factories.consultation("vote", title="Neugestaltung des Hildegardplatzes")
    proposal = factories.proposal(consultation, title="Mehr Bäume")
    screen = factories.screen(consultation, slug="foyer")
    return SimpleNamespace(consultation=consultation, proposal=proposal, screen=screen)


def revision_of(consultation) -> int:
    return ResultsRevision.objects.filter(pk=consultation.pk).values_list("value", flat=True).first() or 0


def start_layout(start_server, layout: str) -> tuple[ServerProcess, ServerProcess]:
    """(the kiosk's server, the server citizens vote through)."""
    if layout == "memory":
        server = start_server(prefix=new_channel_prefix(), redis=False)
        return server, server
    require_redis()
    prefix = new_channel_prefix()  # both processes on one Redis, one prefix: one deployment
    return start_server(prefix=prefix, redis=True), start_server(prefix=prefix, redis=True)


def snapshot(server: ServerProcess, token: str) -> dict:
    request = Request(f"{server.url}/kiosk/foyer/snapshot/", headers={"Cookie": f"bf_token={token}"})
    with urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        return json.loads(response.read())


def report(label: str, after_response: list[float], vote_to_screen: list[float]) -> None:
    def ms(values):
        low, middle, high = (1000 * f(values) for f in (min, statistics.median, max))
        return f"min {low:.1f} / median {middle:.1f} / max {high:.1f} ms"

    print(f"\n[live latency] {label}: {len(after_response)} votes")
    print(f"  frame after HTTP response:      {ms(after_response)}")
    print(f"  HTTP request sent -> on screen: {ms(vote_to_screen)}")


@pytest.mark.parametrize("layout", ["memory", "redis"], ids=["memory-1-process", "redis-2-processes"])
def test_a_vote_over_http_shows_on_the_kiosk_within_a_second(start_server, room, layout):
    kiosk_server, vote_server = start_layout(start_server, layout)
    citizens = factories.CitizenFactory.create_batch(5)
    sessions = [session_cookie(citizen) for citizen in citizens]
    csrf = csrf_cookie(vote_server)
    kiosk = KioskSocket(kiosk_server, token=room.screen.token)
    after_response, vote_to_screen = [], []
    try:
        kiosk.ping()  # the consumer is in its group
        for count, session in enumerate(sessions, start=1):
            time.sleep(FRAME_INTERVAL * 1.5)  # a quiet room: each vote on its own
            result = vote(vote_server, session=session, csrf=csrf, proposal_id=room.proposal.pk, choice="support")
            assert result.status == 200, result.body
            assert result.body["results"] == {"support": count, "oppose": 0, "abstain": 0}

            arrived, frame = kiosk.wait_for(lambda f, n=count: totals_of(f, room.proposal.pk)["support"] >= n)
            assert totals_of(frame, room.proposal.pk) == {"support": count, "oppose": 0, "abstain": 0}
            assert frame["type"] == "results" and frame["consultation"] == room.consultation.pk
            assert arrived - result.answered_at < 1.0, "the screen lagged the response by more than a second"
            after_response.append(arrived - result.answered_at)
            vote_to_screen.append(arrived - result.sent_at)
    finally:
        kiosk.close()

    revisions = [frame["revision"] for _, frame in kiosk.frames]
    assert revisions == sorted(revisions)
    assert revisions[-1] == revision_of(room.consultation)
    report(f"{layout}: kiosk on {kiosk_server.port}, votes through {vote_server.port}", after_response, vote_to_screen)


@pytest.mark.parametrize("layout", ["memory", "redis"], ids=["memory-1-process", "redis-2-processes"])
def test_after_a_restart_the_screen_reloads_the_current_totals(start_server, room, layout):
    kiosk_server, vote_server = start_layout(start_server, layout)
    first, second, third = (session_cookie(c) for c in factories.CitizenFactory.create_batch(3))
    pid = room.proposal.pk

    kiosk = KioskSocket(kiosk_server, token=room.screen.token)
    try:
        kiosk.ping()
        csrf = csrf_cookie(vote_server)
        assert vote(vote_server, session=first, csrf=csrf, proposal_id=pid, choice="support").status == 200
        assert vote(vote_server, session=second, csrf=csrf, proposal_id=pid, choice="oppose").status == 200
        _, last_frame = kiosk.wait_for(lambda f: sum(totals_of(f, pid).values()) == 2)
    finally:
        kiosk.close()

    # The kiosk's server goes down (a deploy, a crash); with Redis the other one keeps serving.
    kiosk_server.stop()
    if layout == "redis":
        csrf = csrf_cookie(vote_server)
        result = vote(vote_server, session=third, csrf=csrf, proposal_id=pid, choice="abstain")
        assert result.status == 200, result.body
        missed = 1
    else:
        missed = 0
    restarted = start_server(prefix=kiosk_server.channel_prefix, redis=layout == "redis")

    # What the screen does on reconnect: open the socket, then load the snapshot over HTTP.
    kiosk = KioskSocket(restarted, token=room.screen.token)
    try:
        kiosk.ping()
        reloaded = snapshot(restarted, room.screen.token)
        assert reloaded["type"] == "kiosk" and reloaded["results"]["type"] == "results"
        assert reloaded["revision"] >= last_frame["revision"] + missed
        assert reloaded["revision"] == revision_of(room.consultation)
        expected = {"support": 1, "oppose": 1, "abstain": missed}
        assert totals_of(reloaded, pid) == expected

        # And it is live again: the next vote arrives as a newer frame.
        if layout == "memory":
            csrf = csrf_cookie(restarted)
            vote_through = restarted
        else:
            vote_through = vote_server
        session = third if layout == "memory" else second  # the second citizen changes her mind
        result = vote(vote_through, session=session, csrf=csrf, proposal_id=pid, choice="abstain")
        assert result.status == 200, result.body
        _, frame = kiosk.wait_for(lambda f: f["revision"] > reloaded["revision"])
        assert frame["revision"] == revision_of(room.consultation)
        assert totals_of(frame, pid) == totals_of(snapshot(restarted, room.screen.token), pid)
        assert sum(totals_of(frame, pid).values()) == 3
    finally:
        kiosk.close()
