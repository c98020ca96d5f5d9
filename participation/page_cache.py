"""Whole pages for visitors without a session: rendered once per state of what they show, then served from the
cache (a Wagtail ``on_serve_page`` hook, after Wagtail's check of view restrictions).

Only a GET of a visitor who sends no session and no messages cookie is served so: such a visitor is anonymous
and has nothing pending, so everyone in that position gets the same page. A page is kept under

- its address (scheme, host, path, query) and the interface language;
- the page's revision, and ``site_revision``: Wagtail's logs of publishing, unpublishing, moving, deleting
  and editing settings, and the newest page (the navigation, a consultation's proposals, the footer);
- the state of what the page shows beyond the CMS (``state``): for a consultation or proposal its results
  revision (every vote, comment or moderation bumps it) and its phase at this moment.

Only an empty query or ``?page=N`` (a comment page kept by the comment list too) is cached. The CSRF
token of the page's forms (the language switcher is on every page) is left as a placeholder in the kept
copy and filled in for each visitor, as ``{% csrf_token %}`` would: the cookie is set as on a fresh render.
``PAGE_CACHE_SECONDS`` bounds what no revision sees (an account renamed, a twin object re-imported). When
the cache cannot be reached, pages are rendered as without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from participation import caching, selectors
from participation.models import ConsultationPage

PAGE_CACHE_SECONDS = 60
COMMENT_PAGES_KEPT = 100  # ?page=N beyond it is rendered each time
# What the kept copy carries where the CSRF token goes: with "<" in it, no text a visitor wrote (escaped) can
# pass for it.
CSRF_PLACEHOLDER = mark_safe("<csrf-token-of-the-request>")


def served_to_all(request: HttpRequest) -> bool:
    """Whether ``request`` is one every visitor without a session would make alike."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    query = request.GET
    if query and not (
        list(query) == ["page"]
        and len(query.getlist("page")) == 1
        and query["page"].isdigit()
        and 0 < int(query["page"]) <= COMMENT_PAGES_KEPT
    ):
        return False
    return not request.user.is_authenticated


def consultation_state(consultation: ConsultationPage) -> tuple:
    """What a consultation's pages show beyond the CMS: its results revision and its phase now. One query."""
    now = timezone.now()
    return (
        selectors.results_revision(consultation_id=consultation.pk),
        consultation.live,
        consultation.phase_at(now),
        consultation.is_participation_open(now),
        consultation.is_voting_open(now),
    )


def _key(request: HttpRequest, page, state: tuple) -> str:
    parts = (
        request.build_absolute_uri(),
        get_language(),
        page.pk,
        page.latest_revision_id,
        page.last_published_at,
        selectors.site_revision(),
        state,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _with_csrf_token(request: HttpRequest, html: str) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request)) if CSRF_PLACEHOLDER in html else html


def cached_response(
    request: HttpRequest, page, *, state: Callable[[], tuple], serve: Callable[[], HttpResponse]
) -> HttpResponse:
    """``page`` as ``serve()`` renders it, or as it rendered it a moment ago in the same ``state()`` (called,
    like everything here, only for a visitor without a session)."""
    if not served_to_all(request):
        return serve()
    key = _key(request, page, state())
    kept = caching.read(key, what="page")
    if kept is not None:
        headers, html = kept
        return HttpResponse(_with_csrf_token(request, html), headers=headers)
    response = serve()
    if not isinstance(response, SimpleTemplateResponse) or response.is_rendered or response.status_code != 200:
        return response
    response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
    response.render()
    html = response.content.decode(response.charset)
    caching.keep(key, (dict(response.headers), html), seconds=PAGE_CACHE_SECONDS, what="page")
    response.content = _with_csrf_token(request, html)
    return response
