"""Phones' sockets: read-only, on the room a code names. Phones write over HTTP (forms, the rooms API)."""

from channels.db import database_sync_to_async

from forum.consumers.base import Admission, LiveSocket, Refused
from forum.selectors import RETIRED, UNKNOWN, room_by_code, room_group


class RoomConsumer(LiveSocket):
    audience = "phone"

    async def admit(self) -> Admission:
        room = await database_sync_to_async(room_by_code)(code=self.scope["url_route"]["kwargs"]["code"])
        if room is None or not room.consultation.live:
            raise Refused(UNKNOWN)
        if not room.is_open:
            raise Refused(RETIRED)
        return Admission(room.consultation_id, (room_group(room.consultation_id),))
