"""The bench, small, in CI (bench/ is the full one, ``make bench``): through nginx and the shipped ASGI command,
on the configuration this run tests (PostgreSQL + Redis with 2 processes when REDIS_URL is set, else the
embedded default with 1), 100 kiosk sockets watch while 100 phones vote within one second, then 100 screens
reconnect at once. It fails unless every socket ends on the database's totals, every vote is counted exactly
once, and every screen gets its socket and snapshot. Timings are printed (``pytest -s``), never asserted."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from bench import seed
from bench.context import Context
from bench.figures import table
from bench.scenarios import burst, storm
from bench.stack import Floor, Stack, server_env
from tests.support.needs import require_nginx
from tests.support.server import database_url

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

SOCKETS = PHONES = 100


def test_a_small_bench_ends_every_socket_on_the_database_totals_and_counts_every_vote(tmp_path):
    require_nginx()
    redis_url = os.environ.get("REDIS_URL") or None
    config = "production" if redis_url else "embedded"
    seeded = seed.Seeded(room=seed.room())
    env = server_env(
        workdir=tmp_path,
        database_url=database_url(),
        redis_url=redis_url,
        static_root=tmp_path / "static",
        secret_key=settings.SECRET_KEY,
        # Debug serves static files from the finders: no collectstatic, so the test stays cheap.
        debug=True,
    )
    with Stack(env=env, processes=2 if redis_url else 1, workdir=tmp_path) as stack:
        ctx = Context(config=config, stack=stack, floor=None, seeded=seeded, sizes={"storm": [SOCKETS]})
        with Floor(tmp_path / "floor", frame_bytes=ctx.results_frame_bytes()) as floor:
            ctx.floor = floor
            voted = burst.run(ctx, phones=PHONES, sockets=SOCKETS, window=1.0)
            storm.run(ctx)
    print(f"\n[small bench, {config}]\n{table([figure.as_dict() for figure in ctx.figures])}")

    assert stack.errors() == []
    for over in ("socket", "http"):  # the phone page's way, and its fallback
        facts = voted[over]
        assert facts["ok"] == PHONES, facts
        assert facts["counted"] == PHONES and facts["votes_lost"] == 0
        assert facts["sockets_exact"] == SOCKETS, facts["last_totals"]
    assert sum(voted["http"]["db_totals"].values()) == 2 * PHONES
    for who in ("phones", "screens"):
        storm_facts = ctx.facts[f"storm-{who}-{SOCKETS}"]
        assert storm_facts["stack"]["ok"] == SOCKETS, storm_facts
