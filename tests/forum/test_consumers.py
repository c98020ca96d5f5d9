"""The kiosk WebSocket in-process: the whole ASGI application (origin check,
router, consumer) driven by Channels' WebsocketCommunicator, on the run's
channel layer (in-memory, or Redis pub/sub with REDIS_URL) and the run's
database. Each test is one coroutine run with async_to_sync, so the consumer,
the publisher and the layer share one event loop, as in a server."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections, transaction

from forum import services as forum_services
from forum.asgi import application, router
from participation import services
from participation.live import frame_message, results_group
from participation.models import ResultsRevision
from tests.support import factories
from tests.support.needs import require_redis
from tests.support.server import totals_of

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(60),
    pytest.mark.usefixtures("live_layer"),
]

ORIGIN = [(b"origin", b"http://127.0.0.1")]
PATH = "/ws/kiosk/foyer/"


@pytest.fixture
def screen(voting_consultation):
    return factories.screen(voting_consultation, slug="foyer")


def run(scenario):
    return async_to_sync(scenario)()


def headers_of(screen, origin=ORIGIN) -> list[tuple[bytes, bytes]]:
    """What the kiosk page's socket sends: the page's origin and the screen's token cookie."""
    return [*origin, (b"cookie", f"bf_socket_token={screen.token}".encode())]


async def connected(screen) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/kiosk/{screen.slug}/", headers=headers_of(screen))
    ok, detail = await communicator.connect(timeout=5)
    assert ok, f"refused with {detail}"
    return communicator


async def frame_from(communicator: WebsocketCommunicator, timeout: float = 3, kind: str = "results") -> dict:
    """The next frame of ``kind``; frames of the screen's other groups (the room's) are passed over."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame["type"] == kind:
            return frame


async def no_frame(communicator: WebsocketCommunicator, timeout: float, kind: str = "results") -> bool:
    """True if no frame of ``kind`` arrives within ``timeout`` (other kinds are read and passed over).

    ``receive_nothing`` waits without ending the application, unlike a ``receive_from`` that times out.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (remaining := deadline - loop.time()) > 0:
        if await communicator.receive_nothing(timeout=remaining):
            return True
        if json.loads(await communicator.receive_from(timeout=1))["type"] == kind:
            return False
    return True


def revision_of(consultation) -> int:
    return ResultsRevision.objects.filter(pk=consultation.pk).values_list("value", flat=True).first() or 0


def test_kiosk_of_an_active_screen_connects(screen):
    async def scenario():
        communicator = await connected(screen)
        assert await no_frame(communicator, 0.3)  # nothing to show until a write
        await communicator.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown", 4404),
        ("retired", 4410),
        ("no token", 4403),
        ("wrong token", 4403),
        ("old token", 4403),
        ("unpublished consultation", 4409),
    ],
)
def test_a_refused_screen_is_told_why_with_a_close_code(screen, case, code):
    """Accepted, then closed with 4000 + the HTTP status: a refused handshake would reach the page without a code."""
    path, headers = PATH, headers_of(screen)
    if case == "unknown":
        path = "/ws/kiosk/nowhere/"
    elif case == "retired":
        screen.is_active = False
        screen.save()
    elif case == "no token":
        headers = ORIGIN
    elif case == "unpublished consultation":
        screen.consultation.unpublish()  # its results and room frames are nobody's to see
    elif case == "wrong token":
        headers = [*ORIGIN, (b"cookie", b"bf_socket_token=guessed")]
    else:
        forum_services.issue_device_token(device=screen)  # re-keyed: the token the screen holds is void

    async def scenario():
        communicator = WebsocketCommunicator(application, path, headers=headers)
        assert (await communicator.connect(timeout=5))[0]
        assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": code}

    run(scenario)


def test_sockets_of_a_screen_and_a_terminal_close_when_their_consultation_is_unpublished(screen, voting_consultation):
    from wagtail import hooks

    terminal = factories.terminal(voting_consultation, slug="eingang")

    async def scenario():
        communicator = await connected(screen)
        at_terminal = WebsocketCommunicator(application, "/ws/terminal/eingang/", headers=headers_of(terminal))
        assert (await at_terminal.connect(timeout=5))[0]

        def unpublish():
            voting_consultation.unpublish()
            for hook in hooks.get_hooks("after_unpublish_page"):  # what the admin's "Unpublish" runs
                hook(None, voting_consultation)

        await database_sync_to_async(unpublish)()
        assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4409}
        # A walk-in reads and writes nothing of it either (forum.selectors.terminal_access).
        assert await at_terminal.receive_output(timeout=5) == {"type": "websocket.close", "code": 4409}

    run(scenario)


def test_sockets_of_a_screen_close_when_it_is_re_keyed_or_retired(screen):
    async def scenario():
        first = await connected(screen)
        await database_sync_to_async(forum_services.issue_device_token)(device=screen)
        assert await first.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
        screen.token = await database_sync_to_async(forum_services.issue_device_token)(device=screen)
        second = await connected(screen)

        def retire():
            screen.is_active = False
            screen.save()
            forum_services.device_changed(device=screen)

        await database_sync_to_async(retire)()
        assert await second.receive_output(timeout=5) == {"type": "websocket.close", "code": 4410}

    run(scenario)


@pytest.mark.parametrize("headers", [[], [(b"origin", b"http://evil.example")]], ids=["no-origin", "foreign"])
def test_socket_from_a_foreign_page_is_refused(screen, headers):
    async def scenario():
        communicator = WebsocketCommunicator(application, PATH, headers=headers_of(screen, origin=headers))
        ok, _code = await communicator.connect(timeout=5)
        assert not ok

    run(scenario)


def test_ping_gets_pong(screen):
    async def scenario():
        communicator = await connected(screen)
        await communicator.send_to(text_data="ping")
        assert await communicator.receive_from(timeout=2) == "pong"
        await communicator.send_to(text_data="something else")
        assert await no_frame(communicator, 0.3)
        await communicator.disconnect()

    run(scenario)


def test_a_vote_reaches_the_screen_as_a_results_frame(screen, proposal, voting_consultation):
    first, second = factories.CitizenFactory(), factories.CitizenFactory()
    other = factories.proposal(voting_consultation, title="Noch ein Vorschlag")

    async def scenario():
        communicator = await connected(screen)

        await database_sync_to_async(services.cast_vote)(voter=first, proposal=proposal, choice="support")
        frame = await frame_from(communicator)
        assert frame["type"] == "results"
        assert frame["consultation"] == voting_consultation.pk
        assert frame["revision"] == await database_sync_to_async(revision_of)(voting_consultation)
        assert [p["id"] for p in frame["proposals"]] == [proposal.pk, other.pk]
        assert totals_of(frame, proposal.pk) == {"support": 1, "oppose": 0, "abstain": 0}
        assert totals_of(frame, other.pk) == {"support": 0, "oppose": 0, "abstain": 0}
        assert frame["proposals"][0]["total"] == 1

        # The next write falls into the interval after that frame: it comes as the trailing frame.
        await database_sync_to_async(services.cast_vote)(voter=second, proposal=proposal, choice="oppose")
        later = await frame_from(communicator)
        assert later["revision"] > frame["revision"]
        assert totals_of(later, proposal.pk) == {"support": 1, "oppose": 1, "abstain": 0}
        assert await no_frame(communicator, 0.5)
        await communicator.disconnect()

    run(scenario)


def test_every_screen_of_the_consultation_gets_the_frame(screen, proposal, voting_consultation):
    saal = factories.screen(voting_consultation, slug="saal")
    citizen = factories.CitizenFactory()

    async def scenario():
        screens = [await connected(screen), await connected(saal)]
        await database_sync_to_async(services.cast_vote)(voter=citizen, proposal=proposal, choice="abstain")
        for communicator in screens:
            frame = await frame_from(communicator)
            assert totals_of(frame, proposal.pk) == {"support": 0, "oppose": 0, "abstain": 1}
            await communicator.disconnect()

    run(scenario)


def test_a_burst_of_votes_becomes_a_few_frames_ending_in_the_final_state(screen, proposal, voting_consultation):
    citizens = factories.CitizenFactory.create_batch(30)
    base = revision_of(voting_consultation)

    def burst():
        for citizen in citizens:
            services.cast_vote(voter=citizen, proposal=proposal, choice="support")

    async def scenario():
        communicator = await connected(screen)
        started = time.monotonic()
        await database_sync_to_async(burst)()
        duration = time.monotonic() - started
        frames = []
        while not frames or totals_of(frames[-1], proposal.pk)["support"] < len(citizens):
            frames.append(await frame_from(communicator))
        assert await no_frame(communicator, 0.5)
        await communicator.disconnect()
        return frames, duration

    frames, duration = run(scenario)
    revisions = [frame["revision"] for frame in frames]
    assert revisions == sorted(revisions)
    assert len(frames) <= duration / 0.2 + 2 < len(citizens)
    # Each frame is one consistent state: its totals are exactly those of its revision.
    assert all(totals_of(f, proposal.pk)["support"] == f["revision"] - base for f in frames)
    assert revisions[-1] == revision_of(voting_consultation)


def test_a_vote_rolled_back_sends_no_frame(screen, proposal):
    citizen = factories.CitizenFactory()

    def vote_then_fail():
        with transaction.atomic():
            services.cast_vote(voter=citizen, proposal=proposal, choice="support")
            raise RuntimeError("the request failed after the vote")

    async def scenario():
        communicator = await connected(screen)
        with pytest.raises(RuntimeError):
            await database_sync_to_async(vote_then_fail)()
        assert await no_frame(communicator, 0.5)
        await communicator.disconnect()

    run(scenario)


def test_screens_keep_getting_frames_after_the_layers_memberships_expire(settings, screen, proposal):
    """Layers expire group memberships (a day by default); a kiosk runs for days. The relay, which
    holds the memberships for the process's sockets, renews them on every heartbeat."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"group_expiry": 1}}
    }
    settings.LIVE_HEARTBEAT_INTERVAL = 0.5
    citizen = factories.CitizenFactory()

    async def scenario():
        first, second = await connected(screen), await connected(screen)
        await asyncio.sleep(2.5)  # the memberships made at connect are past their expiry now
        await database_sync_to_async(services.cast_vote)(voter=citizen, proposal=proposal, choice="support")
        for screen_socket in (first, second):
            # Frames published by the heartbeats before the vote come first; the vote's must follow.
            while totals_of(await frame_from(screen_socket), proposal.pk)["support"] != 1:
                pass
        await first.disconnect()
        await second.disconnect()

    run(scenario)


def test_older_and_repeated_frames_are_dropped(screen, voting_consultation):
    group = results_group(voting_consultation.pk)

    def message(revision: int, title: str = "Ein Platz") -> dict:
        return frame_message(
            group,
            {
                "type": "results",
                "consultation": voting_consultation.pk,
                "revision": revision,
                "title": title,
                "comments": 0,
                "proposals": [],
            },
        )

    async def scenario():
        communicator = await connected(screen)
        layer = get_channel_layer()
        # As two server processes may deliver them: out of order and twice.
        for revision in (5, 3, 5, 6, 6):
            await layer.group_send(group, message(revision))
        received = [(await frame_from(communicator))["revision"]]
        while received[-1] != 6:
            received.append((await frame_from(communicator))["revision"])
        # 5 then 6, or only 6 when both arrive before the socket writes (its mailbox keeps the newest).
        assert received in ([5, 6], [6])
        assert await no_frame(communicator, 0.3)
        await communicator.disconnect()

    run(scenario)


def test_a_stuck_screen_gets_the_newest_frame_not_a_backlog(screen, voting_consultation):
    """A screen that stops reading (a frozen browser, a bad network) must not
    pile frames up in the server, nor lose the newest one (the in-memory layer
    drops messages to a full channel: the newest)."""
    group = results_group(voting_consultation.pk)
    frames = 150  # more than the in-memory layer's channel capacity (100)

    async def scenario():
        inbound: asyncio.Queue = asyncio.Queue()
        accepted, unstuck = asyncio.Event(), asyncio.Event()
        delivered = []

        async def receive():
            return await inbound.get()

        async def send(message):
            if message["type"] == "websocket.accept":
                accepted.set()
            elif message["type"] == "websocket.send":
                await unstuck.wait()  # the socket's buffers are full until then
                delivered.append(json.loads(message["text"])["revision"])

        scope = {
            "type": "websocket",
            "path": PATH,
            "query_string": b"",
            "headers": headers_of(screen),
            "subprotocols": [],
        }
        app = asyncio.ensure_future(application(scope, receive, send))
        await inbound.put({"type": "websocket.connect"})
        await asyncio.wait_for(accepted.wait(), 5)

        layer = get_channel_layer()
        for revision in range(1, frames + 1):
            await layer.group_send(
                group,
                frame_message(
                    group,
                    {"type": "results", "consultation": voting_consultation.pk, "revision": revision, "comments": 0},
                ),
            )
            await asyncio.sleep(0.002)  # frames come over time, while the screen stays stuck
        await asyncio.sleep(0.5)
        unstuck.set()
        await asyncio.sleep(0.3)
        await inbound.put({"type": "websocket.disconnect", "code": 1001})
        await asyncio.wait_for(app, 5)
        return delivered

    delivered = run(scenario)
    # The frame on the wire when it got stuck, then straight to the newest (with Redis, frames arrive in
    # batches: the first one written may be a later one).
    assert delivered == sorted(set(delivered))
    assert delivered[-1] == frames
    assert len(delivered) <= 3


def test_a_write_in_another_process_reaches_the_screen_through_redis(screen, proposal):
    """Management commands and workers have no server loop to coalesce on: they
    publish at once, and over Redis the screens of every server process see it."""
    require_redis()
    citizen = factories.CitizenFactory()

    def vote_like_a_worker():
        # A thread of its own with no event loop and its own connection, like a worker process.
        try:
            services.cast_vote(voter=citizen, proposal=proposal, choice="support")
        finally:
            connections.close_all()

    async def scenario():
        # The bare router: this socket's loop is not offered to the publisher.
        communicator = WebsocketCommunicator(router, PATH, headers=headers_of(screen))
        assert (await communicator.connect(timeout=5))[0]
        worker = threading.Thread(target=vote_like_a_worker)
        worker.start()
        frame = await frame_from(communicator)
        await asyncio.get_running_loop().run_in_executor(None, worker.join, 10)
        assert totals_of(frame, proposal.pk)["support"] == 1
        await communicator.disconnect()

    run(scenario)


# --- a rated consultation: the screen's frames carry the method, the average and the distribution ---


def test_a_burst_of_ratings_reaches_the_screen_coalesced_with_average_and_distribution():
    consultation = factories.consultation("vote", voting_method="rating")
    screen = factories.screen(consultation, slug="foyer")
    proposal = factories.proposal(consultation)
    citizens = factories.CitizenFactory.create_batch(20)
    clerk = factories.moderator()
    base = revision_of(consultation)

    def burst():
        for index, citizen in enumerate(citizens):
            services.cast_vote(voter=citizen, proposal=proposal, rating=index % 5 + 1)
        services.enter_paper_counts(clerk=clerk, proposal=proposal, event="Forum", source="Karten", counts={"5": 4})

    def rating_of(frame) -> dict:
        return next(p for p in frame["proposals"] if p["id"] == proposal.pk)["rating"]

    async def scenario():
        communicator = await connected(screen)
        started = time.monotonic()
        await database_sync_to_async(burst)()
        duration = time.monotonic() - started
        frames = []
        while not frames or rating_of(frames[-1])["count"] < len(citizens) + 4:
            frames.append(await frame_from(communicator))
        assert await no_frame(communicator, 0.5)
        await communicator.disconnect()
        return frames, duration

    frames, duration = run(scenario)
    assert len(frames) <= duration / 0.2 + 2 < len(citizens)  # one frame per burst interval, never one per vote
    last = frames[-1]
    assert last["method"] == "rating"
    assert last["revision"] == revision_of(consultation) == base + len(citizens) + 1
    (shown,) = last["proposals"]
    assert shown["method"] == "rating"
    assert shown["rating"] == {"count": 24, "average": 3.33, "distribution": {"1": 4, "2": 4, "3": 4, "4": 4, "5": 8}}
    assert shown["rating_by_channel"]["analog"]["count"] == 4
    assert shown["rating_by_channel"]["online"] == {
        "count": 20,
        "average": 3.0,
        "distribution": {"1": 4, "2": 4, "3": 4, "4": 4, "5": 4},
    }
    assert shown["total"] == 24
