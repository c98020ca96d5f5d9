"""Whole pages for visitors without a session: rendered once per state of what they show, then served from the
cache before Wagtail even routes the request.

Only a GET of a visitor who sends no session and no messages cookie is served so: such a visitor is anonymous
and has nothing pending, so everyone in that position gets the same page. Only an empty query or ``?page=N``
(a page of comments) is cached. A page is kept under its address (scheme, host, path, query) and the interface
language, with what it was rendered at, checked on every hit (one query):

- ``site_revision``: Wagtail's logs of publishing, unpublishing, moving and deleting pages, of view
  restrictions and of the site settings, and the newest page; whatever staff change (the page, the navigation,
  a consultation's proposals, the footer, who may see a page) moves it on;
- the results revision of its consultation (every vote, comment or moderation bumps it);
- until when it stands: the next phase date of its consultation (of any consultation, for the home page),
  at most ``PAGE_CACHE_SECONDS`` (which also bounds what no revision sees: an account renamed, a twin object
  re-imported).

The hooks of the pages (``wagtail_hooks``: consultation, proposal, home, standard page) keep a page when they
render it for such a visitor, after Wagtail's check of view restrictions; ``PagesFromTheCache`` (a middleware,
last in the list) serves it. The CSRF token of the page's forms (the language switcher is on every page) is a
placeholder in the kept copy, filled in for each visitor as ``{% csrf_token %}`` would be: the cookie is set,
and the session looked at (``Vary: Cookie``), as on a fresh render. When the cache cannot be reached, pages are
rendered as without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.views import serve as wagtail_serve

from participation import selectors
from participation.numerals import ascii_number

PAGE_CACHE_SECONDS = 60
COMMENT_PAGES_KEPT = 100  # ?page=N beyond it is rendered each time
# Where the kept copy carries the CSRF token: with "<" in it, no text a visitor wrote (escaped) can pass for it.
CSRF_PLACEHOLDER = mark_safe("<csrf-token-of-the-request>")  # nosec B308 # a constant, no input in it


def served_to_all(request: HttpRequest) -> bool:
    """Whether every visitor without a session makes ``request`` alike (and this one has none)."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    query = request.GET
    if query and not (
        list(query) == ["page"]
        and len(query.getlist("page")) == 1
        and 0 < (ascii_number(query["page"]) or 0) <= COMMENT_PAGES_KEPT
    ):
        return False
    return not request.user.is_authenticated


def _key(request: HttpRequest) -> str:
    address = (request.build_absolute_uri(), get_language())
    return "page:" + hashlib.sha256(repr(address).encode()).hexdigest()


def with_csrf_token(request: HttpRequest, html: str) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request)) if CSRF_PLACEHOLDER in html else html


def cached_page(request: HttpRequest) -> HttpResponse | None:
    """The page at the request's address as kept for visitors without a session, if it is still what a fresh
    render would give: one query (the site's revision, and the results revision of a consultation's page)."""
    if not served_to_all(request):
        return None
    kept = cache.get(_key(request))
    if kept is None:
        return None
    consultation_id, revision, until, headers, html = kept
    if timezone.now() >= until or selectors.site_revision(consultation_id=consultation_id) != revision:
        return None
    return HttpResponse(with_csrf_token(request, html), headers=headers)


def rendered_and_kept(
    request: HttpRequest,
    *,
    serve: Callable[[], HttpResponse],
    consultation_id: int | None,
    next_change: Callable[[dt.datetime], dt.datetime | None],
) -> HttpResponse:
    """``serve()``'s page, kept for visitors without a session when it is one of theirs: with the site's
    revision and that of ``consultation_id``'s results (if the page shows them), until ``next_change(now)``."""
    if not served_to_all(request):
        return serve()
    # Read before rendering: a write meanwhile leaves a newer page under an older revision, never the reverse.
    now, revision = timezone.now(), selectors.site_revision(consultation_id=consultation_id)
    until = min(date for date in (next_change(now), now + dt.timedelta(seconds=PAGE_CACHE_SECONDS)) if date)
    response = serve()
    if not isinstance(response, SimpleTemplateResponse) or response.is_rendered or response.status_code != 200:
        return response
    response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
    response.render()
    html = response.content.decode(response.charset)
    kept = (consultation_id, revision, until, dict(response.headers), html)
    cache.set(_key(request), kept, max(1, int((until - now).total_seconds())))
    response.content = with_csrf_token(request, html)
    return response


class PagesFromTheCache:
    """Answers a request for a Wagtail page from the cache (``cached_page``) before it is routed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        return cached_page(request) if view_func is wagtail_serve else None
