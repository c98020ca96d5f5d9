"""Map: the contributions' GeoJSON (the map's endpoint) over a consultation with many located comments, at
three views (the whole city, a district, a street): median and p95 against the trivial view, bytes per view."""

from __future__ import annotations

from bench.client import HttpPool, summary_ms
from bench.seed import CITY_BOX


def views() -> dict[str, tuple[tuple[float, float, float, float], int]]:
    west, south, east, north = CITY_BOX
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    return {
        "city (zoom 13)": (CITY_BOX, 13),
        "district (zoom 15)": ((mid_lon - 0.01, mid_lat - 0.006, mid_lon + 0.01, mid_lat + 0.006), 15),
        "street (zoom 18)": ((mid_lon - 0.0012, mid_lat - 0.0008, mid_lon + 0.0012, mid_lat + 0.0008), 18),
    }


def run(ctx) -> None:
    consultation = ctx.seeded.map_consultation
    paths = {
        name: f"/api/v1/contributions/geojson/?consultation={consultation}&bbox={','.join(map(str, bbox))}&zoom={zoom}"
        for name, (bbox, zoom) in views().items()
    }
    result = ctx.client("map", {"paths": paths, "requests": ctx.sizes["map_requests"]}, timeout=1800)
    ctx.facts["map"] = result
    located = f"{ctx.sizes['located']:,} located comments"
    for name in paths:
        timing = result["views"][name]
        for share in ("p50", "p95"):
            ctx.figure("map", f"{name}, {located}, {share}", timing[share], "ms", floor=result["trivial"][share])
        ctx.figure(
            "map",
            f"{name}: bytes per view",
            timing["bytes"],
            "B",
            note=f"HTTP {timing['status']}" if timing["status"] != 200 else "",
        )


async def client(params: dict) -> dict:
    pool = HttpPool(params["url"], limit=1)

    async def timed(path: str) -> dict:
        response = await pool.get(path)
        seconds = []
        for _ in range(params["requests"]):
            response = await pool.get(path)
            seconds.append(response.seconds)
        return {**summary_ms(seconds), "status": response.status, "bytes": len(response.body)}

    try:
        return {
            "trivial": await timed("/bench/trivial/"),
            "views": {name: await timed(path) for name, path in params["paths"].items()},
        }
    finally:
        pool.close()
