"""A touch terminal's visitor: one terminal session per walk-in, held server-side, ended after them.

The session's random key (the participant its votes and comments count
for) lives in the terminal browser's server-side session (the database),
never in the page: "Fertig", or ``TERMINAL_IDLE_SECONDS`` without a request,
ends it. Ending flushes the whole browser session (a new session id), so
neither the next person nor a copy of the old cookie can reach the last
person's key, and an expired session takes no writes even if its page is
still open somewhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from forum.models import Terminal
from participation.models import Participant, ParticipantKind
from participation.services import new_participant_key


@dataclass(frozen=True)
class TerminalSession:
    key: str
    seen: float

    def participant_stand_in(self) -> Participant:
        """An unsaved participant of this session, for asking the rules before the first write made one."""
        return Participant(kind=ParticipantKind.TERMINAL_SESSION, key=self.key)


@dataclass(frozen=True)
class Found:
    """The request's terminal session (None without one), and whether one just lapsed for lack of input."""

    session: TerminalSession | None
    expired: bool = False


def _name(terminal: Terminal) -> str:
    return f"terminal.{terminal.pk}"


def _lapsed(seen: float) -> bool:
    return time.time() - seen > settings.TERMINAL_IDLE_SECONDS


def current(request, terminal: Terminal) -> Found:
    """The visitor's terminal session, if one is open and was active within the idle time.

    A lapsed one is ended here, whatever the request: it takes no more writes.
    """
    data = request.session.get(_name(terminal))
    if not data:
        return Found(None)
    if _lapsed(data["seen"]):
        end(request)
        return Found(None, expired=True)
    return Found(TerminalSession(key=data["key"], seen=data["seen"]))


def start(request, terminal: Terminal) -> TerminalSession:
    """A new walk-in: a fresh key, nothing carried over from the person before."""
    end(request)
    session = TerminalSession(key=new_participant_key(), seen=time.time())
    request.session[_name(terminal)] = {"key": session.key, "seen": session.seen}
    return session


def touch(request, terminal: Terminal, session: TerminalSession) -> None:
    """The visitor did something: the idle time starts again."""
    request.session[_name(terminal)] = {
        **request.session.get(_name(terminal), {}),
        "key": session.key,
        "seen": time.time(),
    }


def end(request) -> None:
    """Everything of the visitor goes: the session's data and its id (a copy of the old cookie opens nothing)."""
    request.session.flush()


def flash(request, terminal: Terminal, message: str, *, kind: str = "success") -> None:
    """A message for the visitor's next page (kept with their terminal session, so it ends with it)."""
    data = request.session.get(_name(terminal))
    if data:
        request.session[_name(terminal)] = {**data, "notice": {"text": str(message), "kind": kind}}


def take_notice(request, terminal: Terminal) -> dict | None:
    data = request.session.get(_name(terminal))
    if not data or "notice" not in data:
        return None
    notice = data.pop("notice")
    request.session[_name(terminal)] = data
    return notice
