"""The cache (Redis) as a help, never a must: the default cache's backend when ``REDIS_URL`` is set.

With Redis down, every use of ``django.core.cache.cache`` (ours, Wagtail's site root paths, the rate limits)
goes on as with an empty cache that keeps nothing: a read finds nothing, a write keeps nothing, a counter
starts again (the rate limits let requests through), and a warning is logged once a minute per operation,
so an outage under load does not flood the log. Pages are rendered, writes are made, and pollers read the
database instead of the live frames kept here.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0


def _tolerant(fallback):
    """``method``, or ``fallback(*arguments)`` when Redis cannot answer it."""

    def decorate(method):
        @functools.wraps(method)
        def tolerant(self, *args):
            try:
                return method(self, *args)
            except (RedisError, OSError) as error:
                self.warn(method.__name__, error)
                return fallback(*args)

        return tolerant

    return decorate


def _missing_counter(key, delta):
    raise ValueError(f"Key {key!r} not found (the cache cannot be reached).")  # what incr() says of a new key


class TolerantRedisClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._warned: dict[str, float] = {}  # operation -> when its last warning was logged
        self._lock = threading.Lock()

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
        self._class = TolerantRedisClient
