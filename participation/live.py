"""Publishing live results: one coalesced snapshot per consultation group.

A committed write calls ``publisher.request(consultation_id)``. Inside an ASGI
server process the request is handed to the server's event loop, which
throttles frames per consultation: the first request publishes at once, every
request that arrives while a frame is being read, sent or cooling down for
``LIVE_FRAME_INTERVAL`` seconds is folded into one trailing frame. A burst of
votes thus becomes a few frames per second, and the last frame always carries
the final state: a write committed after a frame's read marks the group dirty
again and is published by the next frame. Outside a server (a management
command, a worker, a test) there is no loop to wait on, so the snapshot is
sent at once.

Frames carry the consultation's results revision, bumped in the writing
transaction, and are read in one consistent view of the database, so a
frame's totals are exactly those of its revision. Screens (and the kiosk
consumer, per connection) drop frames older than the one they show, even when
several server processes publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, connections, transaction

from participation.selectors import results_snapshot

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "results.snapshot"


def results_group(consultation_id: int) -> str:
    return f"consultation.{consultation_id}.results"


def snapshot_message(snapshot: dict) -> dict:
    """The channel-layer message of a snapshot.

    Serialised once here, so consumers forward the text without work per
    connection; the revision rides along so they can drop stale frames
    without parsing it.
    """
    return {
        "type": MESSAGE_TYPE,
        "revision": snapshot["revision"],
        "text": json.dumps({"type": "results", **snapshot}),
    }


@contextlib.contextmanager
def _consistent_read():
    """One snapshot of the database for several queries, where the engine allows it.

    Without it, the revision and the totals come from separate statements and
    a write committed between them labels newer totals with an older revision.
    """
    if connection.in_atomic_block or not connection.get_autocommit():
        # Inside someone's transaction (e.g. a test running on_commit callbacks
        # in its own): read what it sees.
        yield
        return
    if connection.vendor == "postgresql":
        # The health check's SELECT 1 must not be the first statement of our transaction.
        connection.close_if_health_check_failed()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A deferred transaction is a read snapshot in WAL mode and takes no
        # write lock (Django's atomic() would BEGIN IMMEDIATE here).
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("COMMIT")
    else:
        yield


def consistent_snapshot(consultation_id: int) -> dict:
    """``results_snapshot`` with revision and totals from the same view of the database."""
    with _consistent_read():
        return results_snapshot(consultation_id=consultation_id)


class SnapshotPublisher:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy: set[int] = set()  # a frame is being read/sent, or its interval has not passed
        self._dirty: set[int] = set()  # a write committed since the last frame's read began
        self._tasks: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones
        # Frames are read on a thread of their own, with its own database
        # connection: not queued behind the consumers' lookups, and not on the
        # thread of whichever request happened to ask for the frame.
        self._executor: ThreadPoolExecutor | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by the ASGI application with the server's running loop."""
        if self._loop is not loop:
            self._loop = loop
            self._busy = set()
            self._dirty = set()
            self._tasks = set()

    def close(self) -> None:
        """Let go of the reading thread and its database connection (server shutdown, tests)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.submit(connections.close_all)
            executor.shutdown(wait=True)

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
            # A fresh context: the frame must not carry the context of the
            # request that happened to commit first (its thread, its language).
            loop.call_soon_threadsafe(self._schedule, loop, consultation_id, context=contextvars.Context())

    # --- on the server's loop ---------------------------------------------------------

    def _schedule(self, loop: asyncio.AbstractEventLoop, consultation_id: int) -> None:
        if loop is not self._loop:
            return  # attached to another loop meanwhile (tests); that one owns the state now
        self._dirty.add(consultation_id)
        if consultation_id not in self._busy:
            self._start(loop, consultation_id)

    def _start(self, loop: asyncio.AbstractEventLoop, consultation_id: int) -> None:
        # Leave the dirty set before reading, so a write committed from now on
        # asks for the next frame instead of being lost.
        self._busy.add(consultation_id)
        self._dirty.discard(consultation_id)
        task = loop.create_task(self._send_from_server(consultation_id))
        self._tasks.add(task)

        def done(task: asyncio.Task) -> None:
            self._tasks.discard(task)
            loop.call_later(settings.LIVE_FRAME_INTERVAL, self._cooled_down, loop, consultation_id)

        task.add_done_callback(done)

    def _cooled_down(self, loop: asyncio.AbstractEventLoop, consultation_id: int) -> None:
        if loop is not self._loop:
            return
        if consultation_id in self._dirty:
            self._start(loop, consultation_id)
        else:
            self._busy.discard(consultation_id)

    async def _send_from_server(self, consultation_id: int) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-frames")
        read = database_sync_to_async(consistent_snapshot, thread_sensitive=False, executor=self._executor)
        try:
            snapshot = await read(consultation_id)
            await self._send(consultation_id, snapshot)
        except Exception:
            logger.exception("live frame for consultation %s failed", consultation_id)

    # --- without a server -------------------------------------------------------------

    async def _send_now(self, consultation_id: int) -> None:
        # Same thread and connection as the caller: sees what it just committed.
        snapshot = await sync_to_async(consistent_snapshot)(consultation_id)
        await self._send(consultation_id, snapshot)

    async def _send(self, consultation_id: int, snapshot: dict) -> None:
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_send(results_group(consultation_id), snapshot_message(snapshot))


publisher = SnapshotPublisher()
