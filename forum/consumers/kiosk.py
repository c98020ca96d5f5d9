"""WebSocket consumers of the forum room."""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from forum.selectors import active_screen_consultation_id
from participation.live import results_group


class KioskConsumer(AsyncWebsocketConsumer):
    """Pushes a screen's consultation results; the frames arrive pre-serialised.

    One lookup when the screen connects, none per frame: fan-out stays cheap.

    Frames go through a mailbox of one: the layer's handler only keeps the
    newest frame and a sender task writes it to the socket. A slow screen
    thus holds at most one frame in this process and gets the newest state
    when it catches up, instead of piling frames up in the channel layer
    (unbounded with Redis pub/sub; with the in-memory layer, full queues drop
    the *newest* frames and a frame older than 60 s evicts the screen from its
    group). Frames older than the one last taken are dropped here already, so a
    screen sees revisions only go up, whichever process published them.
    """

    group = None
    revision = -1
    _sender = None
    _frame = None
    _last_text = None

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        consultation_id = await database_sync_to_async(active_screen_consultation_id)(slug=slug)
        if consultation_id is None:
            await self.close(code=4404)
            return
        self._frame_ready = asyncio.Event()
        self.group = results_group(consultation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self._sender = asyncio.create_task(self._send_frames())

    async def disconnect(self, code: int) -> None:
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Screens only listen; a ping keeps proxies from closing an idle socket.
        if text_data == "ping" and self.group:
            # Renew the membership too: layers may expire it (in-memory and
            # Redis layers after a day), and a kiosk runs for days.
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.send(text_data="pong")

    async def results_snapshot(self, event: dict) -> None:
        revision = event.get("revision", 0)
        if revision < self.revision:
            return  # an older state than the one this screen already has
        if revision == self.revision and event["text"] == self._last_text:
            return  # the same frame, published by another process
        self.revision = revision
        self._last_text = event["text"]
        self._frame = event["text"]
        self._frame_ready.set()

    async def _send_frames(self) -> None:
        try:
            while True:
                await self._frame_ready.wait()
                self._frame_ready.clear()
                text, self._frame = self._frame, None
                await self.send(text_data=text)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The socket is gone; the server's disconnect event ends this consumer.
            return
