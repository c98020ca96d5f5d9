"""Reads of the forum room: devices and their tokens, room sessions and what they show, the presenter's console."""

from forum.selectors.console import console_polls, console_questions, console_status, pending_questions
from forum.selectors.devices import (
    NO_TOKEN,
    RETIRED,
    UNKNOWN,
    DeviceAccess,
    screen_access,
    screen_rotation,
    terminal_access,
)
from forum.selectors.rooms import (
    is_room_code,
    join_url,
    normalised_code,
    open_room,
    open_rooms,
    poll_state,
    proposal_state,
    recent_rooms,
    room_by_code,
    room_by_id,
    room_group,
    room_snapshot,
    shown_now,
)

__all__ = [
    "NO_TOKEN",
    "RETIRED",
    "UNKNOWN",
    "DeviceAccess",
    "console_polls",
    "console_questions",
    "console_status",
    "is_room_code",
    "join_url",
    "normalised_code",
    "open_room",
    "open_rooms",
    "pending_questions",
    "poll_state",
    "proposal_state",
    "recent_rooms",
    "room_by_code",
    "room_by_id",
    "room_group",
    "room_snapshot",
    "screen_access",
    "screen_rotation",
    "shown_now",
    "terminal_access",
]
