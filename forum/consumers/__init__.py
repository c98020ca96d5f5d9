"""WebSocket consumers of the forum room, one module per kind of client; all read-only."""

from forum.consumers.kiosk import KioskConsumer
from forum.consumers.room import RoomConsumer
from forum.consumers.terminal import TerminalConsumer
from forum.consumers.unknown import NoSuchSocket

__all__ = ["KioskConsumer", "NoSuchSocket", "RoomConsumer", "TerminalConsumer"]
