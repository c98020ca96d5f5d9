"""Votes sent over the phones' sockets, written together (a group commit).

After a question, a full room votes within two seconds. Written one by one,
each vote would be a request through Django's stack, a transaction, a commit
and a revision bump of its own; here the votes that arrive while the previous
batch is being written wait a moment and then go into the database together
(``forum.submissions.submit_room_votes``: one transaction, one upsert). A phone
is told "counted" only after that commit; if it fails, it is told so and sends
again (over the socket or, failing that, over HTTP: one vote per phone either way).

The limits per phone and per room (``RATELIMIT_ROOM_DEVICE``, ``RATELIMIT_ROOM``) are counted here, in
memory, per process: a vote that waited for Redis twice would hold up the whole batch behind it (the
thread that writes waits for the interpreter's lock after every round trip while the loop is busy
sending frames). A phone's socket lives in one process, so its limit holds; a room spread over N
processes may send N times the room's rate, a ceiling against floods, not a quota.
"""

from __future__ import annotations

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from forum.submissions import PhoneVote, RoomOutcome, submit_room_votes, too_many

logger = logging.getLogger(__name__)

# How long the first vote of a batch waits for others: a few milliseconds, well under what a person notices.
GATHER_SECONDS = 0.005
MOST_AT_ONCE = 500  # a batch's size at most: one transaction stays short
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Allowance:
    """Counts per key in fixed windows, as django-ratelimit does ("30/m": 30 in each minute), in memory."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window, count)

    def take(self, key: str, rate: str) -> bool:
        """Counts one for ``key``; False once over ``rate``."""
        limit, period = _rate(rate)
        window = int(time.time() // period)
        if len(self._counts) > 100_000:  # keys of windows gone by
            self._counts = {k: c for k, c in self._counts.items() if c[0] == window}
        last, count = self._counts.get(key, (window, 0))
        count = count + 1 if last == window else 1
        self._counts[key] = (window, count)
        return count <= limit


def _rate(rate: str) -> tuple[int, int]:
    """``"30/m"`` -> (30, 60); ``"100/5m"`` -> (100, 300)."""
    count, _slash, period = rate.partition("/")
    return int(count), int(period[:-1] or 1) * SECONDS[period[-1]]


class BallotBox:
    """The votes of this process's phones, waiting to be written (one batch at a time, in order)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[PhoneVote, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self._allowance = Allowance()

    async def cast(self, vote: PhoneVote) -> RoomOutcome:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new server loop (tests start several): nothing carries over
            self._loop, self._waiting, self._writer, self._allowance = loop, [], None, Allowance()
        # Both counted, as the phone's POSTs count both.
        over_device = not self._allowance.take(f"device:{vote.key}", settings.RATELIMIT_ROOM_DEVICE)
        over_room = not self._allowance.take(f"room:{vote.code}", settings.RATELIMIT_ROOM)
        if over_device or over_room:
            with translation.override(vote.language):
                return too_many()
        answer = loop.create_future()
        self._waiting.append((vote, answer))
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write())
        return await answer

    async def _write(self) -> None:
        await asyncio.sleep(GATHER_SECONDS)
        while self._waiting:
            batch, self._waiting = self._waiting[:MOST_AT_ONCE], self._waiting[MOST_AT_ONCE:]
            votes = [vote for vote, _answer in batch]
            try:
                outcomes = await database_sync_to_async(submit_room_votes)(writes=votes)
            except Exception:
                logger.exception("%d phone votes not written", len(votes))
                outcomes = [_not_written(vote.language) for vote in votes]
            for (_vote, answer), outcome in zip(batch, outcomes, strict=True):
                if not answer.done():  # its socket may have gone meanwhile
                    answer.set_result(outcome)


def _not_written(language: str) -> RoomOutcome:
    with translation.override(language):
        message = _("Your answer could not be sent and has not been counted. Please try again.")
    return RoomOutcome(status=503, message=message)


ballot_box = BallotBox()
