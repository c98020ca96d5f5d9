"""Publishing live results: one coalesced snapshot per consultation group.

A committed write calls ``publisher.request(consultation_id)``. Inside an ASGI
server process the request is handed to the server's event loop, where a
trailing-edge timer waits ``LIVE_FRAME_INTERVAL`` seconds and then reads one
aggregate snapshot and sends it once to the group: a burst of votes becomes a
few frames per second, and the last frame always carries the final state.
Outside a server (a management command, a worker, a test) there is no loop to
wait on, so the snapshot is sent at once.

Frames carry the consultation's results revision, bumped in the writing
transaction, so a screen can ignore a frame older than the one it shows even
when several server processes publish.
"""

from __future__ import annotations

import asyncio
import json
import logging

from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from participation.selectors import results_snapshot

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "results.snapshot"


def results_group(consultation_id: int) -> str:
    return f"consultation.{consultation_id}.results"


def snapshot_message(snapshot: dict) -> dict:
    # Serialised once here, so consumers forward the text without work per connection.
    return {"type": MESSAGE_TYPE, "text": json.dumps({"type": "results", **snapshot})}


class SnapshotPublisher:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[int] = set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by the ASGI application with the server's running loop."""
        if self._loop is not loop:
            self._loop = loop
            self._pending = set()

    def _server_loop(self) -> asyncio.AbstractEventLoop | None:
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return None
        return loop

    def request(self, consultation_id: int) -> None:
        """Ask for a frame for this consultation; safe to call from any thread."""
        loop = self._server_loop()
        if loop is None:
            try:
                async_to_sync(self._send_now)(consultation_id)
            except Exception:
                # The write is committed; a lost frame is healed by the next one
                # and by screens reloading the snapshot when they reconnect.
                logger.exception("live frame for consultation %s failed", consultation_id)
        else:
            loop.call_soon_threadsafe(self._schedule, consultation_id)

    def _schedule(self, consultation_id: int) -> None:
        if consultation_id in self._pending:
            return  # a frame is already due; it will read the newest state
        self._pending.add(consultation_id)
        self._loop.call_later(settings.LIVE_FRAME_INTERVAL, self._flush, consultation_id)

    def _flush(self, consultation_id: int) -> None:
        # Leave the pending set before reading, so a write committed from now
        # on schedules the next frame instead of being lost.
        self._pending.discard(consultation_id)
        asyncio.ensure_future(self._send_from_server(consultation_id))

    async def _send_from_server(self, consultation_id: int) -> None:
        try:
            snapshot = await database_sync_to_async(results_snapshot)(consultation_id=consultation_id)
            await self._send(consultation_id, snapshot)
        except Exception:
            logger.exception("live frame for consultation %s failed", consultation_id)

    async def _send_now(self, consultation_id: int) -> None:
        # Same thread and connection as the caller: sees what it just committed.
        snapshot = await sync_to_async(results_snapshot)(consultation_id=consultation_id)
        await self._send(consultation_id, snapshot)

    async def _send(self, consultation_id: int, snapshot: dict) -> None:
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_send(results_group(consultation_id), snapshot_message(snapshot))


publisher = SnapshotPublisher()
