"""/healthz: what operators and the load balancer ask before sending traffic."""

import os

from django.test import Client


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
