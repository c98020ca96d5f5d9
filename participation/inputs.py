"""Input handling that every entry point shares (pages, the room's phone and terminal pages, the APIs):
ids that must name something, whole numbers and search texts the database can hold, map views sent as ``bbox``,
and the rate limits of public writes."""

from __future__ import annotations

import functools
import ipaddress
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from participation.errors import InvalidInput
from participation.numerals import ID_MAX

T = TypeVar("T")

__all__ = ["ID_MAX"]  # where the API's serializers take it from


class IdConverter:
    """``<id:pk>`` in a path: digits that fit a 64-bit integer (at most 18), else the path names nothing (a 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def whole_number(value: str, *, field: str, minimum: int = 0, maximum: int = ID_MAX) -> int:
    """``value`` (a query parameter) as a whole number from ``minimum`` to ``maximum``."""
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(_("Must be a whole number."), field=field) from None
    if not minimum <= number <= maximum:
        raise InvalidInput(
            _("Must be a whole number from %(minimum)d to %(maximum)d.") % {"minimum": minimum, "maximum": maximum},
            field=field,
        )
    return number


def search_text(value: str, *, field: str = "q") -> str:
    """A search text as sent; one with a NUL character (which no text in the database holds) is refused."""
    if "\x00" in value:
        raise InvalidInput(_("The search contains a character that is not allowed (NUL)."), field=field)
    return value


def resolve(lookup: Callable[..., T | None], pk: int | None, *, field: str, message: str) -> T | None:
    """The object ``pk`` names (``lookup(pk=pk)``), None when no id was sent.

    An id that names nothing (a comment deleted meanwhile, an object of a re-imported twin) is
    refused with ``message`` on ``field``, never dropped: the write would land elsewhere.
    """
    if pk is None:
        return None
    found = lookup(pk=pk) if -ID_MAX <= pk <= ID_MAX else None  # beyond 64 bits: the database would fail
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


# An IPv6 visitor owns a whole /64 network: its addresses count as one, as allauth and django-ratelimit count them.
IPV6_PREFIX = 64


def address_key(address: str, *, now: datetime | None = None) -> str:
    """What a per-address limit counts against instead of the address: a keyed hash that changes every day.

    HMAC-SHA256 of the address (an IPv6 one cut to its /64) keyed with SECRET_KEY and the UTC date: the cache
    never holds an address, a key cannot be turned back into one without SECRET_KEY, and the same address gives
    another key the next day, so keys of two days cannot be linked. At midnight (UTC) the counts start afresh.
    """
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        address = str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False).network_address)
    day = (now or datetime.now(UTC)).date().isoformat()
    return (
        "addr-" + salted_hmac(f"participation.inputs.address_key:{day}", address, algorithm="sha256").hexdigest()[:32]
    )


def client_key(request) -> str:
    """The hashed address of ``request`` (client_address) that every per-address limit counts against."""
    return address_key(client_address(request))


def user_or_client_key(_group: str, request) -> str:
    """django-ratelimit's key for a write: the account, or for a visitor the hashed address (never the address)."""
    return str(request.user.pk) if request.user.is_authenticated else client_key(request)


class Limit(NamedTuple):
    """What a write's rate limit counts against, when not the user or address: e.g. one touch terminal."""

    group: str
    key: str
    rate: str


def over_limit(request, limit: Limit) -> bool:
    """Counts this POST against ``limit``; True once over it."""
    return rate_limited(request, group=limit.group, rate=limit.rate, key=lambda _group, _request: limit.key)


def rate_limited(request, *, group: str, rate: str, key: Callable = user_or_client_key) -> bool:
    """Counts this POST against ``rate`` for its ``key``; True once over it.

    The key is the user (or, anonymous, the address's daily hash: address_key) unless the caller names
    another: the room counts per phone and per room, as a whole room shares one address.
    """
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


# How deep JSON sent to us may nest: a GeoJSON polygon needs four levels, a multipolygon five.
JSON_MAX_DEPTH = 32


class JSONTooDeep(InvalidInput):
    """JSON nested deeper than JSON_MAX_DEPTH levels."""


def parse_json(text: str | bytes, *, field: str | None = None) -> object:
    """JSON as sent in a body or a form field; what is not JSON, or nests deeper than JSON_MAX_DEPTH
    (which would exhaust the parser's stack, or ours), is refused with InvalidInput."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JSONTooDeep(_too_deep(), field=field) from None
    except ValueError:
        raise InvalidInput(_("This is not valid JSON."), field=field) from None
    if _depth(value) > JSON_MAX_DEPTH:
        raise JSONTooDeep(_too_deep(), field=field)
    return value


def _too_deep() -> str:
    return _("The JSON is nested too deeply (more than %(levels)d levels).") % {"levels": JSON_MAX_DEPTH}


def _depth(value: object) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending and deepest <= JSON_MAX_DEPTH:
        item, level = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in children)
    return deepest


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def retry_after(rate: str) -> int:
    """The seconds a client over ``rate`` ("10/m", "100/5m") waits at most: one window of the limit."""
    period = rate.partition("/")[2] or "m"
    return (int(period[:-1]) if period[:-1].isdigit() else 1) * _SECONDS.get(period[-1], 60)


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
