"""Writes of the forum room and of the site as a whole. Views, the API, consumers, the admin and commands call these.

One module per topic; the names are re-exported here.
"""

from forum.services.accounts import check_public_name, delete_account, ensure_verified_account, set_public_name
from forum.services.devices import (
    DEVICE_MESSAGE,
    consultation_unpublished,
    device_changed,
    device_group,
    device_removed,
    ensure_screen,
    ensure_terminal,
    issue_device_token,
)
from forum.services.room_answers import answer_in_room, ask_in_room, upvote_in_room, vote_in_room, votes_in_room
from forum.services.rooms import close_room, new_room_code, open_room, poll_on_the_spot, show_in_room
from forum.services.sessions import clear_expired_sessions

__all__ = [
    "DEVICE_MESSAGE",
    "answer_in_room",
    "ask_in_room",
    "check_public_name",
    "clear_expired_sessions",
    "close_room",
    "consultation_unpublished",
    "delete_account",
    "device_changed",
    "device_group",
    "device_removed",
    "ensure_screen",
    "ensure_terminal",
    "ensure_verified_account",
    "issue_device_token",
    "new_room_code",
    "open_room",
    "poll_on_the_spot",
    "set_public_name",
    "show_in_room",
    "upvote_in_room",
    "vote_in_room",
    "votes_in_room",
]
