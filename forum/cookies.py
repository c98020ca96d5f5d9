"""Who a request or a socket comes from in the room, by cookie: a phone's device key, a screen's or terminal's token.

A phone gets a random device key in a signed cookie on its first visit: no
account, no personal data, and resettable by clearing cookies (so a count of
phones is an opinion snapshot of the room, not an election). Screens and
terminals present the token they were given when set up, in an HttpOnly
cookie scoped to their own page and socket.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from participation.services import new_participant_key

DEVICE_COOKIE = settings.ROOM_DEVICE_COOKIE_NAME
DEVICE_SALT = "forum.device"
DEVICE_MAX_AGE = settings.ROOM_DEVICE_COOKIE_AGE
TOKEN_COOKIE = "bf_token"  # nosec B105 # a cookie's name, not a secret
SOCKET_TOKEN_COOKIE = "bf_socket_token"  # nosec B105 # a cookie's name, not a secret
TOKEN_MAX_AGE = 400 * 24 * 3600  # a kiosk runs for months; browsers cap cookies at 400 days


def device_key(request) -> str | None:
    """The phone's key from its signed cookie, or None (no cookie, or one that was tampered with)."""
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)


def device_key_or_new(request) -> tuple[str, bool]:
    """The phone's key, or a new one; ``(key, is_new)``. A new key is only kept once ``remember_device`` sets it."""
    key = device_key(request)
    return (key, False) if key else (new_participant_key(), True)


def _cookie(**options) -> dict:
    """What every cookie of the room is: out of reach of scripts, over HTTPS in production."""
    return {"httponly": True, "secure": not settings.DEBUG, **options}


def remember_device(response, key: str) -> None:
    response.set_signed_cookie(DEVICE_COOKIE, key, **_cookie(salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE, samesite="Lax"))


def set_token_cookies(response, *, token: str, page_path: str, socket_path: str) -> None:
    """A device's token for its page and its socket only, never sent elsewhere.

    Two names, as a response carries one cookie per name: ``TOKEN_COOKIE`` for the
    page (and its snapshot), ``SOCKET_TOKEN_COOKIE`` for the socket's handshake.
    """
    for name, path in ((TOKEN_COOKIE, page_path), (SOCKET_TOKEN_COOKIE, socket_path)):
        response.set_cookie(name, token, **_cookie(max_age=TOKEN_MAX_AGE, path=path, samesite="Strict"))


def scope_cookie(scope: dict, name: str) -> str | None:
    """A cookie of a WebSocket handshake (Channels' cookie middleware is not in our stack)."""
    return _scope_request(scope).COOKIES.get(name)


def _scope_request(scope: dict) -> HttpRequest:
    """A request with a socket handshake's cookies and language header: Django then reads them as it reads
    a page's (signed cookies, the language) — one way for both."""
    request = HttpRequest()
    for header, value in scope.get("headers", ()):
        if header == b"cookie":
            cookies = SimpleCookie()
            try:
                cookies.load(value.decode("latin-1"))
            except CookieError:  # a malformed header: as if there were no cookie
                continue
            request.COOKIES.update({name: morsel.value for name, morsel in cookies.items()})
        elif header == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
    return request


def scope_device_key(scope: dict) -> str | None:
    """The phone's key from the signed cookie its socket's handshake carries, as ``device_key`` reads it."""
    return device_key(_scope_request(scope))


def scope_language(scope: dict) -> str:
    """The language of the page a socket belongs to: Django's choice for a request with the same language
    cookie and Accept-Language header (the socket's answers speak as the page does)."""
    return translation.get_language_from_request(_scope_request(scope))
