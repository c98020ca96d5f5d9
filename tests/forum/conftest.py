"""Fixtures of the forum tests: the site as a whole and the physical room."""

import pytest
from django.test import Client

from tests.support import factories
from tests.support.server import FRAME_INTERVAL, ServerPool


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
