"""Publishing live state: coalesced, versioned frames per consultation, and a heartbeat that heals lost ones.

A committed write calls ``publisher.request(consultation_id)``. Inside an ASGI
server process the request is handed to the server's event loop, which
throttles frames per consultation: the first request publishes at once, every
request that arrives while a frame is being read, sent or cooling down for
``LIVE_FRAME_INTERVAL`` seconds is folded into one trailing frame. A burst of
votes thus becomes a few frames per second, and the last frame always carries
the final state: a write committed after a frame's read marks the consultation
dirty again and is published by the next frame. Outside a server (a management
command, a worker, a test) there is no loop to wait on, so frames are sent at once.

A consultation's frames come from *frame builders*, one per kind of group:
this app builds the results frame (``results_group``); the room registers its
own (the room's state for phones and screens) when it is ready. All builders
read in one consistent view of the database and every frame carries the
consultation's revision, bumped in the writing transaction, so a frame's
content is exactly that of its revision and clients drop older frames,
whichever server process sent them. The newest frames are also kept in the
cache, so clients that poll instead of holding a socket cost one small query.

Clients find out by themselves when they missed a frame: consumers ``watch``
their consultation, and every ``LIVE_HEARTBEAT_INTERVAL`` seconds the server
reads the revisions of every watched consultation in one query, tells each of
its sockets the current one (a client behind it reloads the snapshot), and
publishes a new frame for any consultation whose revision moved past the
frames its sockets got (a frame lost to a database or Redis outage).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Protocol

from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from participation.live.frames import (
    FrameBuilder,
    Frames,
    cached_frames,
    consistent_read,
    frame_message,
    results_frames,
    store_frames,
)
from participation.selectors import results_revision, results_revisions

logger = logging.getLogger(__name__)


# PostgreSQL restarting or gone: an outage, not a bug; said in one line, no traceback per frame.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def _database_unreachable(consultation_id: int, error: Exception) -> None:
    logger.warning(
        "live frame for consultation %s not built, the database is unreachable (%r): the heartbeat sends it"
        " once it is back",
        consultation_id,
        error,
    )


class Listener(Protocol):
    """A socket of this process that shows a consultation: told the current revision on every heartbeat."""

    def heartbeat(self, revision: int) -> None: ...


# Inside ``SnapshotPublisher.deferred``: the consultations whose frames were asked for meanwhile.
_DEFERRED: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("live_frames_deferred", default=None)


class SnapshotPublisher:
    def __init__(self) -> None:
        self._builders: list[FrameBuilder] = [results_frames]
        self._heartbeat_hooks: list[Callable[[dict[int, list[Listener]]], None]] = []
        self._reset(None)
        # Frames are read on a thread of their own, with its own database
        # connection: not queued behind the consumers' lookups, and not on the
        # thread of whichever request happened to ask for the frame.
        self._executor: ThreadPoolExecutor | None = None

    def _reset(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self._busy: set[int] = set()  # a frame is being read/sent, or its interval has not passed
        self._dirty: set[int] = set()  # a write committed since the last frame's read began
        self._tasks: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones
        self._watchers: dict[int, set[Listener]] = {}
        self._seen: dict[int, int] = {}  # the newest revision this process's sockets were sent
        self._heartbeat: asyncio.Task | None = None

    # --- set-up ------------------------------------------------------------------------

    def add_builder(self, builder: FrameBuilder) -> None:
        """Another kind of frame for every consultation (the room's, registered by the forum app)."""
        if builder not in self._builders:
            self._builders.append(builder)

    def add_heartbeat_hook(self, hook: Callable[[dict[int, list[Listener]]], None]) -> None:
        """``hook(watchers)`` runs on every heartbeat, in a worker thread: e.g. to report who is connected."""
        if hook not in self._heartbeat_hooks:
            self._heartbeat_hooks.append(hook)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by the ASGI application with the server's running loop."""
        if self._loop is not loop:
            self._reset(loop)

    def close(self) -> None:
        """Let go of the reading thread and its database connection (server shutdown, tests)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.submit(connections.close_all)
            executor.shutdown(wait=True)

    def frames(self, consultation_id: int) -> Frames:
        """Every group's frame for a consultation, read consistently, and kept for polling clients."""
        frames: Frames = {}
        with consistent_read():
            for builder in self._builders:
                frames.update(builder(consultation_id))
        store_frames(frames)
        return frames

    def current_frame_text(self, group: str, consultation_id: int) -> str:
        """The newest frame of ``group`` as JSON: from the cache if it is current (one small query), else read."""
        return self.current_frame_texts(consultation_id, [group])[group]

    def current_frame_texts(self, consultation_id: int, groups: list[str]) -> dict[str, str]:
        """The newest frames of ``groups`` as JSON, of one revision: from the cache when all are kept at the
        consultation's current revision (one small query; a reconnecting room asks this a thousand times),
        else read and kept."""
        cached = cached_frames(groups)
        revisions = {revision for revision, _text in cached.values()}
        current = len(cached) == len(groups) and len(revisions) == 1
        if current and revisions.pop() >= results_revision(consultation_id=consultation_id):
            return {group: text for group, (_revision, text) in cached.items()}
        frames = self.frames(consultation_id)
        return {group: json.dumps(frames[group]) for group in groups}

    def _server_loop(self) -> asyncio.AbstractEventLoop | None:
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return None
        return loop

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Frames asked for inside are asked for once per consultation at the end: a run of many writes
        without a server (``seed_demo``: over a hundred) builds a consultation's frames once, not per write."""
        asked: set[int] = set()
        token = _DEFERRED.set(asked)
        try:
            yield
        finally:
            _DEFERRED.reset(token)
            for consultation_id in sorted(asked):
                self.request(consultation_id)

    def request(self, consultation_id: int) -> None:
        """Ask for frames for this consultation; safe to call from any thread."""
        asked = _DEFERRED.get()
        if asked is not None:
            asked.add(consultation_id)
            return
        loop = self._server_loop()
        if loop is None:
            try:
                async_to_sync(self._send_now)(consultation_id)
            except DATABASE_UNREACHABLE as error:
                _database_unreachable(consultation_id, error)
            except Exception:
                # The write is committed; a lost frame is healed by the next one,
                # by the heartbeat, and by clients reloading the snapshot.
                logger.exception("live frame for consultation %s failed", consultation_id)
        else:
            # A fresh context: the frame must not carry the context of the
            # request that happened to commit first (its thread, its language).
            loop.call_soon_threadsafe(self._schedule, loop, consultation_id, context=contextvars.Context())

    # --- sockets of this process --------------------------------------------------------

    def watch(self, consultation_id: int, listener: Listener) -> None:
        """A socket of this process shows the consultation (call on the server's loop)."""
        self._watchers.setdefault(consultation_id, set()).add(listener)
        loop = self._server_loop()
        if loop is not None and self._heartbeat is None:
            self._heartbeat = loop.create_task(self._beat(loop))

    def unwatch(self, consultation_id: int, listener: Listener) -> None:
        listeners = self._watchers.get(consultation_id)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._watchers[consultation_id]

    def seen(self, consultation_id: int, revision: int) -> None:
        """A socket of this process was sent this revision (from whichever process published it)."""
        if revision > self._seen.get(consultation_id, -1):
            self._seen[consultation_id] = revision

    def watchers(self) -> dict[int, list[Listener]]:
        return {pk: list(listeners) for pk, listeners in self._watchers.items()}

    async def _beat(self, loop: asyncio.AbstractEventLoop) -> None:
        while loop is self._loop:
            await asyncio.sleep(settings.LIVE_HEARTBEAT_INTERVAL)
            watched = self.watchers()
            try:
                revisions = await self._in_worker(self._heartbeat_read, watched)
            except Exception as error:  # the database is down: the next beat tries again
                logger.warning("live heartbeat could not read the revisions: %r", error)
                continue
            for consultation_id, revision in revisions.items():
                if revision > self._seen.get(consultation_id, -1):
                    self._schedule(loop, consultation_id)  # a frame was lost, or never sent here
                for listener in watched.get(consultation_id, ()):
                    listener.heartbeat(revision)

    def _heartbeat_read(self, watched: dict[int, list[Listener]]) -> dict[int, int]:
        for hook in self._heartbeat_hooks:
            try:
                hook(watched)
            except Exception as error:  # e.g. the cache (Redis) is down: the hook's numbers wait for the next beat
                logger.warning("live heartbeat hook %s failed: %r", hook.__name__, error)
        return results_revisions(consultation_ids=watched) if watched else {}

    async def _in_worker(self, function, *args):
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-frames")
        return await database_sync_to_async(function, thread_sensitive=False, executor=self._executor)(*args)

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
        try:
            frames = await self._in_worker(self.frames, consultation_id)
            await self._send(frames)
        except DATABASE_UNREACHABLE as error:
            _database_unreachable(consultation_id, error)
        except Exception:
            logger.exception("live frame for consultation %s failed", consultation_id)

    # --- without a server -------------------------------------------------------------

    async def _send_now(self, consultation_id: int) -> None:
        # Same thread and connection as the caller: sees what it just committed.
        frames = await sync_to_async(self.frames)(consultation_id)
        await self._send(frames)

    async def _send(self, frames: Frames) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group, frame in frames.items():
            try:
                await layer.group_send(group, frame_message(group, frame))
            except Exception as error:  # the layer (Redis) is unreachable: an outage, not a bug
                # The heartbeat publishes again once it is back; until then sockets reload over HTTP.
                logger.warning("live frame for %s not sent (%s): the heartbeat will send it again", group, error)
                return


publisher = SnapshotPublisher()
