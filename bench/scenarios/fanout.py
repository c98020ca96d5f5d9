"""Fan-out: one vote, then the time until the last of N kiosk sockets has the new totals (request start ->
last socket), p50/p95/p99 over repeated votes. Floor: the bare broadcast server, a broadcast asked for ->
last of N sockets. Votes are spaced past the frame interval, so each one is published at once."""

from __future__ import annotations

import asyncio
import time

from bench.client import (
    HttpPool,
    close_sockets,
    open_sockets,
    ping_all,
    results_totals,
    summary_ms,
    wait_until,
)

SPACING = 0.35  # seconds between votes: past LIVE_FRAME_INTERVAL (0.2), so no vote waits for a trailing frame
TARGET = "ratio <= 1.5"  # issue 8: fan-out to 1,000 sockets <= 1.5x the bare broadcast floor


def run(ctx) -> None:
    from participation.selectors import proposal_results

    room = ctx.seeded.room
    proposal = room.proposals[1]
    votes = ctx.sizes["fanout_votes"]
    for position, count in enumerate(ctx.sizes["fanout"]):
        # The last accounts are the fan-out's: each votes once, so every vote adds one to the total.
        sessions = ctx.seeded.sessions[len(ctx.seeded.sessions) - (position + 1) * votes :][:votes]
        before = sum(proposal_results(proposal_ids=[proposal])[proposal].values())
        result = ctx.client(
            "fanout",
            {
                "mode": "stack",
                "count": count,
                "proposal": proposal,
                "sessions": sessions,
                "before": before,
                **ctx.kiosk(),
            },
        )
        floor = ctx.client("fanout", {"mode": "floor", "count": count, "votes": votes})
        after = sum(proposal_results(proposal_ids=[proposal])[proposal].values())
        ctx.facts[f"fanout-{count}"] = {"stack": result, "floor": floor, "votes_counted": after - before}
        stack_ms, floor_ms = result["latency"], floor["latency"]
        for share in ("p50", "p95", "p99"):
            ctx.figure(
                "fan-out",
                f"vote -> last of {count:,} sockets, {share}",
                stack_ms[share],
                "ms",
                floor=floor_ms[share],
                target=TARGET if count == 1000 and share != "p99" else "",
            )
        ctx.figure(
            "fan-out",
            f"{count:,} sockets got every vote's totals",
            100.0 * result["delivered"] / max(1, result["expected"]),
            "%",
            target="== 100",
        )


async def client(params: dict) -> dict:
    return await (_stack(params) if params["mode"] == "stack" else _floor(params))


async def _stack(params: dict) -> dict:
    pool = HttpPool(params["url"])
    origin = pool.origin
    sockets = await open_sockets(
        params["count"], params["ws_url"] + params["socket_path"], origin=origin, cookies=params["socket_cookies"]
    )
    try:
        await ping_all(sockets)
        proposal, expected_total = params["proposal"], params["before"]
        latencies, delivered, expected = [], 0, 0
        # The session cookie is enough to vote; the CSRF cookie is the browser's own (any valid secret).
        csrf = "benchbenchbenchbenchbenchbench12"
        for index, session in enumerate(params["sessions"]):
            marks = [len(s.frames) for s in sockets]
            expected_total += 1
            response = await pool.post_json(
                f"/api/v1/proposals/{proposal}/vote/",
                {"choice": "support" if index % 2 else "oppose"},
                cookies={"sessionid": session, "csrftoken": csrf},
            )
            if response.status != 200:
                raise RuntimeError(f"vote refused: {response.status} {response.body[:300]!r}")
            arrivals = await _arrivals(
                sockets, marks, lambda text, total=expected_total: _has_total(text, proposal, total)
            )
            expected += len(sockets)
            delivered += sum(at is not None for at in arrivals)
            if all(at is not None for at in arrivals):
                latencies.append(max(arrivals) - response.sent_at)
            await asyncio.sleep(SPACING)
        return {"latency": summary_ms(latencies), "delivered": delivered, "expected": expected}
    finally:
        await close_sockets(sockets)
        pool.close()


def _has_total(text: str, proposal: int, total: int) -> bool:
    totals = results_totals(text, proposal)
    return totals is not None and sum(totals.values()) >= total


async def _arrivals(sockets, marks, condition, timeout: float = 30) -> list[float | None]:
    """When each socket got its first frame since ``marks`` that meets ``condition`` (None: none in time).

    Waits on frame counts only (no parsing while frames arrive), then reads the frames.
    """
    deadline = time.monotonic() + timeout
    found: list[float | None] = [None] * len(sockets)
    cursors = list(marks)
    while True:
        await wait_until(
            lambda: all(len(s.frames) > c for s, c, f in zip(sockets, cursors, found, strict=True) if f is None),
            max(0.0, deadline - time.monotonic()),
        )
        for i, recorder in enumerate(sockets):
            if found[i] is None:
                hit = recorder.first_after(cursors[i], condition)
                if hit is None:
                    cursors[i] = len(recorder.frames)
                else:
                    found[i] = hit[1]
        if all(at is not None for at in found) or time.monotonic() >= deadline:
            return found


async def _floor(params: dict) -> dict:
    from websockets.asyncio.client import connect

    url = params["floor_url"]
    sockets = await open_sockets(params["count"], url + "/")
    try:
        await wait_until(lambda: all(s.frames for s in sockets), 60)
        latencies = []
        async with connect(url + "/control", compression=None) as control:
            for revision in range(1, params["votes"] + 1):
                marks = [len(s.frames) for s in sockets]
                sent = time.monotonic()
                await control.send("broadcast")
                revision = int(await control.recv())
                arrivals = await _arrivals(sockets, marks, lambda text, r=revision: f'"revision": {r},' in text)
                if all(at is not None for at in arrivals):
                    latencies.append(max(arrivals) - sent)
                await asyncio.sleep(SPACING)
        return {"latency": summary_ms(latencies)}
    finally:
        await close_sockets(sockets)
