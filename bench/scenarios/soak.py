"""Soak: minutes of mixed load, as an evening in the room runs, on the stack (nginx, N ASGI processes).

At a steady rate, open loop: anonymous pages (home, a consultation, a proposal, the kiosk snapshot), room
phones voting through the rooms API (a new phone each), logged-in citizens voting online and posting
comments; all the while kiosk and phone sockets watch, and some of them hang up and come back every few
seconds. The bench process samples the resident memory of every ASGI process.

Figures: requests per kind with p50/p95, errors (5xx, connection failures, any other refusal), RSS at the
start (after a warm-up), end and peak per process and its slope (least squares, MB per minute) against a
limit; counts: votes and comments in the database = those the servers answered as saved, and every socket's
last totals = the database's. ``python -m bench.soak --minutes 10`` runs it alone; tests/bench/test_soak.py
runs a minute of it in CI.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from bench.client import (
    HttpPool,
    close_sockets,
    newest_totals,
    open_socket,
    open_sockets,
    ping_all,
    settle,
    summary_ms,
)
from bench.stack import rss_kib

CSRF = "benchbenchbenchbenchbenchbench12"
CHOICES = ("support", "oppose", "abstain")
# Requests per second of each kind (the room's evening, scaled to what 2 shared cores serve beside clients).
RATES = {"page": 6.0, "room_vote": 4.0, "online_vote": 2.0, "comment": 1.0}
KIOSKS, PHONES = 30, 30
CHURN_EVERY = 5.0  # seconds between a kiosk and a phone socket hanging up and coming back
SAMPLE_EVERY = 2.0  # seconds between RSS samples
WARM_UP = 0.2  # the share of the run before the memory baseline (caches, pools, lazy imports fill up)
SLOPE_LIMIT = 1.0  # MB per minute per process: what an evening of 5 hours may add is 300 MB at most
SETTLE = 30.0


def run(ctx, *, seconds: float | None = None) -> dict:
    from bench.seed import device_cookies
    from participation.models import Contribution, Vote
    from participation.selectors import proposal_results

    seconds = seconds or ctx.sizes.get("soak_seconds", 600)
    room = ctx.seeded.room
    online = room.proposals[2:]
    votes_before = Vote.objects.filter(proposal_id__in=room.proposals).count()
    comments_before = Contribution.objects.filter(consultation_id=room.consultation).count()
    room_votes = int(RATES["room_vote"] * seconds) + 10
    params = {
        "seconds": seconds,
        "code": room.code,
        "consultation": room.consultation,
        "shown": room.shown,
        "pages": [*ctx.seeded.pages.values(), ctx.kiosk()["snapshot_path"]],
        "devices": device_cookies(room_votes + PHONES * int(seconds / CHURN_EVERY + 2)),
        "pairs": [[s, p] for p in online for s in ctx.seeded.sessions],
        **ctx.kiosk(),
    }
    sampler = Sampler(ctx.stack.pids)
    sampler.start()
    try:
        result = ctx.client("soak", params, timeout=seconds + 600)
    finally:
        sampler.stop()
    votes = Vote.objects.filter(proposal_id__in=room.proposals).count() - votes_before
    comments = Contribution.objects.filter(consultation_id=room.consultation).count() - comments_before
    totals = proposal_results(proposal_ids=[room.shown])[room.shown]
    saved_votes = result["saved"]["room_vote"] + result["saved"]["online_vote"]
    exact_sockets = sum(n for text, n in result["last_totals"].items() if json.loads(text) == totals)
    memory = sampler.summary(warm_up=WARM_UP * seconds)
    facts = {
        **result,
        "db_votes": votes,
        "db_comments": comments,
        "db_totals": totals,
        "sockets_exact": exact_sockets,
        "memory": memory,
        "rss_samples": sampler.samples,
    }
    ctx.facts["soak"] = facts
    scenario = "soak"
    minutes = f"{seconds / 60:g} min"
    for kind, figures in result["kinds"].items():
        ctx.figure(scenario, f"{kind}: requests in {minutes}", figures["n"], "")
        ctx.figure(scenario, f"{kind}: p50", figures["p50"], "ms")
        ctx.figure(scenario, f"{kind}: p95", figures["p95"], "ms")
    ctx.figure(scenario, "socket reconnects (hang up, come back)", result["reconnects"], "")
    ctx.figure(scenario, "kiosks on the snapshot's totals, after the last request", result["settled"], "s")
    ctx.figure(scenario, "errors (5xx, failed, refused)", result["errors_total"], "", target="== 0")
    ctx.figure(scenario, "votes in the DB - votes answered saved", votes - saved_votes, "", target="== 0")
    ctx.figure(
        scenario,
        "comments in the DB - comments answered saved",
        comments - result["saved"]["comment"],
        "",
        target="== 0",
    )
    ctx.figure(
        scenario,
        "kiosk sockets ending on the DB totals",
        100.0 * exact_sockets / result["sockets"],
        "%",
        target="== 100",
    )
    for figures in memory.values():
        label = f"ASGI process {figures['index'] + 1}"
        ctx.figure(scenario, f"{label}: RSS after warm-up", figures["start_mb"], "MB")
        ctx.figure(scenario, f"{label}: RSS at the end", figures["end_mb"], "MB")
        ctx.figure(scenario, f"{label}: RSS peak", figures["peak_mb"], "MB")
        ctx.figure(scenario, f"{label}: RSS slope", figures["slope_mb_per_min"], "MB/min", target=f"<= {SLOPE_LIMIT}")
    return facts


class Sampler:
    """Samples the resident memory of the given processes every SAMPLE_EVERY seconds, on a thread."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.samples: list[tuple[float, list[int]]] = []  # (seconds since start, KiB per pid)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, name="soak-rss", daemon=True)
        self.started = time.monotonic()

    def start(self) -> None:
        self.started = time.monotonic()
        self.thread.start()

    def _sample(self) -> None:
        while True:
            self.samples.append((time.monotonic() - self.started, [rss_kib(pid) for pid in self.pids]))
            if self.stopped.wait(SAMPLE_EVERY):
                return

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def summary(self, *, warm_up: float) -> dict:
        """Per process: RSS after the warm-up, at the end, the peak (MB) and the least-squares slope (MB/min)."""
        steady = [(at, kib) for at, kib in self.samples if at >= warm_up] or self.samples
        result = {}
        for index, pid in enumerate(self.pids):
            points = [(at, kib[index] / 1024) for at, kib in steady]
            result[pid] = {
                "index": index,
                "start_mb": round(points[0][1], 1),
                "end_mb": round(points[-1][1], 1),
                "peak_mb": round(max(mb for _, kib in self.samples for mb in [kib[index] / 1024]), 1),
                "slope_mb_per_min": round(slope(points) * 60, 2),
            }
        return result


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y) points; 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


# --- the client process ------------------------------------------------------------------


async def client(params: dict) -> dict:
    parts = urlsplit(params["url"])
    origin = f"http://{parts.hostname}:{parts.port}"
    pool = HttpPool(params["url"], limit=256)
    load = Load(pool, params)
    kiosk_url = params["ws_url"] + params["socket_path"]
    phone_url = params["ws_url"] + f"/ws/live/{params['code']}/"
    devices = iter(params["devices"])

    async def kiosk():
        return await open_socket(kiosk_url, origin=origin, cookies=params["socket_cookies"])

    async def phone():
        return await open_socket(phone_url, origin=origin, cookies={"bf_device": next(devices)})

    kiosks = await open_sockets(KIOSKS, kiosk_url, origin=origin, cookies=params["socket_cookies"])
    phones = [await phone() for _ in range(PHONES)]
    reconnects = 0
    try:
        await ping_all(kiosks + phones)
        started = time.monotonic()
        senders = [asyncio.create_task(load.paced(kind, rate, params["seconds"])) for kind, rate in RATES.items()]
        rng = random.Random(7)
        # Churn stops one period before the end: every socket open at the end has seen the last votes' frames.
        while time.monotonic() - started < params["seconds"] - 2 * CHURN_EVERY:
            await asyncio.sleep(CHURN_EVERY)
            for sockets, opener in ((kiosks, kiosk), (phones, phone)):
                index = rng.randrange(len(sockets))
                await close_sockets([sockets[index]])
                try:
                    sockets[index] = await opener()
                    reconnects += 1
                except (OSError, TimeoutError) as error:
                    load.fail("socket", error)
        await asyncio.gather(*senders)
        await ping_all(kiosks + phones)  # every socket still answers
        settled = await settle(parts.hostname, parts.port, params, kiosks, params["shown"], limit=SETTLE)
        last_totals = Counter(json.dumps(newest_totals(s, params["shown"]), sort_keys=True) for s in kiosks)
        return {
            "seconds": time.monotonic() - started,
            "kinds": {kind: summary_ms(times) for kind, times in load.latencies.items()},
            "saved": {kind: load.saved[kind] for kind in RATES},
            "statuses": {kind: {str(k): v for k, v in c.items()} for kind, c in load.statuses.items()},
            "errors": load.errors[:20],
            "errors_total": load.error_count,
            "reconnects": reconnects,
            "sockets": len(kiosks),
            "settled": settled,
            "last_totals": dict(last_totals),
        }
    finally:
        pool.close()
        await close_sockets(kiosks + phones)


class Load:
    """Sends one kind of request at a steady rate and keeps what was answered."""

    EXPECTED = {"page": 200, "room_vote": 200, "online_vote": 200, "comment": 201}

    def __init__(self, pool: HttpPool, params: dict):
        self.pool, self.params = pool, params
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.saved: Counter = Counter()
        self.voted_pairs: set[int] = set()
        self.errors: list[str] = []
        self.error_count = 0
        self.devices = iter(reversed(params["devices"]))  # the phones' sockets take them from the front

    def fail(self, kind: str, error) -> None:
        self.error_count += 1
        self.errors.append(f"{kind}: {error!r}"[:300])

    async def paced(self, kind: str, rate: float, seconds: float) -> None:
        count = int(rate * seconds)
        started = time.monotonic()
        tasks = []
        for index in range(count):
            await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
            tasks.append(asyncio.create_task(self.one(kind, index)))
        await asyncio.gather(*tasks)

    async def one(self, kind: str, index: int) -> None:
        try:
            response = await self.send(kind, index)
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as error:
            self.fail(kind, error)
            return
        self.statuses[kind][response.status] += 1
        if response.status != self.EXPECTED[kind]:
            self.fail(kind, f"HTTP {response.status}: {response.body[:200]!r}")
            return
        self.latencies[kind].append(response.seconds)
        if kind == "online_vote":
            self.voted_pairs.add(index % len(self.params["pairs"]))
            self.saved[kind] = len(self.voted_pairs)  # a second vote of the same citizen changes, not adds
        elif kind != "page":
            self.saved[kind] += 1

    async def send(self, kind: str, index: int):
        params = self.params
        if kind == "page":
            pages = params["pages"]
            path = pages[index % len(pages)]
            cookies = {"bf_token": params["snapshot_cookies"]["bf_token"]} if "snapshot" in path else None
            return await self.pool.get(path, cookies=cookies)
        if kind == "room_vote":
            cookies = {"bf_device": next(self.devices), "csrftoken": CSRF}
            body = {"proposal": params["shown"], "choice": CHOICES[index % 3]}
            return await self.pool.post_json(f"/api/v1/rooms/{params['code']}/vote/", body, cookies=cookies)
        session, proposal = params["pairs"][index % len(params["pairs"])]
        cookies = {"sessionid": session, "csrftoken": CSRF}
        if kind == "online_vote":
            choice = CHOICES[(index // len(params["pairs"]) + index) % 3]
            return await self.pool.post_json(f"/api/v1/proposals/{proposal}/vote/", {"choice": choice}, cookies=cookies)
        body = {"consultation": params["consultation"], "text": f"Ein Gedanke zum Platz, Nummer {index}."}
        return await self.pool.post_json("/api/v1/contributions/", body, cookies=cookies)
