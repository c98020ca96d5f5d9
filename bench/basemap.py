"""The twin as base map at the size of a real city (issue 9's budget): a twin of 50,000 buildings
(bench/big_twin.py), and for a 1280 x 800 browser view over its densest part at every zoom of the base
map: the twin data the view loads (its tiles, gzipped, as sent) and the server time of each tile request,
first on an empty cache, then as the site runs (tiles computed ahead by the warm task), beside the floor
(a view that does nothing, through the same middleware) measured in the same run.

    .venv/bin/python -m bench.basemap                          # SQLite in a temporary folder, local cache
    DATABASE_URL=postgres://postgres@127.0.0.1/postgres REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python -m bench.basemap                      # a database bench_basemap_* there, made and dropped
    .venv/bin/python -m bench.basemap --buildings 5000         # quicker

Server time is the time Django's handler takes for the request (middleware included), in this process.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.figures import Figure, table

VIEW = (1280, 800)  # CSS pixels of the browser's map
PAYLOAD_BUDGET = 500 * 1024
SERVER_BUDGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buildings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="warm requests per tile")
    args = parser.parse_args()
    with _database() as label:
        figures = run(buildings=args.buildings, repeat=args.repeat, config=label)
    print(table([figure.as_dict() for figure in figures]))
    sys.exit(0 if all(figure.met is not False for figure in figures) else 1)


class _database:
    """A database of the run's own: bench_basemap_* on DATABASE_URL's server, else SQLite in a temp folder."""

    def __enter__(self) -> str:
        self.url, self.folder = os.environ.get("DATABASE_URL"), tempfile.TemporaryDirectory()
        if self.url:
            self.name = f"bench_basemap_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            os.environ["DATABASE_URL"] = self.url.rsplit("/", 1)[0] + "/" + self.name
        # As the site runs (DEBUG off), in a folder of its own, with cache keys of its own on a shared Redis.
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "ALLOWED_HOSTS": "testserver",
                "SECURE_SSL_REDIRECT": "0",
                "VAR_DIR": str(Path(self.folder.name) / "var"),
                "STATIC_ROOT": self.folder.name,
                "LOG_LEVEL": "WARNING",
                "CHANNEL_LAYER_PREFIX": f"bench-{secrets.token_hex(4)}",
            }
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        return "production" if self.url else "embedded"

    def __exit__(self, *exc) -> None:
        if self.url:
            from django.db import connections

            connections.close_all()
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')  # the pool's connections too
        self.folder.cleanup()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(sql)


def run(*, buildings: int, repeat: int, config: str) -> list[Figure]:
    from django.core.cache import cache
    from django.test import Client

    from bench.big_twin import build_big_twin
    from participation import selectors, services
    from participation.twin_tiles import MAX_ZOOM, MIN_ZOOM

    figures: list[Figure] = []

    def figure(name, value, unit, **extra):
        figures.append(Figure("basemap", config, name, value, unit, **extra))
        print(f"  {name}: {value:,.1f} {unit}", file=sys.stderr, flush=True)

    started = time.monotonic()
    city = build_big_twin(buildings=buildings)
    figure("twin built", city["objects"], "objects", note=f"{city['buildings']:,} buildings")
    figure("build time", time.monotonic() - started, "s")
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    floor = _timed(client, "/bench/trivial/", repeat=50)
    center = ((city["bounds"][0] + city["bounds"][2]) / 2, (city["bounds"][1] + city["bounds"][3]) / 2)

    cache.clear()
    for zoom in range(MIN_ZOOM, MAX_ZOOM + 1):  # first requests, nothing computed yet
        cold = [_timed(client, path, repeat=1)[0] for path in _view_tiles(center, zoom)]
        figure(
            f"zoom {zoom}: first request of a tile (nothing computed yet), median",
            statistics.median(cold),
            "ms",
            floor=statistics.median(floor),
            note=f"slowest {max(cold):.0f} ms",
        )
    cache.clear()
    started = time.monotonic()
    count = services.warm_twin_tiles()
    figure("warm task: every tile of the twin computed", time.monotonic() - started, "s", note=f"{count:,} tiles")
    revision = selectors.twin_revision()
    for zoom in range(MIN_ZOOM, MAX_ZOOM + 1):
        paths = [f"{path}?v={revision}" for path in _view_tiles(center, zoom)]
        sizes = [len(client.get(path).content) for path in paths]
        times = [t for path in paths for t in _timed(client, path, repeat=repeat)]
        figure(
            f"zoom {zoom}: twin data of a {VIEW[0]}x{VIEW[1]} view",
            sum(sizes) / 1024,
            "KiB",
            target=f"<= {PAYLOAD_BUDGET / 1024:.0f}",
            note=f"{len(paths)} tiles, largest {max(sizes) / 1024:.0f} KiB",
        )
        figure(
            f"zoom {zoom}: server time per tile, slowest",
            max(times),
            "ms",
            floor=statistics.median(floor),
            target=f"<= {SERVER_BUDGET_MS:.0f}",
            note=f"median {statistics.median(times):.1f} ms",
        )
    return figures


def _view_tiles(center: tuple[float, float], zoom: int) -> list[str]:
    """The tile addresses a browser view of VIEW pixels centred on ``center`` loads at ``zoom``."""
    from participation.twin_tiles.projection import tile_range

    lon, lat = center
    world = tile_range(zoom) * 256
    cx = (lon + 180) / 360 * world
    cy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world
    xs = range(int((cx - VIEW[0] / 2) // 256), int((cx + VIEW[0] / 2) // 256) + 1)
    ys = range(int((cy - VIEW[1] / 2) // 256), int((cy + VIEW[1] / 2) // 256) + 1)
    return [f"/api/v1/twin-tiles/{zoom}/{x}/{y}.json" for y in ys for x in xs]


def _timed(client, path: str, *, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


if __name__ == "__main__":
    main()
