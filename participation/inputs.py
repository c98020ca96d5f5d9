"""Input handling that every entry point shares (pages, the room's phone and terminal pages, the APIs):
ids that must name something, map views sent as ``bbox``, and the rate limits of public writes."""

from __future__ import annotations

import functools
import ipaddress
import math
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _
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


@functools.cache
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request) -> str:
    """The address a request came from, as every per-address limit counts it (ours, django-ratelimit's, allauth's).

    The connection's own address (REMOTE_ADDR), unless that is one of TRUSTED_PROXIES: then the right-most
    address of X-Forwarded-For that is not one of them, the one the proxy saw. A header anyone can send is never
    believed from anyone else; uvicorn runs with --no-proxy-headers, so REMOTE_ADDR is the connection's.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))

    def trusted(address) -> bool:
        return any(address in network for network in networks)

    peer = _address(remote)
    if peer is None or not trusted(peer):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            return remote  # not what a proxy writes: the proxy's own address, never the sender's text
        if not trusted(address):
            return str(address)
    return remote


class Limit(NamedTuple):
    """What a write's rate limit counts against, when not the user or address: e.g. one touch terminal."""

    group: str
    key: str
    rate: str


def over_limit(request, limit: Limit) -> bool:
    """Counts this POST against ``limit``; True once over it."""
    return rate_limited(request, group=limit.group, rate=limit.rate, key=lambda _group, _request: limit.key)


def rate_limited(request, *, group: str, rate: str, key: str | Callable = "user_or_ip") -> bool:
    """Counts this POST against ``rate`` for its ``key``; True once over it.

    The key is the user (or, anonymous, the address) unless the caller names
    another: the room counts per phone and per room, as a whole room shares
    one address. An address is only hashed into a cache key by django-ratelimit, never stored.
    """
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``west,south,east,north`` (or six numbers with heights, which are ignored) in CRS84.

    West greater than east is a box across the antimeridian. Longitudes beyond ±180° (a map
    scrolled around the world) are wrapped; a box 360° wide or more is the whole world.
    """
    message = _("Give four numbers, west,south,east,north, in longitude/latitude (WGS 84).")
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise InvalidInput(message, field="bbox") from None
    if len(numbers) not in (4, 6) or not all(map(math.isfinite, numbers)):
        raise InvalidInput(message, field="bbox")
    west, south, east, north = numbers if len(numbers) == 4 else (numbers[0], numbers[1], numbers[3], numbers[4])
    if south > north:
        raise InvalidInput(_("The south edge lies north of the north edge."), field="bbox")
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise InvalidInput(_("Latitudes lie between -90 and 90."), field="bbox")
    if west <= east and east - west >= 360:
        return (-180.0, south, 180.0, north)
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        west, east = _wrap(west), _wrap(east)
    return (west, south, east, north)


def _wrap(longitude: float) -> float:
    wrapped = (longitude + 180) % 360 - 180
    return 180.0 if wrapped == -180 and longitude > 0 else wrapped
