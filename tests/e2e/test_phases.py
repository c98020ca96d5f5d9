"""A phase date passes while a phone and a kiosk screen are open, in a real browser against a real server
that runs the periodic check itself (every second here): the vote buttons appear on the phone and the
screen names the voting phase when voting opens, and both go back when it closes, without a reload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from forum import services as forum_services
from participation.models import ConsultationPage
from tests.support.browser import close_session, open_session, outside_event_loop, screenshot
from tests.support.server import SERVER_ENV, LiveServer, ServerProcess, new_channel_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SECONDS = dt.timedelta(seconds=1)


@pytest.fixture(scope="module")
def scheduled_server(chromium_path, django_db_setup, tmp_path_factory) -> Iterator[LiveServer]:
    """The site running the periodic run in its own process (as without beat), every second."""
    mail_dir = tmp_path_factory.mktemp("e2e-phases-mail")
    env = {**SERVER_ENV, "SCHEDULE_SECONDS": "1", "SCHEDULE_IN_PROCESS": "1"}
    process = ServerProcess(mail_dir=mail_dir, channel_prefix=new_channel_prefix(), extra_env=env)
    yield LiveServer(process=process, mail_dir=mail_dir)
    process.stop()


@pytest.fixture
def pages(request, browser, scheduled_server, demo) -> Iterator[tuple[Page, Page]]:
    phone = open_session(browser, scheduled_server.url, language="en", **PHONE)
    screen = open_session(browser, scheduled_server.url, language="en", viewport={"width": 1280, "height": 720})
    yield phone.context.new_page(), screen.context.new_page()
    failed = request.node.name if getattr(request.node, "e2e_failed", False) else None
    close_session(phone, failed_test=failed)
    close_session(screen, failed_test=failed)


def set_dates(consultation, **dates) -> None:
    ConsultationPage.objects.filter(pk=consultation.pk).update(**dates)  # as staff would, without the admin's form


def test_voting_opens_and_closes_on_the_phone_and_the_screen_when_its_dates_pass(pages, demo):
    phone, screen = pages
    now = timezone.now()
    opens, closes = now + 12 * SECONDS, now + 24 * SECONDS
    outside_event_loop(
        set_dates,
        demo.consultation,
        participation_starts=now - 10 * SECONDS,
        participation_ends=now + 6 * SECONDS,
        voting_starts=opens,
        voting_ends=closes,
    )
    outside_event_loop(
        forum_services.show_in_room,
        presenter=demo.room.opened_by,
        room=demo.room,
        scene="proposal",
        proposal=demo.proposal,
    )
    phone.goto(f"/live/{demo.room.code}/")
    screen.goto(demo.kiosk_url)
    phone.evaluate("() => { window.__sameDocument = true; }")
    screen.evaluate("() => { window.__sameDocument = true; }")
    support = phone.get_by_role("button", name="Support")
    phase = screen.locator("#kiosk-phase")

    expect(phone.get_by_text("Voting on this proposal is not open.")).to_be_visible()
    expect(support).to_have_count(0)
    expect(phase).to_have_attribute("data-voting-open", "false")

    expect(support).to_be_visible(timeout=20_000)
    assert timezone.now() >= opens
    expect(phase).to_have_text("Voting", timeout=5_000)
    expect(phase).to_have_attribute("data-voting-open", "true")
    screenshot(phone, "phases-phone-voting-open")
    screenshot(screen, "phases-kiosk-voting-open")

    expect(support).to_have_count(0, timeout=20_000)
    assert timezone.now() >= closes
    expect(phone.get_by_text("Voting on this proposal is not open.")).to_be_visible()
    expect(phase).to_have_text("Evaluation", timeout=5_000)
    expect(phase).to_have_attribute("data-voting-open", "false")
    for page in (phone, screen):
        assert page.evaluate("() => window.__sameDocument === true"), "redrawn by a reload, not by the frame"
