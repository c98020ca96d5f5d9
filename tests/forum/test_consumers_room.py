"""Phones' sockets in-process (Channels' communicator, the run's channel layer and database): a whole
room reconnecting at once costs one lookup, and what it was told stays true for no longer than a moment."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection

from forum import services as forum_services
from forum.asgi import application
from forum.consumers.room import ADMISSION_TTL
from participation import services
from tests.support import factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(60),
    pytest.mark.usefixtures("live_layer"),
]

PHONES = 40


def phone_socket(code: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/live/{code}/", headers=[(b"origin", b"http://127.0.0.1")])


async def room_frame(socket: WebsocketCommunicator) -> dict:
    while True:
        frame = json.loads(await socket.receive_from(timeout=5))
        if frame["type"] == "room":
            return frame


async def close_code(socket: WebsocketCommunicator) -> int:
    connected, _ = await socket.connect(timeout=5)
    assert connected  # refusals are accepted and then closed, so the page learns the code
    message = await socket.output_queue.get()
    assert message["type"] == "websocket.close"
    return message["code"]


@pytest.fixture
def room(voting_consultation):
    return factories.room(voting_consultation)


def test_a_room_reconnecting_at_once_costs_one_lookup_and_every_phone_gets_the_frames(
    settings, room, voting_consultation
):
    settings.DEBUG = True  # queries are logged
    presenter = room.opened_by
    poll = services.add_poll(
        presenter=presenter, consultation=voting_consultation, question="Bänke?", options=["Ja", "Nein"]
    )

    async def scenario():
        # Read where the sockets' lookups run (database_sync_to_async), on that connection.
        queries_so_far = database_sync_to_async(lambda: list(connection.queries_log))
        before = len(await queries_so_far())
        sockets = [phone_socket(room.code) for _ in range(PHONES)]
        results = await asyncio.gather(*(socket.connect(timeout=10) for socket in sockets))
        assert all(ok for ok, _ in results)
        lookups = [query["sql"][:120] for query in (await queries_so_far())[before:]]
        assert len(lookups) == 1, lookups

        show = database_sync_to_async(forum_services.show_in_room)
        await show(presenter=presenter, room=room, scene="poll", poll=poll, open_poll=True)
        frames = await asyncio.gather(*(room_frame(socket) for socket in sockets))
        assert {frame["room"]["poll"]["question"] for frame in frames} == {"Bänke?"}
        for socket in sockets:
            await socket.disconnect()

    async_to_sync(scenario)()


def test_a_closed_room_is_refused_once_the_moment_has_passed(room):
    async def scenario():
        first = phone_socket(room.code)
        assert (await first.connect(timeout=5))[0]
        await database_sync_to_async(forum_services.close_room)(presenter=room.opened_by, room=room)
        await asyncio.sleep(ADMISSION_TTL + 0.1)
        assert await close_code(phone_socket(room.code)) == 4410
        await first.disconnect()

    async_to_sync(scenario)()


def test_an_unknown_code_is_refused_and_the_refusal_is_not_shared_with_other_codes(room):
    async def scenario():
        assert await close_code(phone_socket("ZZZZZZ")) == 4404
        socket = phone_socket(room.code)
        assert (await socket.connect(timeout=5))[0]
        await socket.disconnect()

    async_to_sync(scenario)()
