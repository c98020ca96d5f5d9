"""The cache (Redis, or memory without it) as a help, never a must: reads and writes that survive it being down.

A read that fails finds nothing, a write that fails keeps nothing; either is logged as a warning, once per
minute and purpose (``what``), so a Redis outage under load does not flood the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0
_warned: dict[str, float] = {}  # purpose -> when its last warning was logged
_lock = threading.Lock()


def _warn(what: str, doing: str, error: Exception) -> None:
    now = time.monotonic()
    with _lock:
        if now - _warned.get(what, -WARN_EVERY_SECONDS) < WARN_EVERY_SECONDS:
            return
        _warned[what] = now
    logger.warning("%s not %s the cache (it is down?): %r", what, doing, error)


def read(key: str, *, what: str) -> Any:
    """What is kept under ``key``, or None (also when the cache cannot be reached)."""
    try:
        return cache.get(key)
    except Exception as error:
        _warn(what, "read from", error)
        return None


def read_many(keys: Iterable[str], *, what: str) -> dict[str, Any]:
    """What is kept under ``keys``, in one round trip; keys not kept (or all, when the cache is down) are missing."""
    try:
        return cache.get_many(list(keys))
    except Exception as error:
        _warn(what, "read from", error)
        return {}


def keep(key: str, value: Any, *, what: str, seconds: float | object = DEFAULT_TIMEOUT) -> None:
    """Keep ``value`` under ``key`` for ``seconds`` (by default the cache's timeout), if the cache can be reached."""
    try:
        cache.set(key, value, seconds)
    except Exception as error:
        _warn(what, "written to", error)


def keep_many(values: Mapping[str, Any], *, what: str, seconds: float | object = DEFAULT_TIMEOUT) -> None:
    """Keep several values at once, in one round trip."""
    try:
        cache.set_many(dict(values), seconds)
    except Exception as error:
        _warn(what, "written to", error)
