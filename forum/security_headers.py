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

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ADMIN_PREFIX = "/admin/"


def policy_header(policy: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], "object-src": ["'none'"]}`` -> ``default-src 'self'; object-src 'none'``."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class SecurityHeaders:
    """Sets both headers unless a view set them itself; headers are built once, when the server starts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = policy_header(settings.SECURE_CSP)
        self.csp_admin = policy_header(settings.SECURE_CSP_ADMIN)
        self.permissions = permissions_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        in_admin = request.path_info.startswith(ADMIN_PREFIX) or getattr(request, "is_dummy", False)
        csp = self.csp_admin if in_admin else self.csp
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
