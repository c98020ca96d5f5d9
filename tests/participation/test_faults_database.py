"""PostgreSQL restarts while citizens vote: every vote is either saved and reported saved (200), or not saved and
reported failed (503 with a message in the user's language, forum.database_errors); never a 500, never a vote
counted but reported failed, none lost.

The server runs on a PostgreSQL cluster of the test's own (tests/support/postgres.py), restarted twice
(``pg_ctl restart -m fast``: sessions cut, open transactions rolled back) during the loop; the machine's shared
PostgreSQL is never touched. The cluster gets the run's migrated test database by pg_dump (``manage.py
migrate`` on it took 112 s on this machine, the copy a few seconds) and its data from a process of its own
(tests/support/seed_votes.py); the votes are compared with its rows at the end.

What "honest" means here: the vote API reads the totals it answers with before the vote commits, so a database
lost at any point before COMMIT rolls the vote back and the 503 is true. Only a connection cut during COMMIT
itself leaves the server unable to know; a vote sent again is the same vote (one per citizen and proposal), so
the 503's "please try again" is safe even then. The test fails on any vote whose row disagrees with its answer.
"""

from __future__ import annotations

import json
import re
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.support import postgres
from tests.support.needs import require, require_postgresql
from tests.support.server import ServerProcess, csrf_cookie, new_channel_prefix, vote

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(240),
]

PROPOSALS = 30
CITIZENS = 3
CHOICES = ("support", "oppose", "abstain")
NOTHING = re.compile(r"(?!)")  # no exception the server logs is expected: a lost database is answered 503
UNAVAILABLE = "Die Datenbank ist gerade nicht erreichbar"


@pytest.mark.parametrize("pool_size", ["10", "0"], ids=["pool", "no-pool"])
def test_votes_across_postgresql_restarts_are_saved_or_reported_failed_never_lost(
    tmp_path, transactional_db, pool_size
):
    require_postgresql()
    require(postgres.available(), "postgresql", "apt-get install postgresql-15 (initdb, pg_ctl; run as postgres)")
    started = time.monotonic()
    with postgres.PostgresProcess() as cluster:
        cluster.load(connection.settings_dict)
        env = {"SECRET_KEY": settings.SECRET_KEY, "DEBUG": "1"}
        seeded = json.loads(cluster.python("-m", "tests.support.seed_votes", str(PROPOSALS), str(CITIZENS), env=env))
        ready_in = time.monotonic() - started
        server = ServerProcess(
            mail_dir=tmp_path / "mail",
            channel_prefix=new_channel_prefix(),
            # With the pool (the default) a request waits for a connection the pool checked; without it, each
            # request connects afresh (CONN_MAX_AGE 0) and one made during the restart fails at once.
            extra_env={"DATABASE_URL": cluster.url, "REDIS_URL": "", "DATABASE_POOL_SIZE": pool_size},
        )
        try:
            csrf = csrf_cookie(server)
            outcomes: list[tuple[int, int, str, object]] = []  # (user id, proposal id, choice, VoteResult)

            def citizen(index: int) -> None:
                session, user = seeded["sessions"][index], seeded["users"][index]
                for n, proposal in enumerate(seeded["proposals"]):
                    choice = CHOICES[(index + n) % len(CHOICES)]
                    result = vote(server, session=session, csrf=csrf, proposal_id=proposal, choice=choice)
                    outcomes.append((user, proposal, choice, result))
                    time.sleep(0.05)

            threads = [threading.Thread(target=citizen, args=(i,)) for i in range(CITIZENS)]
            loop_started = time.monotonic()
            for thread in threads:
                thread.start()
            restarts = []
            for at in (0.6, 1.8):
                time.sleep(max(0, loop_started + at - time.monotonic()))
                before = time.monotonic()
                cluster.restart()
                restarts.append(time.monotonic() - before)
            for thread in threads:
                thread.join(timeout=120)
            loop_took = time.monotonic() - loop_started
        finally:
            server.stop()
        with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as db:
            rows = db.execute(
                "SELECT p.user_id, v.proposal_id, v.choice FROM participation_vote v"
                " JOIN participation_participant p ON p.id = v.participant_id"
            ).fetchall()
    saved = {(user, proposal): choice for user, proposal, choice in rows}

    statuses = sorted({result.status for *_, result in outcomes})
    assert len(outcomes) == PROPOSALS * CITIZENS
    assert set(statuses) <= {200, 503}, [(r.status, r.body) for *_, r in outcomes if r.status not in (200, 503)]
    reported_saved = [(u, p, c) for u, p, c, r in outcomes if r.status == 200]
    reported_failed = [(u, p, c, r) for u, p, c, r in outcomes if r.status == 503]
    assert all(saved.get((u, p)) == c for u, p, c in reported_saved), "a vote reported saved is not in the database"
    counted_but_failed = [(u, p) for u, p, _, _ in reported_failed if (u, p) in saved]
    assert not counted_but_failed, f"votes saved but reported failed: {counted_but_failed}"
    assert all(r.body["detail"].startswith(UNAVAILABLE) for *_, r in reported_failed), reported_failed[:3]
    assert len(saved) == len(reported_saved), "a vote is in the database that no answer reported"
    unexpected = server.failures_besides(NOTHING)
    assert not unexpected, "the server failed otherwise than by answering 503:\n" + "\n".join(unexpected)
    label = f"pool of {pool_size}" if int(pool_size) else "no pool"
    took = ", ".join(f"{seconds * 1000:.0f}" for seconds in restarts)
    print(
        f"\n[postgres restarts, {label}] cluster ready in {ready_in:.1f} s (initdb, pg_dump copy, seed);"
        f" {len(restarts)} restarts of {took} ms"
    )
    print(
        f"  {len(outcomes)} votes in {loop_took:.1f} s: {len(reported_saved)} saved (200),"
        f" {len(reported_failed)} failed (503), 0 lost, 0 counted but reported failed"
    )
