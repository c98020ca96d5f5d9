"""Phones' sockets, on the room a code names: the room's frames to the phone, the phone's votes to the
room (``forum.consumers.ballots``). Questions and backing go over HTTP (forms, the rooms API), as do votes
from phones without a socket."""

from __future__ import annotations

import asyncio
import json

from channels.db import database_sync_to_async

from forum.consumers.ballots import ballot_box
from forum.consumers.base import Admission, LiveSocket, Refused
from forum.cookies import scope_device_key, scope_language
from forum.selectors import RETIRED, UNKNOWN, room_by_code, room_group
from forum.submissions import PhoneVote, answer_of

# After a Wi-Fi blip the whole room reconnects at once: a thousand phones asking
# for the same code. One lookup answers all who ask within this many seconds (per
# process); a room closed meanwhile is told by its frames and snapshot anyway.
ADMISSION_TTL = 1.0
# A vote is a few dozen bytes; a word answer at most a few hundred characters.
LONGEST_VOTE = 4096


def _admission(code: str) -> Admission | Refused:
    room = room_by_code(code=code)
    if room is None or not room.consultation.live:
        return Refused(UNKNOWN)
    if not room.is_open:
        return Refused(RETIRED)
    return Admission(room.consultation_id, (room_group(room.consultation_id),))


class RecentAdmissions:
    """The admissions of room codes looked up in the last ``ADMISSION_TTL`` seconds, one lookup at a time
    per code: those who ask while it runs wait for its answer."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._answers: dict[str, tuple[float, asyncio.Task]] = {}

    async def admission(self, code: str) -> Admission | Refused:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._answers = loop, {}
        now = loop.time()
        answer = self._answers.get(code)
        if answer is None or answer[0] < now or (answer[1].done() and answer[1].exception() is not None):
            if len(self._answers) > 1000:  # codes typed wrong: forget the old ones
                self._answers = {c: a for c, a in self._answers.items() if a[0] >= now}
            answer = (now + ADMISSION_TTL, loop.create_task(database_sync_to_async(_admission)(code)))
            self._answers[code] = answer
        return await asyncio.shield(answer[1])


recent_admissions = RecentAdmissions()


class RoomConsumer(LiveSocket):
    audience = "phone"
    greets = True
    _voter: tuple[str | None, str] | None = None  # the phone's device key and its page's language

    async def admit(self) -> Admission:
        answer = await recent_admissions.admission(self.scope["url_route"]["kwargs"]["code"])
        if isinstance(answer, Refused):
            raise answer
        return answer

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.admission is None or not text_data or not text_data.startswith("{"):
            await super().receive(text_data, bytes_data)
            return
        message = _message(text_data)
        if message is None:
            return  # not a vote of our page's: nothing to answer to
        if self._voter is None:  # read once per socket: its cookies and language do not change
            self._voter = (scope_device_key(self.scope), scope_language(self.scope))
        key, language = self._voter
        vote = PhoneVote(code=self.scope["url_route"]["kwargs"]["code"], key=key, data=message, language=language)
        outcome = await ballot_box.cast(vote)
        if outcome.ok:
            answer = {"type": "counted", **answer_of(outcome)}
        else:
            answer = {"type": "refused", "status": outcome.status, "detail": outcome.message, "field": outcome.field}
            if outcome.retry_after:
                answer["retryAfter"] = outcome.retry_after
        await self.send(text_data=json.dumps({**answer, "ref": message["ref"]}))


def _message(text: str) -> dict | None:
    """A vote the page sent (``{"type": "vote", "ref": n, ...}`` with the fields of the rooms API), or None."""
    if len(text) > LONGEST_VOTE:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "vote":
        return None
    ref = message.get("ref")
    if not isinstance(ref, int) or isinstance(ref, bool):
        return None
    return message
