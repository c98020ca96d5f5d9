"""The cache is a help, never a must (participation.caching): with Redis down it finds and keeps nothing, and
says so in the log once a minute per operation, but the rate limits go on counting in the process's memory;
with Redis up it is Django's Redis cache."""

import logging

import pytest
from allauth.core import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.test import RequestFactory

from participation.inputs import rate_limited
from tests.support.needs import require_redis

DOWN = {"BACKEND": "participation.caching.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": DOWN}
    return cache


def test_with_redis_down_reads_find_nothing_and_writes_keep_nothing(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="participation.caching"):
        redis_down.set("a", 1, 60)
        redis_down.set_many({"b": 2})
        assert redis_down.get("a") is None and redis_down.get("a", "default") == "default"
        assert redis_down.get_many(["a", "b"]) == {}
        assert redis_down.add("c", 3) is False and redis_down.has_key("c") is False
        redis_down.delete("a")
        redis_down.get("a")  # a second failure of the same operation within the minute: not logged again

    warned = [record.getMessage() for record in caplog.records]
    assert all("is Redis down?" in message for message in warned)
    assert [message.split()[1] for message in warned] == [
        "set",
        "set_many",
        "get",
        "get_many",
        "add",
        "has_key",
        "delete",
    ]


def test_with_redis_down_a_counter_starts_again(redis_down):
    # A counter of ours (not a rate limit's) cannot be kept: add keeps nothing, incr finds nothing.
    assert redis_down.add("hits", 1) is False
    with pytest.raises(ValueError):
        redis_down.incr("hits")


def test_with_redis_up_it_keeps_what_it_is_given(settings):
    url = require_redis()
    settings.CACHES = {"default": {"BACKEND": "participation.caching.TolerantRedisCache", "LOCATION": url}}
    cache.set("kept", {"value": 1}, 60)

    assert cache.get("kept") == {"value": 1}
    assert cache.add("hits", 1) and cache.incr("hits") == 2


def test_with_redis_down_a_rate_limit_counts_in_the_process_and_still_limits(redis_down, settings):
    # Neither open (no limit for the outage) nor closed (every vote refused): django-ratelimit's add and incr go
    # to the process's own counters, so the limit lets the first votes through and stops the one too many.
    request = RequestFactory().post("/api/v1/proposals/1/vote/", REMOTE_ADDR="192.0.2.1")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    seen = [rate_limited(request, group="vote-outage", rate="3/m") for _ in range(4)]
    assert seen == [False, False, False, True]


def test_with_redis_down_allauths_login_limit_counts_in_the_process(redis_down, settings):
    # allauth takes a lock (add), reads and writes its history (get, set) and lets the lock go (delete).
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/key"}
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.1")
    seen = [allauth_ratelimit.consume(request, action="login_failed", key="anna@example.org") for _ in range(3)]
    assert seen == [True, True, False]
