"""The cache (Redis) as a help, never a must: the default cache's backend when ``REDIS_URL`` is set.

With Redis down, every use of ``django.core.cache.cache`` (ours, Wagtail's site root paths) goes on as with an
empty cache that keeps nothing: a read finds nothing, a write keeps nothing, and a warning is logged once a
minute per operation, so an outage under load does not flood the log. Pages are rendered, writes are made, and
pollers read the database instead of the live frames kept here.

The rate limits' counters are the exception (README, "When Redis is down"): they are kept in the server
process's own memory until Redis answers again, so every limit (django-ratelimit's of votes, comments and the
room, allauth's of logins and sign-ups) goes on counting, per process, and nothing is refused only because
Redis is gone. Failing open would drop the limits for the outage; failing closed (what both libraries do with a
cache that fails) would refuse every vote, comment and login.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0
# Where django-ratelimit (RATELIMIT_CACHE_PREFIX, its default) and allauth keep their counters and locks.
RATE_LIMIT_KEYS = ("rl:", "allauth:rl:")
# The counters a process keeps while Redis is down: one per user, address, phone or terminal and window.
LOCAL_COUNTERS = 10_000


def _tolerant(fallback):
    """``method``, or ``fallback(*arguments)`` when Redis cannot answer it (the process's own counter for a
    rate limit's key, if the operation is one that counters use)."""

    def decorate(method):
        @functools.wraps(method)
        def tolerant(self, *args):
            try:
                return method(self, *args)
            except (RedisError, OSError) as error:
                self.warn(method.__name__, error)
                if method.__name__ in COUNTER_OPERATIONS and self.is_counter(args[0]):
                    return getattr(self.counters, method.__name__)(*args)
                return fallback(*args)

        return tolerant

    return decorate


# What the rate limits do with their keys: django-ratelimit add and incr, allauth add (a lock), get, set, delete.
COUNTER_OPERATIONS = {"add", "get", "set", "delete", "incr"}


def _missing_counter(key, delta):
    raise ValueError(f"Key {key!r} not found (the cache cannot be reached).")  # what incr() says of a new key


class TolerantRedisClient(RedisCacheClient):
    def __init__(self, *args, counter_prefixes: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.counter_prefixes = counter_prefixes
        # Keys come here made (prefix and version) already: this cache keeps them as they are.
        self.counters = LocMemCache(
            f"rate-limits-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": LOCAL_COUNTERS}, "KEY_FUNCTION": _as_made}
        )
        self._warned: dict[str, float] = {}  # operation -> when its last warning was logged
        self._lock = threading.Lock()

    def is_counter(self, key: str) -> bool:
        return key.startswith(self.counter_prefixes)

    def warn(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._warned.get(operation, -WARN_EVERY_SECONDS) < WARN_EVERY_SECONDS:
                return
            self._warned[operation] = now
        logger.warning("cache %s failed, going on without the cache (is Redis down?): %r", operation, error)

    add = _tolerant(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    set = _tolerant(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _tolerant(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _tolerant(lambda key: False)(RedisCacheClient.delete)
    get_many = _tolerant(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda key: False)(RedisCacheClient.has_key)
    incr = _tolerant(_missing_counter)(RedisCacheClient.incr)
    set_many = _tolerant(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _tolerant(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _tolerant(lambda: False)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, tolerant of Redis being down (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = functools.partial(
            TolerantRedisClient, counter_prefixes=tuple(self.make_key(prefix) for prefix in RATE_LIMIT_KEYS)
        )


def _as_made(key, key_prefix, version):
    return key
