"""Burst: the 2-second spike of a full room. P phones join the room (the room's page gives each its device
cookie), S kiosk sockets watch, then every phone votes on the proposal shown within WINDOW seconds. Figures:
votes/s achieved, vote latency p50/p95, the share of sockets whose last frame has exactly the database's
totals (must be 100%), frames per socket per second, votes lost (answered 200 but not in the database)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from urllib.parse import urlsplit

from bench.client import (
    HttpConnection,
    close_sockets,
    open_sockets,
    ping_all,
    results_totals,
    summary_ms,
)

CHOICES = ("support", "oppose", "abstain")
QUIET = 1.0  # seconds without frames after the last answer: every frame due has arrived
JOINS_AT_ONCE = 20


def run(ctx, *, phones: int | None = None, sockets: int | None = None, window: float | None = None) -> dict:
    """Runs the burst, adds its figures; returns the facts (the CI test asserts on them)."""
    from participation.models import Vote
    from participation.selectors import proposal_results

    room = ctx.seeded.room
    phones = phones or ctx.sizes["burst_phones"]
    sockets = sockets or ctx.sizes["burst_sockets"]
    window = window or ctx.sizes["burst_window"]
    before = Vote.objects.filter(proposal_id=room.shown).count()
    result = ctx.client(
        "burst",
        {
            "phones": phones,
            "sockets": sockets,
            "window": window,
            "code": room.code,
            "proposal": room.shown,
            **ctx.kiosk(),
        },
    )
    counted = Vote.objects.filter(proposal_id=room.shown).count() - before
    totals = proposal_results(proposal_ids=[room.shown])[room.shown]
    exact = sum(n for text, n in result["last_totals"].items() if json.loads(text) == totals)
    facts = {
        **result,
        "db_totals": totals,
        "counted": counted,
        "sockets_exact": exact,
        "votes_lost": result["ok"] - counted,
    }
    ctx.facts[f"burst-{phones}"] = facts
    scenario, label = "burst", f"{phones:,} votes in {window:g} s, {sockets:,} sockets"
    ctx.figure(scenario, f"votes/s achieved ({label})", result["votes_per_second"], "/s", target=">= 500")
    ctx.figure(scenario, "vote latency p50", result["latency"]["p50"], "ms")
    ctx.figure(scenario, "vote latency p95", result["latency"]["p95"], "ms", target="< 200")
    ctx.figure(scenario, "sockets ending on the exact DB totals", 100.0 * exact / sockets, "%", target="== 100")
    ctx.figure(scenario, "frames per socket per second (max)", result["frames_per_second_max"], "/s", target="<= 5")
    ctx.figure(scenario, "votes lost", facts["votes_lost"], "", target="== 0")
    ctx.figure(scenario, "votes refused or failed", phones - result["ok"], "", target="== 0")
    return facts


async def client(params: dict) -> dict:
    parts = urlsplit(params["url"])
    host, port, origin = parts.hostname, parts.port, f"http://{parts.hostname}:{parts.port}"
    watchers = await open_sockets(
        params["sockets"], params["ws_url"] + params["socket_path"], origin=origin, cookies=params["socket_cookies"]
    )
    phones = [HttpConnection(host, port) for _ in range(params["phones"])]
    try:
        await ping_all(watchers)
        cookies = await _join(phones, params["code"])
        marks = [len(s.frames) for s in watchers]
        path, proposal, count, window = (
            f"/api/v1/rooms/{params['code']}/vote/",
            params["proposal"],
            len(phones),
            params["window"],
        )

        async def vote(index: int):
            body = json.dumps({"proposal": proposal, "choice": CHOICES[index % 3]}).encode()
            headers = {
                "Content-Type": "application/json",
                "Cookie": cookies[index],
                "X-CSRFToken": _csrf(cookies[index]),
                "Origin": origin,
                "Referer": f"{origin}/live/{params['code']}/",
            }
            await asyncio.sleep(max(0.0, started + index * window / count - time.monotonic()))
            try:
                return await phones[index].request("POST", path, headers=headers, body=body)
            except (OSError, asyncio.IncompleteReadError) as error:
                return error

        started = time.monotonic()
        responses = await asyncio.gather(*(vote(i) for i in range(count)))
        answered = [r for r in responses if not isinstance(r, BaseException)]
        ok = [r for r in answered if r.status == 200 and r.json().get("counted")]
        last_answer = max((r.answered_at for r in answered), default=started)
        # Every frame due has arrived once the sockets are quiet for a while.
        while time.monotonic() - max([last_answer, *(s.frames[-1][0] for s in watchers if s.frames)]) < QUIET:
            await asyncio.sleep(0.1)
        last_totals: Counter = Counter()
        frames_per_second = []
        for recorder, mark in zip(watchers, marks, strict=True):
            frames = [(at, results_totals(text, proposal)) for at, text in recorder.frames[mark:]]
            frames = [(at, totals) for at, totals in frames if totals is not None]
            last_totals[json.dumps(frames[-1][1] if frames else None, sort_keys=True)] += 1
            span = max(1.0, (frames[-1][0] - started) if frames else 1.0)
            frames_per_second.append(len(frames) / span)
        refused = Counter(r.status for r in answered if r.status != 200)
        return {
            "ok": len(ok),
            "refused": {str(k): v for k, v in refused.items()},
            "failed": [repr(r)[:200] for r in responses if isinstance(r, BaseException)][:5],
            "votes_per_second": len(ok) / max(1e-9, last_answer - started),
            "latency": summary_ms(r.seconds for r in ok),
            "sent_over": max((r.sent_at for r in answered), default=started) - started,
            "last_totals": dict(last_totals),
            "frames_per_second_max": max(frames_per_second, default=0),
            "frames_per_second_mean": sum(frames_per_second) / max(1, len(frames_per_second)),
        }
    finally:
        for phone in phones:
            phone.close()
        await close_sockets(watchers)


def _csrf(cookie_header: str) -> str:
    return next(part.split("=", 1)[1] for part in cookie_header.split("; ") if part.startswith("csrftoken="))


async def _join(phones: list[HttpConnection], code: str) -> list[str]:
    """Each phone opens the room's page: its device and CSRF cookies, as a Cookie header."""
    gate = asyncio.Semaphore(JOINS_AT_ONCE)

    async def join(phone: HttpConnection) -> str:
        async with gate:
            response = await phone.request("GET", f"/live/{code}/")
        cookies = response.cookies()
        if response.status != 200 or "bf_device" not in cookies or "csrftoken" not in cookies:
            raise RuntimeError(f"joining the room failed: {response.status} {sorted(cookies)}")
        return "; ".join(f"{name}={cookies[name]}" for name in ("bf_device", "csrftoken"))

    return list(await asyncio.gather(*(join(p) for p in phones)))
