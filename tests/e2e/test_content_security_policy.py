"""The site under its Content-Security-Policy (forum.security_headers) in chromium: every kind of page outside
the admin is served with the strict policy and still works under it (maps drawn, the 3D twin, a phone's answer
reaching the kiosk live over both sockets), and any refusal would fail the test.

Every browser session of the e2e tests reports each ``securitypolicyviolation`` event and each console error
(chromium's "Refused to ..." lines among them) as an error of the test (tests/support/browser.py): the walks
of test_nothing_calls_out and every other browser test run under the policy too. The first test shows that a
refusal is seen."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from forum import services as forum_services
from forum.models import Terminal
from forum.security_headers import policy_header
from tests.support.browser import (
    WEBGL_READY,
    outside_event_loop,
    twin_object_path,
    visit,
    wait_for_kiosk,
    wait_for_map,
    wait_for_phone,
)

WEBGL = True  # the 3D view and the kiosk's twin draw with MapLibre, whose worker the policy must allow
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STRICT = policy_header(settings.SECURE_CSP)


def refusals(session) -> list[str]:
    return [error for error in session.errors if "Content Security Policy" in error or "Content-Security" in error]


def test_a_script_the_policy_refuses_is_reported(browser_session):
    page = browser_session.context.new_page()
    visit(page, "/")
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            const button = document.createElement("button");
            button.setAttribute("onclick", "window.handlerRan = true");
            document.body.append(button);
            button.click();
            return [window.inlineRan === true, window.handlerRan === true];
        }"""
    )

    assert ran == [False, False]
    for _ in range(20):  # the events arrive after the script that caused them
        seen = refusals(browser_session)
        if sum("refused" in error for error in seen) >= 2:
            break
        page.wait_for_timeout(100)
    assert any("script-src-elem" in error for error in seen), seen
    assert any("script-src-attr" in error for error in seen), seen
    browser_session.errors.clear()  # refused on purpose


def test_every_page_outside_the_admin_works_under_the_strict_policy(context, demo):
    page = context.new_page()
    terminal = Terminal.objects.get(slug="eingang")
    terminal_token = outside_event_loop(forum_services.issue_device_token, device=terminal)
    pages = [
        ("home", "/"),
        ("consultation", demo.consultation.url),
        ("proposal", demo.proposal.url),
        ("twin object", twin_object_path(demo)),
        ("3D view", f"/consultations/{demo.consultation.pk}/3d/"),
        ("login", "/accounts/login/"),
        ("sign-up", "/accounts/signup/"),
        ("open data", "/open-data/"),
        ("API documentation", "/api/v1/docs/"),
        ("terminal", f"/terminal/{terminal.slug}/?token={terminal_token}"),
        ("room phone join", "/live/"),
        ("room phone", f"/live/{demo.room.code}/"),
        ("kiosk", demo.kiosk_url),
    ]
    for name, path in pages:
        response = page.goto(path)
        assert response.ok, name
        assert response.headers["content-security-policy"] == STRICT, name
        assert "geolocation=()" in response.headers["permissions-policy"], name

    # The maps draw: Leaflet with the twin as base map, and the 3D twin with MapLibre's worker.
    visit(page, demo.consultation.url)
    wait_for_map(page)
    expect(page.locator("#consultation-map canvas, #consultation-map img").first).to_be_attached()
    visit(page, f"/consultations/{demo.consultation.pk}/3d/")
    expect(page.locator("#scene-map")).to_have_attribute("data-state", "ready", timeout=WEBGL_READY)


def test_the_editors_preview_of_a_page_is_framed_under_the_admins_policy(context, log_in, demo):
    log_in(get_user_model().objects.get(username="admin"))
    page = context.new_page()
    visit(page, f"/admin/pages/{demo.consultation.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()

    preview = page.frame_locator("iframe#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(demo.consultation.title)  # drawn, not refused


def test_a_phones_answer_reaches_the_kiosk_live_under_the_policy(context, demo):
    kiosk = context.new_page()
    visit(kiosk, demo.kiosk_url)
    wait_for_kiosk(kiosk)
    phone: Page = context.new_page()
    visit(phone, f"/live/{demo.room.code}/")
    wait_for_phone(phone)  # its socket is open: 'self' covers ws: of the same host

    option = "Sitzbänke am Ufer"
    on_screen = kiosk.locator(".scene--poll .bars li", has_text=option).locator(".bars__value")
    before = int(on_screen.inner_text().split()[0])
    phone.get_by_role("radio", name=option).check()
    phone.get_by_role("button", name="Send answer").click()

    expect(phone.locator("#room-notice")).to_have_text("Thank you, your answer has been counted.")
    expect(on_screen).to_have_text(re.compile(rf"^{before + 1} "))  # the kiosk's frame, over its socket
