"""Reconnect storm: N kiosk screens come back at once (after a Wi-Fi blip): each opens its socket and fetches
the snapshot, as the kiosk page does; the figure is the time until the last has both. Floor: N sockets
opened at once on the bare server, each sent the current state on connect."""

from __future__ import annotations

import asyncio
import time

from bench.client import HttpConnection, close_sockets, open_socket, results_totals, summary_ms, wait_until

TARGET = "ratio <= 3"  # issue 8: a reconnect storm of 1,000 sockets <= 3x its floor


def run(ctx) -> None:
    for count in ctx.sizes["storm"]:
        result = ctx.client(
            "storm", {"mode": "stack", "count": count, "proposal": ctx.seeded.room.shown, **ctx.kiosk()}
        )
        floor = ctx.client("storm", {"mode": "floor", "count": count})
        ctx.facts[f"storm-{count}"] = {"stack": result, "floor": floor}
        ctx.figure(
            "reconnect storm",
            f"{count:,} sockets open at once, last has the state",
            result["seconds"],
            "s",
            floor=floor["seconds"],
            target=TARGET if count >= 1000 else "",
        )
        ctx.figure(
            "reconnect storm",
            f"{count:,} screens got socket and snapshot",
            100.0 * result["ok"] / count,
            "%",
            target="== 100",
        )


async def client(params: dict) -> dict:
    return await (_stack(params) if params["mode"] == "stack" else _floor(params))


async def _stack(params: dict) -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(params["url"])
    origin = f"http://{parts.hostname}:{parts.port}"
    url = params["ws_url"] + params["socket_path"]

    async def screen():
        socket = await open_socket(url, origin=origin, cookies=params["socket_cookies"])
        opened = time.monotonic()
        http = HttpConnection(parts.hostname, parts.port)
        try:
            response = await http.request(
                "GET", params["snapshot_path"], headers={"Cookie": f"bf_token={params['snapshot_cookies']['bf_token']}"}
            )
        finally:
            http.close()
        ok = response.status == 200 and results_totals(response.body.decode(), params["proposal"]) is not None
        return socket, ok, time.monotonic(), opened

    started = time.monotonic()
    outcomes = await asyncio.gather(*(screen() for _ in range(params["count"])), return_exceptions=True)
    sockets = [o[0] for o in outcomes if isinstance(o, tuple)]
    done = [o[2] for o in outcomes if isinstance(o, tuple) and o[1]]
    opened = [o[3] - started for o in outcomes if isinstance(o, tuple)]
    errors = [repr(o)[:200] for o in outcomes if isinstance(o, BaseException)][:5]
    await close_sockets(sockets)
    return {
        "seconds": max(done) - started if done else None,
        "ok": len(done),
        "sockets_open": summary_ms(opened),  # from the start, when each socket was accepted
        "errors": errors,
    }


async def _floor(params: dict) -> dict:
    started = time.monotonic()
    sockets = await asyncio.gather(*(open_socket(params["floor_url"] + "/") for _ in range(params["count"])))
    await wait_until(lambda: all(s.frames for s in sockets), 60, step=0.002)
    seconds = max(s.frames[0][0] for s in sockets) - started
    await close_sockets(list(sockets))
    return {"seconds": seconds}
