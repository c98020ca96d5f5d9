"""Fixtures of the forum tests: the site as a whole and the physical room."""

import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import Client

from participation.live import publisher
from tests.support import factories
from tests.support.server import FRAME_INTERVAL, ServerPool, new_channel_prefix


@pytest.fixture
def start_server(tmp_path, transactional_db):
    """Starts uvicorn processes; every one is stopped when the test ends, pass or fail."""
    pool = ServerPool(tmp_path, LIVE_FRAME_INTERVAL=str(FRAME_INTERVAL))
    yield pool.start
    errors = pool.stop_all()
    assert not errors, "the servers logged errors:\n" + "\n".join(errors)


@pytest.fixture
def moderator(db):
    return factories.moderator()


@pytest.fixture
def phone(db):
    """A phone in the room: a browser that asks for English pages and keeps its cookies."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def live_layer(settings):
    """A fresh layer per test (each test runs its own event loop), under a
    prefix of its own when Redis is shared with other runs."""
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [redis_url], "prefix": new_channel_prefix()},
            }
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.LIVE_FRAME_INTERVAL = 0.2
    yield
    async_to_sync(get_channel_layer().flush)()
    publisher.close()  # its reading thread's database connection, before the test database goes
