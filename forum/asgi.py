"""ASGI entry point: HTTP through Django, WebSockets under /ws/ through Channels."""

import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from forum.routing import websocket_urlpatterns  # noqa: E402
from participation.live import publisher  # noqa: E402
from participation.tasks import in_process_schedule  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)


async def application(scope, receive, send):
    # Live frames are coalesced on the server's own loop (participation.live).
    publisher.attach(asyncio.get_running_loop())
    # Without Celery beat (the embedded default), phases switch and scheduled pages go live from here.
    in_process_schedule.attach(asyncio.get_running_loop())
    if scope["type"] == "lifespan":
        return await _lifespan(receive, send)
    return await router(scope, receive, send)


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            # Frames still due are dropped: screens reload the snapshot when they reconnect.
            await asyncio.get_running_loop().run_in_executor(None, publisher.close)
            in_process_schedule.close()
            await send({"type": "lifespan.shutdown.complete"})
            return
