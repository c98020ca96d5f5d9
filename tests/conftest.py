"""Fixtures every part of the suite shares. Tests use the real database of the run (SQLite by default,
PostgreSQL with DATABASE_URL) and the real Redis with REDIS_URL.

Helpers live in tests/support/ (imported by name; what a test needs beyond Python: tests.support.needs),
fixtures of one app in its conftest (tests/participation/, tests/forum/, tests/cms/, tests/e2e/). No
test module imports another test module or a conftest (tests/test_layout.py)."""

import pytest
from django.core.cache import cache

from tests.support import factories


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated state (serialized_rollback), whatever its file says.

    Django restores that state by inserting it, and a flush after a test that restores it leaves the
    tables empty; a flush after one that does not re-creates the content types instead. Mixed, the order
    of the files decides: an insert that collides (IntegrityError on django_content_type), or a test that
    starts without content types or Wagtail's root page. All alike, each starts from the migrated state.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        transactional = (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & fixtures
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _tasks_in_the_request(settings):
    # Eager tasks run inside the request that queues them, where a test can wait for them
    # (tests/participation/test_twin_import_admin.py checks the background thread of the embedded default).
    settings.TASKS_IN_BACKGROUND_WITHOUT_WORKER = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def home(db):
    return factories.home_page()


@pytest.fixture
def citizen(db):
    return factories.CitizenFactory()


@pytest.fixture
def voting_consultation(db):
    return factories.consultation("vote")


@pytest.fixture
def participating_consultation(db):
    return factories.consultation("participate")


@pytest.fixture
def proposal(voting_consultation):
    return factories.proposal(voting_consultation)
