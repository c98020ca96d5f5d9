"""Content-Security-Policy and Permissions-Policy on every response, from the settings (one place).

Django 5.2 has no CSP of its own (6.0 has): this middleware reads ``SECURE_CSP`` in the format Django 6.0
uses (directive -> list of sources), so moving to 6.0's ``ContentSecurityPolicyMiddleware`` is a change of
one line in MIDDLEWARE. The policy is the same for every visitor and has no nonce: no page of the site runs
a script that is not a file of its own ('self'), so the pages kept for visitors without a session
(participation.page_cache) stay valid whoever gets them. The Wagtail admin (under ``/admin/``) gets
``SECURE_CSP_ADMIN``: Wagtail's editor still writes some scripts into its pages. So does a page the editor
previews: Wagtail renders it through the middleware as a request for the page's public address (``is_dummy``),
and the editor frames it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from forum.csp_sources import tile_origins
from participation.selectors import site_profile_for_request

ADMIN_PREFIX = "/admin/"


def policy_header(policy: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], "object-src": ["'none'"]}`` -> ``default-src 'self'; object-src 'none'``."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


def with_tiles(policy: dict[str, list[str]], tile_url: str) -> dict[str, list[str]]:
    """``policy`` that also lets the maps load tiles (images, and MapLibre's fetches) from ``tile_url``'s host."""
    extra = tile_origins(tile_url)
    return {
        directive: [*sources, *(origin for origin in extra if origin not in sources)]
        if directive in TILE_DIRECTIVES
        else sources
        for directive, sources in policy.items()
    }


TILE_DIRECTIVES = ("img-src", "connect-src")


class SecurityHeaders:
    """Sets both headers unless a view set them itself. The headers are built once per tile server: a page
    gets its site's (``CityProfile.tile_url``, with MAP_TILE_URL's from the settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions = permissions_header(settings.PERMISSIONS_POLICY)
        self.policies: dict[str, tuple[str, str]] = {}

    def _policies(self, request: HttpRequest, response: HttpResponse) -> tuple[str, str]:
        tile_url = ""
        # Only a page (not an error page, a redirect or data) may show a map with the site's tiles.
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            # The database unreachable: the page says so (forum.database_errors) and has no map.
            with suppress(DatabaseError):
                tile_url = site_profile_for_request(request).tile_url
        if tile_url not in self.policies:
            self.policies[tile_url] = (
                policy_header(with_tiles(settings.SECURE_CSP, tile_url)),
                policy_header(with_tiles(settings.SECURE_CSP_ADMIN, tile_url)),
            )
        return self.policies[tile_url]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        in_admin = request.path_info.startswith(ADMIN_PREFIX) or getattr(request, "is_dummy", False)
        public, admin = self._policies(request, response)
        response.headers.setdefault("Content-Security-Policy", admin if in_admin else public)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
