"""WebSocket consumers of the forum room, one module per kind of client; all read-only."""

from forum.consumers.kiosk import KioskConsumer
from forum.consumers.room import RoomConsumer
from forum.consumers.terminal import TerminalConsumer

__all__ = ["KioskConsumer", "RoomConsumer", "TerminalConsumer"]
