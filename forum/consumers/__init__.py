"""WebSocket consumers of the forum room, one module per kind of client."""

from forum.consumers.kiosk import KioskConsumer

__all__ = ["KioskConsumer"]
