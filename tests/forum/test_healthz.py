"""/healthz: what operators and the load balancer ask before sending traffic."""

import os
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
import redis
from django.test import Client

from tests.support.server import new_channel_prefix


def test_healthz_reports_database_channel_layer_and_broker(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "database", "channel_layer", "broker"}
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["channel_layer"] == "ok"
    # Celery runs eagerly without Redis; with REDIS_URL the broker is really reached.
    assert body["broker"] == ("ok" if os.environ.get("REDIS_URL") else "eager")


def test_healthz_is_never_cached(db):
    response = Client().get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_and_names_the_failing_part(db, settings):
    # Channels drops its cached layers when the setting changes, and again when it is restored.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.NoSuchLayer"}}

    response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["channel_layer"].startswith("error: ")
    assert body["database"] == "ok"


# --- on the real server, with Redis: nothing stays behind, no false alarm under load -------------------------

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the Redis channel layer needs REDIS_URL")


def _redis_state(prefix: str) -> tuple[int, int, int]:
    """Clients on the run's Redis database, its channels under ``prefix``, and patterns subscribed to."""
    connection = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        database = connection.connection_pool.connection_kwargs.get("db", 0)
        clients = [client for client in connection.client_list() if int(client["db"]) == database]
        channels = connection.pubsub_channels(f"{prefix}*")
        return len(clients), len(channels), connection.pubsub_numpat()
    finally:
        connection.close()


def _healthz(server) -> int:
    try:
        with urlopen(f"{server.url}/healthz", timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


@needs_redis
def test_healthz_leaves_no_subscription_or_connection_behind(start_server):
    prefix = new_channel_prefix()
    server = start_server(prefix=prefix, redis=True)
    assert _healthz(server) == 200
    clients, channels, patterns = _redis_state(prefix)

    assert [_healthz(server) for _call in range(300)] == [200] * 300

    after = _redis_state(prefix)
    assert after[1:] == (channels, patterns)
    assert after[0] <= clients + 2  # the same connections, not one per call (other tests' processes may come)


def test_healthz_answers_200_under_concurrent_load(start_server):
    server = start_server(prefix=new_channel_prefix(), redis=bool(os.environ.get("REDIS_URL")))
    with ThreadPoolExecutor(max_workers=24) as pool:
        statuses = list(pool.map(lambda _call: _healthz(server), range(480)))
    assert statuses == [200] * 480
