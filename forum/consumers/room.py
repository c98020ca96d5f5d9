"""Phones' sockets: read-only, on the room a code names. Phones write over HTTP (forms, the rooms API)."""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async

from forum.consumers.base import Admission, LiveSocket, Refused
from forum.selectors import RETIRED, UNKNOWN, room_by_code, room_group

# After a Wi-Fi blip the whole room reconnects at once: a thousand phones asking
# for the same code. One lookup answers all who ask within this many seconds (per
# process); a room closed meanwhile is told by its frames and snapshot anyway.
ADMISSION_TTL = 1.0


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

    async def admit(self) -> Admission:
        answer = await recent_admissions.admission(self.scope["url_route"]["kwargs"]["code"])
        if isinstance(answer, Refused):
            raise answer
        return answer
