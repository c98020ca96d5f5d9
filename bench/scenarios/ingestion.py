"""Ingestion: the highest vote rate the stack sustains with p95 < 200 ms, every vote answered and counted.
The rate steps up (open loop: votes leave on schedule whatever the answers take) until a step fails. Two
kinds of votes: logged-in citizens online (session + CSRF) and room phones (device cookie). Floor: a
trivial POST view on the same stack (same nginx, processes and middleware), stepped the same way."""

from __future__ import annotations

import asyncio
import time

from bench.client import HttpPool, paced, summary_ms

P95_LIMIT_MS = 200
CSRF = "benchbenchbenchbenchbenchbench12"
CHOICES = ("support", "oppose", "abstain")


def run(ctx) -> None:
    from bench.seed import device_cookies
    from participation.models import Vote

    room = ctx.seeded.room
    rates, seconds = ctx.sizes["ingestion_rates"], ctx.sizes["ingestion_seconds"]
    most = int(sum(rates) * seconds)
    online_proposals = room.proposals[2:]
    sessions = ctx.seeded.sessions[: ctx.sizes["ingestion_accounts"]]
    kinds = {
        "online": {
            "pairs": [[s, p] for p in online_proposals for s in sessions],
            "proposals": online_proposals,
        },
        "room": {"devices": device_cookies(most), "code": room.code, "proposal": room.shown, "proposals": [room.shown]},
        "floor": {"sessions": sessions},
    }
    best = {}
    for kind, params in kinds.items():
        before = Vote.objects.filter(proposal_id__in=params.get("proposals", [])).count()
        result = ctx.client("ingestion", {"kind": kind, "rates": rates, "seconds": seconds, **params}, timeout=1800)
        counted = Vote.objects.filter(proposal_id__in=params.get("proposals", [])).count() - before
        exact = kind == "floor" or counted == result["ok"]
        passed = [step for step in result["steps"] if step["passed"]]
        best[kind] = (max(step["achieved"] for step in passed) if passed and exact else 0.0, exact)
        ctx.facts[f"ingestion-{kind}"] = {**result, "counted": None if kind == "floor" else counted, "exact": exact}
    floor = best["floor"][0]
    for kind, label in (("online", "online votes, logged in"), ("room", "room phone votes")):
        rate, exact = best[kind]
        note = "" if exact else "counts NOT exact"
        ctx.figure(
            "ingestion", f"best votes/s, p95 < 200 ms: {label}", rate, "/s", floor=floor, target=">= 500", note=note
        )


async def client(params: dict) -> dict:
    pool = HttpPool(params["url"], limit=1024)
    used, ok, steps = 0, 0, []
    try:
        for rate in params["rates"]:
            count = int(rate * params["seconds"])
            available = _available(params) - used
            if count > available:
                steps.append({"rate": rate, "passed": False, "note": f"only {available} votes left to send"})
                break
            first = used
            started = time.monotonic()
            responses = await paced(count, params["seconds"], lambda i, base=first: _send(pool, params, base + i))
            used += count
            good = [r for r in responses if not isinstance(r, BaseException) and r.status == 200]
            ok += len(good)
            last = max((r.answered_at for r in good), default=started)
            latency = summary_ms(r.seconds for r in good)
            achieved = len(good) / max(1e-9, last - started)
            passed = len(good) == count and latency["p95"] < P95_LIMIT_MS and achieved >= 0.9 * rate
            failures = [
                r.status if not isinstance(r, BaseException) else repr(r)[:80] for r in responses if r not in good
            ]
            steps.append(
                {
                    "rate": rate,
                    "achieved": achieved,
                    "latency": latency,
                    "failed": len(failures),
                    "failures": failures[:5],
                    "passed": passed,
                }
            )
            if not passed:
                break
            await asyncio.sleep(0.5)  # the servers drain between steps
    finally:
        pool.close()
    return {"steps": steps, "ok": ok, "sent": used}


def _available(params: dict) -> int:
    return {"online": len(params.get("pairs", ())), "room": len(params.get("devices", ()))}.get(params["kind"], 10**9)


async def _send(pool: HttpPool, params: dict, index: int):
    kind = params["kind"]
    if kind == "online":
        session, proposal = params["pairs"][index]
        cookies = {"sessionid": session, "csrftoken": CSRF}
        return await pool.post_json(
            f"/api/v1/proposals/{proposal}/vote/", {"choice": CHOICES[index % 3]}, cookies=cookies
        )
    if kind == "room":
        cookies = {"bf_device": params["devices"][index], "csrftoken": CSRF}
        body = {"proposal": params["proposal"], "choice": CHOICES[index % 3]}
        return await pool.post_json(f"/api/v1/rooms/{params['code']}/vote/", body, cookies=cookies)
    sessions = params["sessions"]
    cookies = {"sessionid": sessions[index % len(sessions)], "csrftoken": CSRF}
    return await pool.post_json("/bench/trivial-post/", {"choice": CHOICES[index % 3]}, cookies=cookies)
