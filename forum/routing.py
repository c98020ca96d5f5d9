from django.urls import path, re_path

from forum.consumers import KioskConsumer, NoSuchSocket, RoomConsumer, TerminalConsumer

websocket_urlpatterns = [
    path("ws/kiosk/<slug:slug>/", KioskConsumer.as_asgi()),
    path("ws/live/<str:code>/", RoomConsumer.as_asgi()),
    path("ws/terminal/<slug:slug>/", TerminalConsumer.as_asgi()),
    # Last: any other address is closed with 4404, never a 500.
    re_path(r"", NoSuchSocket.as_asgi()),
]
