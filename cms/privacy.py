"""What the privacy page states about the running system, read from its configuration: how long each cookie
and session lasts, how long an address is remembered against abuse, how long pages stay in the cache, and
whether the map loads its tiles from another host. The page's text (templates/cms/privacy_page.html) says
the rest."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings

from participation.page_cache import PAGE_CACHE_SECONDS

DAY = 24 * 3600
UNITS = {"s": 1, "m": 60, "h": 3600, "d": DAY}


def facts(*, tile_url: str) -> dict:
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_days": settings.SESSION_COOKIE_AGE // DAY,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_days": settings.CSRF_COOKIE_AGE // DAY,
        "language_cookie": settings.LANGUAGE_COOKIE_NAME,
        "language_days": settings.LANGUAGE_COOKIE_AGE // DAY if settings.LANGUAGE_COOKIE_AGE else None,
        "device_cookie": settings.ROOM_DEVICE_COOKIE_NAME,
        "device_days": settings.ROOM_DEVICE_COOKIE_AGE // DAY,
        "terminal_idle_seconds": round(settings.TERMINAL_IDLE_SECONDS),
        "page_cache_seconds": PAGE_CACHE_SECONDS,
        "address_minutes": address_window_seconds() // 60,
        "tile_host": tile_host(tile_url),
    }


def address_window_seconds() -> int:
    """The longest time an address can stay in the cache: the windows of allauth's limits per address on
    logins and sign-ups (its ``N/period/ip`` rates, its defaults with ours), and those of the limits on
    comments and votes, which count a visitor without an account by a hash of the address."""
    from allauth.account import app_settings

    windows = [
        _seconds(part.split("/")[1])
        for rates in app_settings.RATE_LIMITS.values()
        for part in (rates or "").split(",")
        if part.strip().endswith("/ip")
    ]
    windows += [_seconds(rate.split("/")[1]) for rate in (settings.RATELIMIT_CONTRIBUTIONS, settings.RATELIMIT_VOTES)]
    return max(windows)


def _seconds(period: str) -> int:
    count, unit = re.fullmatch(r"(\d*)([smhd])", period.strip()).groups()
    return int(count or 1) * UNITS[unit]


def tile_host(tile_url: str) -> str:
    """The host the maps load their tiles from, when it is another than the site's own ('' when none)."""
    return urlsplit(tile_url).hostname or ""
