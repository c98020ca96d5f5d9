"""A burst of votes against real server processes: the kiosk gets a few
frames per second, never an older state after a newer one, and the last
frame is the exact final count. ``pytest -s`` prints what was measured."""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from participation.models import ResultsRevision
from tests.support import factories
from tests.support.needs import require_redis
from tests.support.server import (
    FRAME_INTERVAL,
    KioskSocket,
    csrf_cookie,
    new_channel_prefix,
    session_cookie,
    totals_of,
    vote,
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(240),
]

VOTES = 200
CLIENTS = 10


@pytest.fixture
def room(transactional_db):
    consultation = factories.consultation("vote")
    proposal = factories.proposal(consultation)
    screen = factories.screen(consultation, slug="foyer")
    return SimpleNamespace(consultation=consultation, proposal=proposal, screen=screen)


def revision_of(consultation) -> int:
    return ResultsRevision.objects.filter(pk=consultation.pk).values_list("value", flat=True).first() or 0


@pytest.mark.parametrize("processes", [1, 2], ids=["memory-1-process", "redis-2-processes"])
def test_a_burst_of_votes_becomes_few_frames_ending_in_the_exact_total(start_server, room, processes):
    if processes == 1:
        servers = [start_server(prefix=new_channel_prefix(), redis=False)]
    else:
        require_redis()
        prefix = new_channel_prefix()
        servers = [start_server(prefix=prefix, redis=True) for _ in range(processes)]
    sessions = [session_cookie(citizen) for citizen in factories.CitizenFactory.create_batch(VOTES)]
    csrf = csrf_cookie(servers[0])
    base = revision_of(room.consultation)
    pid = room.proposal.pk

    kiosk = KioskSocket(servers[0], token=room.screen.token)  # votes through the other process reach it only via Redis
    try:
        kiosk.ping()

        def cast(index: int):
            # Round robin over the processes, as a proxy would spread them.
            server = servers[index % len(servers)]
            return vote(server, session=sessions[index], csrf=csrf, proposal_id=pid, choice="support")

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            started = time.monotonic()
            results = list(pool.map(cast, range(VOTES)))
        ended = max(result.answered_at for result in results)
        assert [r.status for r in results] == [200] * VOTES, next(r.body for r in results if r.status != 200)

        final_at, _ = kiosk.wait_for(lambda f: totals_of(f, pid)["support"] == VOTES, timeout=10)
        time.sleep(FRAME_INTERVAL * 3)  # a frame published late would show up now
    finally:
        kiosk.close()

    frames = [frame for _, frame in kiosk.frames]
    duration = ended - started
    bound = processes * (math.ceil(duration / FRAME_INTERVAL) + 2)
    print(
        f"\n[live coalescing] {processes} process(es): {VOTES} votes by {CLIENTS} clients in {duration:.2f}s "
        f"({VOTES / duration:.0f}/s) -> {len(frames)} frames (bound {bound}); "
        f"final total on screen {(final_at - ended) * 1000:.0f} ms after the last response"
    )

    assert len(frames) <= bound, f"{len(frames)} frames: not coalesced to one per {FRAME_INTERVAL}s per process"
    revisions = [frame["revision"] for frame in frames]
    assert revisions == sorted(revisions), "a screen was sent an older state after a newer one"
    # Every frame is one consistent state: its total is exactly that of its revision.
    assert [totals_of(f, pid)["support"] for f in frames] == [r - base for r in revisions]
    assert totals_of(frames[-1], pid) == {"support": VOTES, "oppose": 0, "abstain": 0}
    assert frames[-1]["revision"] == revision_of(room.consultation) == base + VOTES
