from django.urls import path

from forum.consumers import KioskConsumer

websocket_urlpatterns = [
    path("ws/kiosk/<slug:slug>/", KioskConsumer.as_asgi()),
]
