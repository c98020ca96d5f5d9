"""A socket to an address no consumer serves: closed cleanly with 4404, as a refused screen is (forum.consumers.base),
instead of the router's "No route found" error (a 500 with a traceback in the log)."""

from channels.generic.websocket import AsyncWebsocketConsumer


class NoSuchSocket(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.close(code=4404)
