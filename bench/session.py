"""One configuration of a bench run, in a process of its own (Django is set up once per process, on that
configuration's database): a fresh database, migrated and seeded; the stack and the floor started; the
scenarios run; everything stopped and the database dropped. ``python -m bench.session CONFIG OPTIONS_JSON``
writes its figures and facts as JSON to the file the options name (bench/__main__.py starts it)."""

from __future__ import annotations

import importlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.stack import Floor, Stack, server_env

CONFIGS = {
    # name: (processes, uses PostgreSQL and Redis)
    "embedded": (1, False),
    "production": (2, True),
}
SCENARIOS = ("memory", "fanout", "storm", "burst", "ingestion", "pages", "map", "twin_import")
FANOUT_VOTES = {"full": 20, "quick": 8}
SIZES = {
    "full": {
        "fanout": [100, 1000, 2000],
        "fanout_votes": FANOUT_VOTES["full"],
        "storm": [1000],
        "memory": 1000,
        "burst_phones": 1000,
        "burst_headroom": 2000,  # a second burst over sockets, twice as dense: the rate served beyond the spike
        "burst_sockets": 1000,
        "burst_window": 2.0,
        "ingestion_rates": [25, 50, 100, 150, 200, 300, 400, 600, 800, 1200, 1600],
        "ingestion_seconds": 2.0,
        "ingestion_accounts": 3000,
        "comments": 5000,
        "small_comments": 50,
        "page_requests": 50,
        "located": 100_000,
        "map_requests": 20,
        "import_mb": 150,
    },
    "quick": {
        "fanout": [100],
        "fanout_votes": FANOUT_VOTES["quick"],
        "storm": [200],
        "memory": 200,
        "burst_phones": 200,
        "burst_headroom": 400,
        "burst_sockets": 200,
        "burst_window": 1.0,
        "ingestion_rates": [25, 50, 100, 200, 400],
        "ingestion_seconds": 1.0,
        "ingestion_accounts": 400,
        "comments": 500,
        "small_comments": 50,
        "page_requests": 20,
        "located": 10_000,
        "map_requests": 10,
        "import_mb": 10,
    },
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def database_for(config: str, options: dict) -> tuple[str | None, str | None]:
    """(DATABASE_URL, REDIS_URL) of a configuration; a fresh PostgreSQL database is created for production."""
    if not CONFIGS[config][1]:
        return None, None
    base = urlsplit(options["postgres_url"])
    name = f"bench_{secrets.token_hex(4)}"
    _admin_sql(options["postgres_url"], f'CREATE DATABASE "{name}"')
    return urlunsplit(base._replace(path=f"/{name}")), options["redis_url"]


def _admin_sql(url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(statement)


def drop_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    _admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(config: str, options: dict) -> dict:
    sizes = {**SIZES[options["size"]], **options.get("sizes", {}), "tile_dir": options["tile_dir"]}
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{config}-"))
    database_url, redis_url = database_for(config, options)
    try:
        env = server_env(
            workdir=workdir, database_url=database_url, redis_url=redis_url, static_root=Path(options["static_root"])
        )
        os.environ.clear()
        os.environ.update(env)
        return _run(config, options, sizes, env, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if database_url:
            drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


def _run(config: str, options: dict, sizes: dict, env: dict, workdir: Path) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    from bench.context import Context
    from bench.seed import seed

    log(f"{config}: migrating a fresh database")
    call_command("migrate", verbosity=0, interactive=False)
    scenarios = options["scenarios"]
    log(f"{config}: seeding")
    accounts = sizes["ingestion_accounts"] + FANOUT_VOTES[options["size"]] * len(sizes["fanout"])
    seeded = seed(
        citizens_count=accounts,
        comments=sizes["comments"] if "pages" in scenarios else 10,
        small_comments=sizes["small_comments"],
        located=sizes["located"] if "map" in scenarios else 0,
    )
    processes = CONFIGS[config][0]
    log(f"{config}: starting {processes} ASGI process(es) behind nginx, and the floor")
    with Stack(env=env, processes=processes, workdir=workdir) as stack:
        ctx = Context(config=config, stack=stack, floor=None, seeded=seeded, sizes=sizes)
        with Floor(workdir / "floor", frame_bytes=ctx.results_frame_bytes()) as floor:
            ctx.floor = floor
            for name in scenarios:
                log(f"{config}: {name}")
                started = time.monotonic()
                try:
                    importlib.import_module(f"bench.scenarios.{name}").run(ctx)
                except Exception:
                    ctx.facts[f"{name}-error"] = traceback.format_exc()[-3000:]
                    ctx.figure(name, "scenario", None, "", target="== 0", note="failed: see the results file")
                    log(f"{config}: {name} failed:\n{traceback.format_exc()}")
                log(f"{config}: {name} took {time.monotonic() - started:.0f} s")
    errors = stack.errors()
    ctx.facts["server_errors"] = errors[:50]
    ctx.figure("servers", "errors logged (tracebacks; nginx errors such as 504s)", len(errors), "", target="== 0")
    return {"figures": [f.as_dict() for f in ctx.figures], "facts": ctx.facts, "sizes": sizes}


def main() -> None:
    config, options = sys.argv[1], json.loads(sys.argv[2])
    result = run(config, options)
    Path(options["out"]).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
