"""The room on the live path: its frame for every consultation, and how many sockets each process holds.

``participation.live`` publishes; this module adds the room's frame to what it
publishes (``room_frames``) and, on every heartbeat, reports the sockets of
this process to the cache, so the presenter sees how many phones are there.
"""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from django.core.cache import cache

from forum.models import Screen
from forum.selectors import room_group, room_snapshot, screen_rotation
from participation.live import Frames, Listener, publisher, results_group

PRESENCE_KEY = "room-presence:{}"
PROCESS = uuid.uuid4().hex  # this server process, among those sharing the cache
AUDIENCES = ("phone", "screen", "terminal")


def room_frames(consultation_id: int) -> Frames:
    return {room_group(consultation_id): room_snapshot(consultation_id=consultation_id)}


def screen_snapshot(screen: Screen) -> dict:
    """What a kiosk screen draws, as ONE JSON: the results frame and the room frame of its sockets' two
    groups, of one revision (as published: from the cache when current), and the screen's own set-up.

    The page loads it first and after every reconnect or missed frame; then the frames replace its parts.
    """
    groups = [results_group(screen.consultation_id), room_group(screen.consultation_id)]
    results, room = (
        json.loads(text) for text in publisher.current_frame_texts(screen.consultation_id, groups).values()
    )
    return {
        "type": "kiosk",
        "revision": max(results["revision"], room["revision"]),
        "results": results,
        "room": room,
        "screen": {"mode": screen.mode, "rotation": screen_rotation(screen=screen)},
    }


def report_presence(watched: dict[int, list[Listener]]) -> None:
    """This process's sockets per consultation, kept in the cache for a few heartbeats (then they lapse)."""
    now = time.time()
    lapse = now + 3 * settings.LIVE_HEARTBEAT_INTERVAL
    for consultation_id, listeners in watched.items():
        counts = dict.fromkeys(AUDIENCES, 0)
        for listener in listeners:
            audience = getattr(listener, "audience", None)
            if audience in counts:
                counts[audience] += 1
        key = PRESENCE_KEY.format(consultation_id)
        # Processes write their own entry; a lost race costs one heartbeat of accuracy, nothing more.
        entries = {p: e for p, e in (cache.get(key) or {}).items() if e["until"] > now}
        entries[PROCESS] = {**counts, "until": lapse}
        cache.set(key, entries, timeout=int(4 * settings.LIVE_HEARTBEAT_INTERVAL) + 1)


def connected(*, consultation_id: int) -> dict[str, int]:
    """Sockets open on the consultation, over every server process: ``{"phone": 212, "screen": 2, ...}``."""
    totals = dict.fromkeys(AUDIENCES, 0)
    entries = cache.get(PRESENCE_KEY.format(consultation_id)) or {}  # the cache is down: nobody is counted
    now = time.time()
    for entry in entries.values():
        if entry["until"] > now:
            for audience in AUDIENCES:
                totals[audience] += entry.get(audience, 0)
    return totals
