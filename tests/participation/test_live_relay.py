"""The relay of live frames (participation.live.relay) on the run's channel layer: every socket of the process
in a group gets its frames and events by a method call, and one socket's trouble keeps them from no other."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from participation.live import FrameRelay, frame_message

pytestmark = pytest.mark.usefixtures("db")


class Socket:
    """A sink as the live sockets are one: it records what it is handed."""

    def __init__(self, *, broken: bool = False):
        self.broken = broken
        self.frames: list[tuple[str, int]] = []
        self.events: list[dict] = []

    def frame(self, group: str, revision: int, text: str) -> None:
        if self.broken:
            raise RuntimeError("this socket is gone")
        self.frames.append((group, revision))

    def event(self, message: dict) -> None:
        self.events.append(message)


async def until(condition, timeout: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_every_socket_of_a_group_gets_its_frames_and_a_broken_one_keeps_them_from_no_other():
    relay = FrameRelay()
    group, other = (f"test.{uuid.uuid4().hex}" for _ in range(2))  # no other run's frames on a shared Redis
    first, broken, last, elsewhere = Socket(), Socket(broken=True), Socket(), Socket()

    async def scenario():
        for socket in (first, broken, last):
            await relay.join(group, socket)
        await relay.join(other, elsewhere)
        layer = get_channel_layer()
        await layer.group_send(group, frame_message(group, {"type": "results", "revision": 7}))
        await layer.group_send(group, {"type": "device.event", "group": group})
        await until(lambda: first.events and last.events)
        relay.leave(group, first)
        await layer.group_send(group, frame_message(group, {"type": "results", "revision": 8}))
        await until(lambda: len(last.frames) == 2)

    async_to_sync(scenario)()
    assert first.frames == [(group, 7)]  # it left before the second frame
    assert last.frames == [(group, 7), (group, 8)]
    assert elsewhere.frames == [] and elsewhere.events == []
    assert [event["type"] for event in last.events] == ["device.event"]


def test_the_newest_frame_is_read_once_for_all_who_ask_at_once_and_then_kept_from_the_frames_that_pass():
    relay = FrameRelay()
    group = f"test.{uuid.uuid4().hex}"
    reads = []

    def read():
        reads.append(group)
        return 3, '{"revision": 3}'

    async def scenario():
        socket = Socket()
        await relay.join(group, socket)
        answers = await asyncio.gather(*(relay.newest(group, read) for _ in range(20)))
        assert set(answers) == {(3, '{"revision": 3}')} and len(reads) == 1
        await get_channel_layer().group_send(group, frame_message(group, {"type": "results", "revision": 4}))
        await until(lambda: socket.frames)
        revision, text = await relay.newest(group, read)
        assert revision == 4 and json.loads(text) == {"type": "results", "revision": 4}
        assert len(reads) == 1  # the frame that passed is kept: nothing read

    async_to_sync(scenario)()


@pytest.mark.django_db
def test_frames_asked_for_while_deferred_are_published_once_each_at_the_end(django_capture_on_commit_callbacks):
    from participation import services
    from participation.live import publisher, results_group
    from participation.live.frames import cached_frames
    from participation.selectors import results_revision
    from tests.support import factories

    consultation = factories.consultation("vote")
    proposal = factories.proposal(consultation)
    group = results_group(consultation.pk)
    with publisher.deferred():
        for voter in factories.citizens(3):
            with django_capture_on_commit_callbacks(execute=True):  # each vote committed, asking for a frame
                services.cast_vote(voter=voter, proposal=proposal, choice="support")
        assert group not in cached_frames([group])  # none built while the run lasts

    kept_revision, text = cached_frames([group])[group]
    assert kept_revision == results_revision(consultation_id=consultation.pk)
    assert json.loads(text)["proposals"][0]["totals"]["support"] == 3
