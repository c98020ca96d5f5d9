"""Fixtures every part of the suite shares. Tests use the real database of the run (SQLite by default,
PostgreSQL with DATABASE_URL) and the real Redis with REDIS_URL.

Helpers live in tests/support/ (imported by name; what a test needs beyond Python: tests.support.needs),
fixtures of one app in its conftest (tests/participation/, tests/forum/, tests/cms/, tests/e2e/). No
test module imports another test module or a conftest (tests/test_layout.py)."""

import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck, settings

from participation.live import publisher
from tests.support import factories
from tests.support.properties import CASES
from tests.support.server import new_channel_prefix

# Property-based tests: a bounded number of examples, the same ones on every run (derandomized, no example
# database), no deadline (a database round trip varies), and fixtures shared by the examples of a test
# (each example that writes undoes its writes: tests.support.properties.rolled_back).
settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# HYPOTHESIS_PROFILE=deep (more examples, random) for a longer search by hand.
settings.register_profile("deep", settings.get_profile("ci"), max_examples=1000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    """The number of generated cases per surface of the property-based tests run."""
    if CASES:
        terminalreporter.section("hypothesis: cases tried per surface")
        for surface, count in sorted(CASES.items()):
            terminalreporter.write_line(f"{count:6d}  {surface}")
        terminalreporter.write_line(f"{CASES.total():6d}  in all")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (tests in a transaction first, then transactional ones, then the rest):
    among the transactional tests, those that restore the migrated state (serialized_rollback) come first.
    Django restores it by inserting it; after a transactional test without it, whose flush re-creates the
    content types, that insert collides (IntegrityError on django_content_type). Those without it come
    last, whatever their files: the first of them (tests/forum/test_seed_demo.py) makes what it needs."""
    items.sort(key=lambda item: (_database_group(item), not _restores_state(item)))


def _database_group(item) -> int:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


def _restores_state(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.fixture(autouse=True)
def _content_types_after_a_restoring_test(request):
    """A transactional test that does not restore the migrated state may follow one that did, whose flush
    left the tables empty: it gets the content types and permissions back (as a flush that re-creates them
    would), and no stale content type from the process' cache."""
    if _database_group(request.node) == 1 and not _restores_state(request.node):
        request.getfixturevalue("transactional_db")
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.sql import emit_post_migrate_signal

        ContentType.objects.clear_cache()
        if not ContentType.objects.exists():
            emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _site_language():
    # The test client leaves the language of its last request active in the thread (LocaleMiddleware sets it,
    # nothing resets it): every test starts in the site's language, whatever the test before asked in.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield


@pytest.fixture(autouse=True)
def _tasks_in_the_request(settings):
    # Eager tasks run inside the request that queues them, where a test can wait for them
    # (tests/participation/test_twin_import_admin.py checks the background thread of the embedded default).
    settings.TASKS_IN_BACKGROUND_WITHOUT_WORKER = False


@pytest.fixture(autouse=True)
def _schedule_run_by_the_test(settings):
    # Sockets tested in-process (Channels' communicator) go through forum.asgi, which would start the periodic
    # run on each test's loop; tests run it themselves (tests/participation/test_services_phases.py). Servers
    # started as processes run it as configured.
    settings.SCHEDULE_IN_PROCESS = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    """Uploads (the twin files of an import, images) go to the test's folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


@pytest.fixture
def rated_proposal(db):
    """A proposal of a consultation voted on with a rating from 1 to 5, open for voting."""
    return factories.proposal(factories.consultation("vote", voting_method="rating"))


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
