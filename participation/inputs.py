"""Input handling that every entry point shares (pages, the room's phone and terminal pages, the API):
ids that must name something, and the rate limits of public writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django_ratelimit.core import is_ratelimited

from participation.errors import InvalidInput

T = TypeVar("T")


def resolve(lookup: Callable[..., T | None], pk: int | None, *, field: str, message: str) -> T | None:
    """The object ``pk`` names (``lookup(pk=pk)``), None when no id was sent.

    An id that names nothing (a comment deleted meanwhile, an object of a re-imported twin) is
    refused with ``message`` on ``field``, never dropped: the write would land elsewhere.
    """
    if pk is None:
        return None
    found = lookup(pk=pk)
    if found is None:
        raise InvalidInput(message, field=field)
    return found


def rate_limited(request, *, group: str, rate: str) -> bool:
    """Counts this POST against ``rate`` for its user (or, anonymous, its address); True once over it.

    The address is only hashed into a cache key by django-ratelimit, never stored.
    """
    return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method="POST", increment=True)
