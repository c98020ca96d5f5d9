"""What every live socket of the room shares: admission, groups, a mailbox of one frame per group, heartbeats.

A socket is admitted once, when it connects (one lookup), and then only
forwards frames: the frames arrive serialised, so a frame costs no database
work and no parsing per connection. Sockets have no channel of their own:
``participation.live.relay`` subscribes this process once per group and hands
each frame to its sockets by a method call.

Frames go through a mailbox that keeps the newest frame of each group, and a
sender task, started when there is something to write, writes them to the
socket. A slow client thus holds at most one frame per group in this process
and gets the newest state when it catches up, instead of piling frames up.
Frames older than the one last taken for a group are dropped here already, so
a client sees revisions only go up, whichever process published them.

A refused socket is accepted and then closed with 4000 + the HTTP status
(4403 no valid token, 4404 unknown, 4410 retired or ended): a refused
handshake reaches the browser as a bare error without a code, and the page
could not tell "wrong address" from "network down".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from functools import partial

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from forum.cookies import SOCKET_TOKEN_COOKIE, scope_cookie
from forum.services import device_group
from participation.live import publisher, relay

logger = logging.getLogger(__name__)


class Refused(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Admission:
    consultation_id: int
    groups: tuple[str, ...]  # frames of these groups reach the socket (participation.live.relay)


class LiveSocket(AsyncWebsocketConsumer, metaclass=ABCMeta):
    """A read-only socket on one consultation's live state. Subclasses say who may connect and to what."""

    # No channel of its own in the layer: an alias the settings do not configure makes Channels'
    # get_channel_layer() give None. The relay brings this socket its groups' messages.
    channel_layer_alias = "live-sockets-use-the-relay"
    audience = ""  # "phone", "screen", "terminal": counted apart for the presenter
    # Sent the newest frame of each of its groups on connecting (phones: no request for the state after a
    # blip); screens and terminals load their snapshot, which holds more than frames.
    greets = False
    admission: Admission | None = None
    _accepted = False
    _sender: asyncio.Task | None = None
    _closing: asyncio.Task | None = None

    @abstractmethod
    async def admit(self) -> Admission:
        """The consultation and groups of this socket, or raise ``Refused``."""

    async def dispatch(self, message: dict) -> None:
        # Channels' dispatch first closes stale database connections through a thread hop, for every
        # message. These handlers touch the database only in ``admit``, through database_sync_to_async,
        # which does that itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        try:
            admission = await self.admit()
        except Refused as refused:
            await self.accept()
            await self.close(code=4000 + refused.status)
            return
        self._mailbox: dict[str, str] = {}
        self._latest: dict[str, tuple[int, str]] = {}
        self._accepted = False
        self.admission = admission
        # In the groups before the page hears "open" (and loads its snapshot): no frame falls between.
        # Frames that arrive meanwhile wait in the mailbox until the socket is accepted.
        for group in admission.groups:
            await relay.join(group, self)
        if self.greets:
            await self._greet(admission)
        await self.accept()
        self._accepted = True
        if self._mailbox:
            self._start_sending()
        publisher.watch(admission.consultation_id, self)

    async def _greet(self, admission: Admission) -> None:
        for group in admission.groups:
            try:
                revision, text = await relay.newest(group, partial(_newest_frame, group, admission.consultation_id))
            except Exception as error:  # the database is away: the heartbeat tells the page to catch up
                logger.warning("no current frame of %s for a new socket: %r", group, error)
                continue
            self.frame(group, revision, text)

    async def disconnect(self, code: int) -> None:
        if self.admission is None:
            return
        publisher.unwatch(self.admission.consultation_id, self)
        for group in self.admission.groups:
            relay.leave(group, self)
        for task in (self._sender, self._closing):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Clients only listen; a ping keeps proxies from closing an idle socket.
        if text_data == "ping" and self.admission is not None:
            await self.send(text_data="pong")

    # --- from the relay and the publisher (plain calls on the server's loop) -------------------

    def frame(self, group: str, revision: int, text: str) -> None:
        latest = self._latest.get(group)
        if latest is not None and (revision < latest[0] or (revision == latest[0] and text == latest[1])):
            return  # older than what this client has, or the same frame published by another process
        self._latest[group] = (revision, text)
        publisher.seen(self.admission.consultation_id, revision)
        self._post(group, text)

    def heartbeat(self, revision: int) -> None:
        """The consultation's current revision: a client that has less reloads its snapshot."""
        self._post("heartbeat", json.dumps({"type": "heartbeat", "revision": revision}))

    def event(self, message: dict) -> None:
        """The device this socket belongs to was re-keyed, retired or changed (``forum.services.devices``)."""
        if "code" in message:
            if self._closing is None:
                self._closing = asyncio.get_running_loop().create_task(self.close(code=message["code"]))
        elif message.get("reload"):
            self._post("reload", json.dumps({"type": "reload"}))

    def _post(self, key: str, text: str) -> None:
        self._mailbox[key] = text
        if self._accepted:
            self._start_sending()

    def _start_sending(self) -> None:
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send_frames())

    async def _send_frames(self) -> None:
        try:
            while self._mailbox:
                texts, self._mailbox = list(self._mailbox.values()), {}
                for text in texts:
                    await self.send(text_data=text)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The socket is gone; the server's disconnect event ends this consumer.
            return


def _newest_frame(group: str, consultation_id: int) -> tuple[int, str]:
    text = publisher.current_frame_text(group, consultation_id)
    return json.loads(text)["revision"], text


class DeviceSocket(LiveSocket):
    """A registered device's socket (a screen, a terminal), admitted by the token cookie of its socket's path."""

    @staticmethod
    @abstractmethod
    def access(*, slug: str, token: str | None):
        """``forum.selectors.screen_access`` or ``terminal_access``."""

    @abstractmethod
    def device_groups(self, device) -> tuple[str, ...]:
        """The live groups the device shows, beside its own."""

    async def admit(self) -> Admission:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        token = scope_cookie(self.scope, SOCKET_TOKEN_COOKIE)
        access = await database_sync_to_async(self.access)(slug=slug, token=token)
        if not access.granted:
            raise Refused(access.refused)
        device = access.device
        return Admission(device.consultation_id, (*self.device_groups(device), device_group(device)))
