"""Handing what the channel layer carries to this process's sockets: one subscription per group, not per socket.

If every socket listened on a channel of its own, every frame would cost, per
socket, a queue put and get, a dispatch and (Channels' consumers) a thread hop
to close stale database connections; the in-memory layer also scans all of its
channels on every receive. With 1,000 sockets that made fan-out 20-30 times
slower than a bare broadcast. Instead this process joins each group once, with
one channel of its own, and hands every message that arrives to its sockets in
that group by a plain method call: a frame to ``Sink.frame`` (the socket keeps
the newest frame per group and writes it when it can), anything else (a
device's event) to ``Sink.event``.

The relay also keeps the newest frame of each group it is in: a phone that
connects is sent it at once (``newest``), so a room reconnecting after a Wi-Fi
blip needs no request per phone for the current state, and no database work
while frames keep coming.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from participation.live.frames import MESSAGE_TYPE

logger = logging.getLogger(__name__)

RETRY_AFTER = 1.0  # seconds before receiving again after the layer (Redis) failed


class Sink(Protocol):
    """A socket of this process, in one or more groups."""

    def frame(self, group: str, revision: int, text: str) -> None: ...

    def event(self, message: dict) -> None: ...


class FrameRelay:
    def __init__(self) -> None:
        self._reset(None)

    def _reset(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self._sinks: dict[str, dict[Sink, None]] = {}  # per group, in the order the sockets joined
        self._joined: set[str] = set()  # groups the relay's channel is a member of
        self._channel: asyncio.Future[str] | None = None
        self._tasks: set[asyncio.Task] = set()
        self._newest: dict[str, tuple[int, str]] = {}  # per group: (revision, text) of the newest frame
        self._reading: dict[str, asyncio.Task] = {}  # per group: the one read of its frame under way

    async def join(self, group: str, sink: Sink) -> None:
        """Hand ``group``'s messages to ``sink`` from now on (call on the server's loop)."""
        layer = get_channel_layer()
        if layer is None:
            return
        channel = await self._own_channel(layer)
        self._sinks.setdefault(group, {})[sink] = None
        if group not in self._joined:
            self._joined.add(group)
            try:
                await layer.group_add(group, channel)
            except BaseException:
                self._joined.discard(group)
                self.leave(group, sink)
                raise

    def leave(self, group: str, sink: Sink) -> None:
        """No more messages of ``group`` for ``sink``. The relay stays in the group until the next
        renewal: a room's sockets that reconnect after a Wi-Fi blip rejoin at no cost."""
        sinks = self._sinks.get(group)
        if sinks is not None:
            sinks.pop(sink, None)
            if not sinks:
                del self._sinks[group]

    async def newest(self, group: str, read: Callable[[], tuple[int, str]]) -> tuple[int, str]:
        """The newest frame of ``group`` as (revision, text): the one kept, else ``read()`` in the database's
        thread, once for all who ask at the same moment. Call after joining the group: a frame published
        meanwhile then arrives too, and whichever is newer is kept."""
        kept = self._newest.get(group)
        if kept is not None:
            return kept
        reading = self._reading.get(group)
        if reading is None:
            reading = asyncio.get_running_loop().create_task(database_sync_to_async(read)())
            self._reading[group] = reading
            reading.add_done_callback(lambda _done: self._reading.pop(group, None))
        revision, text = await asyncio.shield(reading)
        self._keep(group, revision, text)
        return self._newest[group]

    def _keep(self, group: str, revision: int, text: str) -> None:
        kept = self._newest.get(group)
        if kept is None or revision >= kept[0]:
            self._newest[group] = (revision, text)

    def deliver(self, message: dict) -> None:
        group = message.get("group")
        is_frame = message.get("type") == MESSAGE_TYPE
        if is_frame and group in self._joined:
            self._keep(group, message["revision"], message["text"])
        for sink in list(self._sinks.get(group, ())):
            try:
                if is_frame:
                    sink.frame(group, message["revision"], message["text"])
                else:
                    sink.event(message)
            except Exception:  # one socket's trouble must not keep the frame from the others
                logger.exception("live relay could not hand %s to a socket", message.get("type"))

    # --- the relay's channel, on the server's loop -------------------------------------------

    async def _own_channel(self, layer) -> str:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._reset(loop)  # a new server loop (tests start several): the old loop's state is gone
        if self._channel is None:
            # A future, so that sockets connecting at the same moment share one channel.
            self._channel = loop.create_future()
            try:
                channel = await layer.new_channel("live-relay.")
            except BaseException as error:
                self._channel.set_exception(error)
                self._channel.exception()  # retrieved: the waiting sockets raise it themselves
                self._channel = None
                raise
            self._channel.set_result(channel)
            self._spawn(loop, self._receive(layer, channel))
            self._spawn(loop, self._renew(layer, channel))
        return await asyncio.shield(self._channel)

    def _spawn(self, loop: asyncio.AbstractEventLoop, coroutine) -> None:
        task = loop.create_task(coroutine)
        self._tasks.add(task)  # a strong reference: the loop keeps only weak ones
        task.add_done_callback(self._tasks.discard)

    async def _receive(self, layer, channel: str) -> None:
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the layer (Redis) is unreachable: sockets heal by the heartbeat
                logger.warning("live relay could not receive (%r); trying again", error)
                await asyncio.sleep(RETRY_AFTER)
                continue
            self.deliver(message)

    async def _renew(self, layer, channel: str) -> None:
        # Layers let memberships expire (the in-memory and Redis layers after a day) and screens stay
        # connected for days: renewed on every heartbeat, a few groups per process, so cheap.
        while True:
            await asyncio.sleep(settings.LIVE_HEARTBEAT_INTERVAL)
            for group in list(self._joined):
                try:
                    if group in self._sinks:
                        await layer.group_add(group, channel)
                    else:
                        self._joined.discard(group)
                        self._newest.pop(group, None)  # no longer told its frames: no longer kept
                        await layer.group_discard(group, channel)
                except Exception as error:
                    logger.warning("live relay could not renew %s: %r", group, error)


relay = FrameRelay()
