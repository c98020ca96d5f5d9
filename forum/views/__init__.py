"""Views of the forum room and of the site as a whole, one module per topic."""

from forum.views.account import account_data, account_delete, account_overview, local_accounts_closed, login
from forum.views.kiosk import kiosk, kiosk_snapshot
from forum.views.live import live_answer, live_join, live_question, live_room, live_state, live_upvote
from forum.views.own_contributions import edit_own_contribution, own_contributions, withdraw_own_contribution
from forum.views.site import bad_request, favicon, healthz, page_not_found, rate_limited, server_error
from forum.views.terminal import (
    terminal,
    terminal_alive,
    terminal_comment,
    terminal_done,
    terminal_poll,
    terminal_start,
    terminal_state,
    terminal_vote,
)

__all__ = [
    "account_data",
    "account_delete",
    "account_overview",
    "bad_request",
    "edit_own_contribution",
    "favicon",
    "healthz",
    "kiosk",
    "kiosk_snapshot",
    "live_answer",
    "live_join",
    "live_question",
    "live_room",
    "live_state",
    "live_upvote",
    "local_accounts_closed",
    "login",
    "own_contributions",
    "page_not_found",
    "rate_limited",
    "server_error",
    "terminal",
    "terminal_alive",
    "terminal_comment",
    "terminal_done",
    "terminal_poll",
    "terminal_start",
    "terminal_state",
    "terminal_vote",
    "withdraw_own_contribution",
]
