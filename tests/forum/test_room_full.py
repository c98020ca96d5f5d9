"""A full room against real server processes: 200 phones on real sockets vote over HTTP within two
seconds, two kiosk screens watch, the presenter reveals the results. Every phone and every screen ends
on exactly the database's totals, and every one of them got the reveal. ``pytest -s`` prints the figures.

The reveal is written from this test process, as a management command or a worker would: its frame
reaches the servers' sockets through the heartbeat (a server that sees the revision move without a frame
publishes one), which is also what heals a frame lost to a Redis or database outage.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from forum import services as forum_services
from participation import selectors, services
from participation.models import Channel, PollAnswer
from tests.support import factories
from tests.support.needs import require_redis
from tests.support.server import KioskSocket, Phone, PhoneSocket, new_channel_prefix

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(300),
]

PHONES = 200
WINDOW = 2.0  # seconds in which all phones send their vote
HEARTBEAT = "0.5"


@pytest.fixture
def evening(transactional_db):
    consultation = factories.consultation("vote", title="Ein neuer Platz am Wasser")
    presenter = factories.moderator()
    room = factories.room(consultation, presenter=presenter)
    poll = services.add_poll(
        presenter=presenter, consultation=consultation, question="Was fehlt?", options=["Bäume", "Bänke", "Licht"]
    )
    forum_services.show_in_room(presenter=presenter, room=room, scene="poll", poll=poll, open_poll=True)
    screens = [factories.screen(consultation, slug=slug) for slug in ("foyer", "saal")]
    return SimpleNamespace(consultation=consultation, presenter=presenter, room=room, poll=poll, screens=screens)


def poll_of(frame: dict) -> dict:
    return frame["room"]["poll"]


def counts_of(results: dict) -> dict[str, int]:
    return {option["label"]: option["count"] for option in results["options"]}


@pytest.mark.parametrize("processes", [1, 2], ids=["memory-1-process", "redis-2-processes"])
def test_a_full_room_votes_and_every_client_ends_on_the_database_totals(start_server, evening, processes):
    if processes == 2:
        require_redis()
    prefix = new_channel_prefix()
    servers = [
        start_server(prefix=prefix, redis=processes == 2, LIVE_HEARTBEAT_INTERVAL=HEARTBEAT) for _ in range(processes)
    ]
    code = evening.room.code
    options = list(evening.poll.options.values_list("pk", flat=True))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=25) as pool:
        sockets = list(pool.map(lambda i: PhoneSocket(servers[i % processes], code, timeout=30), range(PHONES)))
    screens = [
        KioskSocket(servers[i % processes], screen.slug, token=screen.token, kinds=("room",))
        for i, screen in enumerate(evening.screens)
    ]
    connected_in = time.monotonic() - started
    clients = sockets + screens
    try:
        with ThreadPoolExecutor(max_workers=25) as pool:
            list(pool.map(lambda client: client.ping(timeout=30), clients))  # every consumer is in its groups
            phones = [Phone(servers[i % processes], code) for i in range(PHONES)]
            list(pool.map(Phone.join, phones))

        def vote(index: int):
            time.sleep(max(0.0, index * WINDOW / PHONES - (time.monotonic() - burst)))  # spread over the window
            return phones[index].vote({"option": options[index % len(options)]})

        with ThreadPoolExecutor(max_workers=PHONES) as pool:  # each phone sends on its own, as in a room
            burst = time.monotonic()
            results = list(pool.map(vote, range(PHONES)))
        assert [r.status for r in results] == [200] * PHONES, next(r.body for r in results if r.status != 200)
        assert all(r.body["counted"] for r in results)
        assert max(r.sent_at for r in results) - burst <= WINDOW + 0.5
        answered_in = max(r.answered_at for r in results) - burst
        assert PollAnswer.objects.filter(poll=evening.poll, channel=Channel.PHONE).count() == PHONES

        services.reveal_poll(presenter=evening.presenter, poll=evening.poll)
        revealed = time.monotonic()
        expected = counts_of(selectors.poll_results(poll=evening.poll))
        assert sum(expected.values()) == PHONES

        def got_the_reveal(frame: dict) -> bool:
            return poll_of(frame)["results_visible"] and counts_of(poll_of(frame)["results"]) == expected

        arrivals = [client.wait_for(got_the_reveal, timeout=15)[0] - revealed for client in clients]
        time.sleep(1.5)  # a later frame (there should be none that differs) would show up now
    finally:
        for client in clients:
            client.close()

    for client in clients:
        last = client.frames[-1][1]
        assert poll_of(last)["results_visible"], "a client's last frame hides the results again"
        assert counts_of(poll_of(last)["results"]) == expected
        revisions = [frame["revision"] for _, frame in client.frames]
        assert revisions == sorted(revisions)
    print(
        f"\n[full room] {processes} process(es): {PHONES} phone sockets and 2 screens connected in "
        f"{connected_in:.1f}s; {PHONES} votes sent over {WINDOW:.0f}s, all answered {answered_in:.2f}s after the "
        f"first; reveal on every client: median {statistics.median(arrivals) * 1000:.0f} ms, "
        f"max {max(arrivals) * 1000:.0f} ms (written outside the servers, healed by the heartbeat every {HEARTBEAT}s)"
    )
