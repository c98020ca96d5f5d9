"""WebSocket consumers of the forum room."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from forum.selectors import active_screen_consultation_id
from participation.live import results_group


class KioskConsumer(AsyncWebsocketConsumer):
    """Pushes a screen's consultation results; the frames arrive pre-serialised.

    One lookup when the screen connects, none per frame: fan-out stays cheap.
    """

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        consultation_id = await database_sync_to_async(active_screen_consultation_id)(slug=slug)
        if consultation_id is None:
            await self.close(code=4404)
            return
        self.group = results_group(consultation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Screens only listen; a ping keeps proxies from closing an idle socket.
        if text_data == "ping":
            await self.send(text_data="pong")

    async def results_snapshot(self, event: dict) -> None:
        await self.send(text_data=event["text"])
