"""Pages: the consultation page with many comments, its proposal's page and the home page, anonymous and
logged in, fetched one after another on a keep-alive connection: median and p95 as multiples of a trivial
Django view on the same stack. Query counts are read in this process (CaptureQueriesContext), and again on a
consultation with few comments: a page whose count grows with its comments does a query per comment."""

from __future__ import annotations

from bench.client import HttpPool, summary_ms

TARGETS = {"anonymous": "ratio <= 3", "logged in": "ratio <= 10"}  # issue 8


def run(ctx) -> None:
    pages = ctx.seeded.pages
    session = ctx.seeded.sessions[0]
    paths = {name: pages[name] for name in ("consultation", "proposal", "home")}
    result = ctx.client(
        "pages", {"paths": paths, "session": session, "requests": ctx.sizes["page_requests"]}, timeout=1800
    )
    ctx.facts["pages"] = result
    trivial = result["trivial"]
    for name, path in paths.items():
        for who in ("anonymous", "logged in"):
            timing = result["pages"][f"{name}/{who}"]
            if timing["status"] != 200:
                ctx.figure("pages", f"{name}, {who}", None, "", note=f"HTTP {timing['status']}")
                continue
            label = f"{name}, {who}" + (f" ({ctx.sizes['comments']:,} comments)" if name == "consultation" else "")
            for share in ("p50", "p95"):
                ctx.figure("pages", f"{label}, {share}", timing[share], "ms", floor=trivial[share], target=TARGETS[who])
            queries = _queries(path, session if who == "logged in" else None)
            small = (
                _queries(pages["small_" + name], session if who == "logged in" else None)
                if f"small_{name}" in pages
                else None
            )
            constant = "" if small is None else f"{small} with {ctx.sizes['small_comments']} comments"
            ctx.figure(
                "pages",
                f"{name}, {who}: queries",
                queries,
                "",
                target=f"== {small}" if small is not None else "",
                note=constant,
            )


def _queries(path: str, session: str | None) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    client.get(path)  # warm: the first request of a process reads what later ones find cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries)


async def client(params: dict) -> dict:
    pool = HttpPool(params["url"], limit=1)
    requests = params["requests"]

    async def timed(path: str, cookies: dict | None) -> dict:
        for _ in range(3):  # warm
            response = await pool.get(path, cookies=cookies)
        seconds, bytes_ = [], len(response.body)
        for _ in range(requests):
            response = await pool.get(path, cookies=cookies)
            seconds.append(response.seconds)
        return {**summary_ms(seconds), "status": response.status, "bytes": bytes_}

    try:
        result = {"trivial": await timed("/bench/trivial/", None), "pages": {}}
        for name, path in params["paths"].items():
            result["pages"][f"{name}/anonymous"] = await timed(path, None)
            result["pages"][f"{name}/logged in"] = await timed(path, {"sessionid": params["session"]})
        result["trivial_after"] = await timed("/bench/trivial/", None)
        return result
    finally:
        pool.close()
