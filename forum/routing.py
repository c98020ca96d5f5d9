from django.urls import path

from forum.consumers import KioskConsumer, RoomConsumer, TerminalConsumer

websocket_urlpatterns = [
    path("ws/kiosk/<slug:slug>/", KioskConsumer.as_asgi()),
    path("ws/live/<str:code>/", RoomConsumer.as_asgi()),
    path("ws/terminal/<slug:slug>/", TerminalConsumer.as_asgi()),
]
