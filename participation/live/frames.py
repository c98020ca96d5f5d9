"""Live frames: what a frame is, how it travels, and reading its content consistently.

A frame is one group's whole state (e.g. a consultation's results) with the
consultation's revision. It is serialised once, where it is built, and
travels as text: no socket parses or re-reads it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

from participation.selectors import results_snapshot

MESSAGE_TYPE = "live.frame"
CACHE_PREFIX = "live-frame:"

Frames = dict[str, dict]  # group name -> frame
FrameBuilder = Callable[[int], Frames]


def results_group(consultation_id: int) -> str:
    return f"consultation.{consultation_id}.results"


def results_frames(consultation_id: int) -> Frames:
    """The consultation's results, as kiosk screens draw them."""
    return {results_group(consultation_id): {"type": "results", **results_snapshot(consultation_id=consultation_id)}}


def frame_message(group: str, frame: dict) -> dict:
    """The channel-layer message of a frame.

    Serialised once here, so consumers forward the text without work per
    connection; the group and revision ride along so they can drop stale
    frames without parsing it.
    """
    return {"type": MESSAGE_TYPE, "group": group, "revision": frame["revision"], "text": json.dumps(frame)}


@contextlib.contextmanager
def consistent_read():
    """One snapshot of the database for several queries, where the engine allows it.

    Without it, the revision and the totals come from separate statements and
    a write committed between them labels newer totals with an older revision.
    """
    if connection.in_atomic_block or not connection.get_autocommit():
        # Inside someone's transaction (e.g. a test running on_commit callbacks
        # in its own): read what it sees.
        yield
        return
    if connection.vendor == "postgresql":
        # The health check's SELECT 1 must not be the first statement of our transaction.
        connection.close_if_health_check_failed()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A deferred transaction is a read snapshot in WAL mode and takes no
        # write lock (Django's atomic() would BEGIN IMMEDIATE here).
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("COMMIT")
    else:
        yield


def read_consistently(function, *args, **kwargs):
    """``function(*args, **kwargs)`` in one consistent view of the database."""
    with consistent_read():
        return function(*args, **kwargs)


def store_frames(frames: Frames) -> None:
    """Keep the newest frames for clients that poll; when the cache is down, pollers read the database instead."""
    cache.set_many({CACHE_PREFIX + group: (f["revision"], json.dumps(f)) for group, f in frames.items()})


def cached_frames(groups: list[str]) -> dict[str, tuple[int, str]]:
    """The kept frames of ``groups`` (revision, JSON), read at once; those not kept are missing."""
    found = cache.get_many([CACHE_PREFIX + group for group in groups])
    return {group: found[CACHE_PREFIX + group] for group in groups if CACHE_PREFIX + group in found}
