"""Nothing calls out: no page of the site, public or admin, makes the browser ask another host for anything
(an update check, avatars, a news feed, fonts, scripts from a CDN, map styles or tiles).

Every request and WebSocket of a walk through the pages is recorded, with the step it came from, and so is
every address the pages' elements load (resource hints open connections without a request). chromium's own
background traffic is off by its launch flags (tests/support/browser.py), so what is recorded is what the
pages ask for; anything for a host but the site's own fails the test, listed by step.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from wagtail.models import Site

from forum import services as forum_services
from forum.models import Terminal
from tests.support.browser import (
    WEBGL_READY,
    RequestLog,
    close_session,
    open_session,
    outside_event_loop,
    ready,
    twin_object_path,
    visit,
    wait_for_kiosk,
    wait_for_phone,
)

WEBGL = True  # the 3D view and the kiosk's twin draw with MapLibre, as people see them
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def settle(page: Page) -> None:
    """Late requests (a dashboard panel's fetch, lazy images) go out before the next step; pages that poll
    (the console) never go quiet for long, so the wait is bounded."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=3_000)


def walk(page: Page, log: RequestLog, steps: list[tuple[str, str]]) -> None:
    for name, path in steps:
        log.at = name
        visit(page, path)
        settle(page)
        log.read_page(page)


def assert_nothing_called_out(log: RequestLog) -> None:
    calls = log.calls_out()
    assert not calls, f"{len(calls)} request(s) to another host than {log.own}:\n" + "\n".join(calls)


def test_the_log_sees_a_request_a_page_makes_to_another_host(request, browser, live_server_process, demo):
    """The walks below can fail: a page's own request elsewhere is recorded (the session's route stops it
    before it reaches the network; .invalid names no host anyway). The site's Content-Security-Policy refuses
    such a request before the browser makes it (test_content_security_policy); this probe's browser ignores
    the policy, so that what is tested is the log, whatever the policy lets through."""
    browser_session = open_session(browser, live_server_process.url, bypass_csp=True)
    request.addfinalizer(lambda: close_session(browser_session))
    log = RequestLog(own=live_server_process.url).attach(browser_session.context)
    page = browser_session.context.new_page()
    visit(page, "/")
    log.at = "probe"
    page.evaluate("() => fetch('https://calls-out.invalid/probe').catch(() => null)")  # resolves once stopped

    assert log.calls_out() == ["probe: https://calls-out.invalid/probe"]
    browser_session.blocked.remove("https://calls-out.invalid/probe")  # stopped on purpose


def test_no_public_page_asks_another_host(context, live_server_process, demo):
    log = RequestLog(own=live_server_process.url).attach(context)
    page = context.new_page()
    terminal = Terminal.objects.get(slug="eingang")
    terminal_token = outside_event_loop(forum_services.issue_device_token, device=terminal)
    walk(
        page,
        log,
        [
            ("home", "/"),
            ("consultation with its map", demo.consultation.url),
            ("proposal", demo.proposal.url),
            ("twin object", twin_object_path(demo)),
            ("3D view", f"/consultations/{demo.consultation.pk}/3d/"),
            ("login", "/accounts/login/"),
            ("sign-up", "/accounts/signup/"),
            ("password reset", "/accounts/password/reset/"),
            ("imprint", demo.imprint.url),
            ("privacy", "/datenschutz/"),
            ("open data", "/open-data/"),
            ("API index", "/api/v1/"),
            ("API documentation", "/api/v1/docs/"),
            ("OGC API", "/api/ogc/"),
            ("OGC collections", "/api/ogc/collections"),
            ("terminal", f"/terminal/{terminal.slug}/?token={terminal_token}"),
            ("room phone join", "/live/"),
            ("room phone", f"/live/{demo.room.code}/"),
        ],
    )
    wait_for_phone(page)  # its socket is part of the walk

    # The kiosk through its scenes that draw: the map of contributions and the 3D twin.
    log.at = "kiosk"
    visit(page, demo.kiosk_url)
    wait_for_kiosk(page)
    presenter = demo.room.opened_by
    for scene in ("map", "twin"):
        log.at = f"kiosk, scene {scene}"
        outside_event_loop(forum_services.show_in_room, presenter=presenter, room=demo.room, scene=scene)
        expect(page.locator("body")).to_have_attribute("data-scene", scene)
        if scene == "map":
            expect(page.locator("#kiosk-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
        else:
            expect(page.locator("#scene-map")).to_have_attribute("data-state", "ready", timeout=WEBGL_READY)
        settle(page)
        log.read_page(page)

    assert log.requested("/api/v1/contributions/"), "the walk loaded the consultation map's data"
    assert log.requested("/api/v1/twin-tiles/"), "the walk drew the twin as the maps' base map"
    assert log.requested(f"/ws/live/{demo.room.code}/"), "the walk opened the phone's socket"
    assert_nothing_called_out(log)


def test_no_admin_page_asks_another_host(context, live_server_process, log_in, demo):
    admin = get_user_model().objects.get(username="admin")  # the demo's superuser: every panel shows
    log_in(admin)
    log = RequestLog(own=live_server_process.url).attach(context)
    page = context.new_page()
    site = Site.objects.get(is_default_site=True)
    walk(
        page,
        log,
        [
            ("dashboard", "/admin/"),
            ("page explorer", f"/admin/pages/{site.root_page_id}/"),
            ("edit a consultation", f"/admin/pages/{demo.consultation.pk}/edit/"),
            ("edit a proposal", f"/admin/pages/{demo.proposal.pk}/edit/"),
            ("moderation", "/admin/moderation/"),
            ("forum room", "/admin/room/"),
            ("room console", f"/admin/room/{demo.room.pk}/"),
            ("paper entries", "/admin/paper/"),
            ("twin objects", "/admin/snippets/participation/twinfeature/"),
            ("twin import", "/admin/twin-import/"),
            ("kiosk screens", "/admin/snippets/forum/screen/"),
            ("images", "/admin/images/"),
            ("documents", "/admin/documents/"),
            ("users", "/admin/users/"),
            ("report: locked pages", "/admin/reports/locked/"),
            ("report: site history", "/admin/reports/site-history/"),
            ("report: aging pages", "/admin/reports/aging-pages/"),
            ("report: page types", "/admin/reports/page-types-usage/"),
            ("site settings", f"/admin/settings/cms/sitesettings/{site.pk}/"),
            ("account", "/admin/account/"),
            ("home, logged in", "/"),
            ("my account (website)", "/accounts/email/"),
        ],
    )

    # The page editor's side panels: the preview (an iframe of the page) and the checks (axe, run locally).
    log.at = "consultation editor, preview"
    visit(page, f"/admin/pages/{demo.consultation.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()
    expect(page.locator("iframe#w-preview-iframe")).to_be_attached()
    settle(page)
    log.read_page(page)
    ready(page)

    assert log.requested("/admin/room/"), "the walk reached the admin"
    assert_nothing_called_out(log)
