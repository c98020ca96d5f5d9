"""Shared fixtures. Tests use the real database of the run (SQLite by default,
PostgreSQL with DATABASE_URL) and the real Redis with REDIS_URL."""

import os
import shutil

import pytest
from django.core.cache import cache

from tests.support import factories

# A test that needs something this machine lacks skips with what to install.
# REQUIRE lists what a run must have (e.g. "chromium" or "all"; .ci/run sets
# it): for those, the skip becomes a failure.
REQUIRED = {item.strip() for item in os.environ.get("REQUIRE", "").split(",") if item.strip()}


def require(condition: bool, need: str, how: str) -> None:
    """Skip when ``condition`` is false, or fail if this run requires ``need``."""
    if condition:
        return
    if need in REQUIRED or "all" in REQUIRED:
        pytest.fail(f"this run requires {need}: {how}")
    pytest.skip(f"needs {need}: {how}")


def require_chromium() -> str:
    path = shutil.which("chromium")
    require(path is not None, "chromium", "apt-get install chromium (Debian's build; no browser download)")
    return path


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "redis", "start redis-server and set REDIS_URL=redis://127.0.0.1:6379/1")
    return url


def require_postgresql() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "postgresql", "set DATABASE_URL=postgres://user@127.0.0.1/buergerforum")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield


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
def unverified_user(db):
    return factories.UserFactory()


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Group

    from participation.rules import MODERATORS_GROUP

    user = factories.CitizenFactory(username="moderator")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


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
def english():
    """Messages in English, whatever the default language: for tests that read what users are told."""
    from django.utils import translation

    with translation.override("en"):
        yield
