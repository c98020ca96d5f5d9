"""Memory per idle socket: the ASGI processes' resident memory with N idle kiosk sockets open, minus before,
per socket; the floor is the bare server's, measured the same way."""

from __future__ import annotations

import asyncio

from bench.client import close_sockets, open_sockets, ping_all
from bench.stack import rss_kib

TARGET = "ratio <= 1.5"  # issue 8: memory per idle socket <= 1.5x the floor's
SETTLE = 2.0  # seconds for the servers to finish their work on the new sockets before reading their memory


def run(ctx) -> None:
    count = ctx.sizes["memory"]
    result = ctx.client("memory", {"mode": "stack", "count": count, "pids": ctx.stack.pids, **ctx.kiosk()})
    floor = ctx.client("memory", {"mode": "floor", "count": count, "pids": [ctx.floor.pid]})
    ctx.facts["memory"] = {"stack": result, "floor": floor}
    ctx.figure(
        "memory",
        f"per idle socket ({count:,} kiosk sockets)",
        result["kib_per_socket"],
        "KiB",
        floor=floor["kib_per_socket"],
        target=TARGET,
    )


def _rss(pids: list[int]) -> int:
    return sum(rss_kib(pid) for pid in pids)


async def client(params: dict) -> dict:
    await asyncio.sleep(SETTLE)
    before = _rss(params["pids"])
    if params["mode"] == "stack":
        from urllib.parse import urlsplit

        parts = urlsplit(params["url"])
        sockets = await open_sockets(
            params["count"],
            params["ws_url"] + params["socket_path"],
            origin=f"http://{parts.hostname}:{parts.port}",
            cookies=params["socket_cookies"],
        )
    else:
        sockets = await open_sockets(params["count"], params["floor_url"] + "/")
    try:
        await ping_all(sockets)
        await asyncio.sleep(SETTLE)
        after = _rss(params["pids"])
    finally:
        await close_sockets(sockets)
    return {"before_kib": before, "after_kib": after, "kib_per_socket": (after - before) / params["count"]}
