"""A phase date passing reaches the sockets: once the periodic run announces it, a phone on the room and a
kiosk screen are sent the new frame (the vote buttons appear, and go again when voting closes). The clock is
frozen and moved by time-machine."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from forum import services as forum_services
from forum.asgi import application
from forum.cookies import SOCKET_TOKEN_COOKIE
from participation.services import switch_phases
from tests.support import factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(60),
    pytest.mark.usefixtures("live_layer"),
]

T0 = dt.datetime(2031, 5, 6, 10, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
HEADERS = [(b"origin", b"http://127.0.0.1")]


async def frame_of(socket: WebsocketCommunicator, kind: str) -> dict:
    while True:
        frame = json.loads(await socket.receive_from(timeout=5))
        if frame["type"] == kind:
            return frame


def test_phones_and_screens_are_sent_the_new_frame_when_voting_opens_and_closes():
    with time_machine.travel(T0, tick=False) as clock:
        consultation = factories.consultation(
            "participate", voting_starts=T0 + MINUTE, voting_ends=T0 + 60 * MINUTE, participation_ends=T0 + MINUTE
        )
        proposal = factories.proposal(consultation)
        presenter = factories.moderator()
        room = factories.room(consultation, presenter=presenter)
        forum_services.show_in_room(presenter=presenter, room=room, scene="proposal", proposal=proposal)
        screen = factories.screen(consultation)
        switch_phases(now=timezone.now())  # the first look
        switch = database_sync_to_async(lambda: switch_phases(now=timezone.now()))

        async def scenario():
            phone = WebsocketCommunicator(application, f"/ws/live/{room.code}/", headers=HEADERS)
            kiosk = WebsocketCommunicator(
                application,
                "/ws/kiosk/foyer/",
                headers=[*HEADERS, (b"cookie", f"{SOCKET_TOKEN_COOKIE}={screen.token}".encode())],
            )
            assert (await phone.connect(timeout=5))[0] and (await kiosk.connect(timeout=5))[0]
            greeting = await frame_of(phone, "room")
            assert greeting["room"]["proposal"]["voting_open"] is False

            clock.move_to(T0 + 2 * MINUTE)
            assert len(await switch()) == 1
            opened = await frame_of(phone, "room")
            assert opened["room"]["proposal"]["voting_open"] is True and opened["revision"] > greeting["revision"]
            results = await frame_of(kiosk, "results")
            assert (results["phase"], results["voting_open"]) == ("vote", True)
            assert (await frame_of(kiosk, "room"))["room"]["proposal"]["voting_open"] is True

            assert await switch() == []  # nothing new: no frame
            assert await phone.receive_nothing(timeout=0.5)

            clock.move_to(T0 + 61 * MINUTE)
            assert len(await switch()) == 1
            assert (await frame_of(phone, "room"))["room"]["proposal"]["voting_open"] is False
            results = await frame_of(kiosk, "results")
            assert (results["phase"], results["voting_open"]) == ("evaluate", False)
            await phone.disconnect()
            await kiosk.disconnect()

        async_to_sync(scenario)()
