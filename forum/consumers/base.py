"""What every live socket of the room shares: admission, groups, a mailbox of one frame per group, heartbeats.

A socket is admitted once, when it connects (one lookup), and then only
forwards frames: the frames arrive serialised, so a frame costs no database
work and no parsing per connection.

Frames go through a mailbox that keeps the newest frame of each group and a
sender task that writes them to the socket. A slow client thus holds at most
one frame per group in this process and gets the newest state when it
catches up, instead of piling frames up in the channel layer (unbounded
with Redis pub/sub; with the in-memory layer, full queues drop the *newest*
frames). Frames older than the one last taken for a group are dropped here
already, so a client sees revisions only go up, whichever process published them.

A refused socket is accepted and then closed with 4000 + the HTTP status
(4403 no valid token, 4404 unknown, 4410 retired or ended): a refused
handshake reaches the browser as a bare error without a code, and the page
could not tell "wrong address" from "network down".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from forum.cookies import SOCKET_TOKEN_COOKIE, scope_cookie
from forum.services import device_group
from participation.live import publisher


class Refused(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Admission:
    consultation_id: int
    groups: tuple[str, ...]


class LiveSocket(AsyncWebsocketConsumer, metaclass=ABCMeta):
    """A read-only socket on one consultation's live state. Subclasses say who may connect and to what."""

    audience = ""  # "phone", "screen", "terminal": counted apart for the presenter
    admission: Admission | None = None
    _sender: asyncio.Task | None = None

    @abstractmethod
    async def admit(self) -> Admission:
        """The consultation and groups of this socket, or raise ``Refused``."""

    async def connect(self) -> None:
        try:
            admission = await self.admit()
        except Refused as refused:
            await self.accept()
            await self.close(code=4000 + refused.status)
            return
        self._mailbox: dict[str, str] = {}
        self._latest: dict[str, tuple[int, str]] = {}
        self._ready = asyncio.Event()
        for group in admission.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.admission = admission
        await self.accept()
        self._sender = asyncio.create_task(self._send_frames())
        publisher.watch(admission.consultation_id, self)

    async def disconnect(self, code: int) -> None:
        if self.admission is None:
            return
        publisher.unwatch(self.admission.consultation_id, self)
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        for group in self.admission.groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Clients only listen; a ping keeps proxies from closing an idle socket.
        if text_data == "ping" and self.admission is not None:
            # Renew the memberships too: layers may expire them (in-memory and
            # Redis layers after a day), and a kiosk runs for days.
            for group in self.admission.groups:
                await self.channel_layer.group_add(group, self.channel_name)
            await self.send(text_data="pong")

    # --- from the channel layer and the publisher ---------------------------------------

    async def live_frame(self, event: dict) -> None:
        group, revision, text = event["group"], event["revision"], event["text"]
        latest = self._latest.get(group)
        if latest is not None and (revision < latest[0] or (revision == latest[0] and text == latest[1])):
            return  # older than what this client has, or the same frame published by another process
        self._latest[group] = (revision, text)
        publisher.seen(self.admission.consultation_id, revision)
        self._post(group, text)

    def heartbeat(self, revision: int) -> None:
        """The consultation's current revision: a client that has less reloads its snapshot."""
        self._post("heartbeat", json.dumps({"type": "heartbeat", "revision": revision}))

    async def device_event(self, event: dict) -> None:
        """The device this socket belongs to was re-keyed, retired or changed (``forum.services.devices``)."""
        if "code" in event:
            await self.close(code=event["code"])
        elif event.get("reload"):
            self._post("reload", json.dumps({"type": "reload"}))

    def _post(self, key: str, text: str) -> None:
        self._mailbox[key] = text
        self._ready.set()

    async def _send_frames(self) -> None:
        try:
            while True:
                await self._ready.wait()
                self._ready.clear()
                texts, self._mailbox = list(self._mailbox.values()), {}
                for text in texts:
                    await self.send(text_data=text)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The socket is gone; the server's disconnect event ends this consumer.
            return


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
