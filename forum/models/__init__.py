"""The forum room's data, one module per topic, re-exported here."""

from forum.models.devices import RegisteredDevice, token_digest, token_matches
from forum.models.rooms import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, RoomSession
from forum.models.scenes import ROTATION_SCENES, Scene
from forum.models.screens import Screen, ScreenMode, ScreenScene
from forum.models.terminals import Terminal

__all__ = [
    "ROOM_CODE_ALPHABET",
    "ROOM_CODE_LENGTH",
    "ROTATION_SCENES",
    "RegisteredDevice",
    "RoomSession",
    "Scene",
    "Screen",
    "ScreenMode",
    "ScreenScene",
    "Terminal",
    "token_digest",
    "token_matches",
]
