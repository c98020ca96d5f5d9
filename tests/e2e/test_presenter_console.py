"""The presenter's console in a real browser against a real server: a moderator logs in, opens the console
of the demo room, makes a poll on the spot and shows it; a phone (390x844, its own browser) sees it and
votes; the presenter reveals; phone and console show the results. axe-core checks the console (English and
German) and the paper entry pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participation.models import Channel, Poll, PollAnswer
from tests.support import factories
from tests.support.browser import PageAudit, close_session, open_session, outside_event_loop, screenshot, wait_for_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
QUESTION = "Wie sind Sie heute gekommen?"


@pytest.fixture
def presenter_page(context, log_in) -> Page:
    log_in(outside_event_loop(factories.presenter))
    return context.new_page()


@pytest.fixture
def phone(request, browser, live_server_process, demo) -> Page:
    session = open_session(browser, live_server_process.url, language="en", **PHONE)
    yield session.context.new_page()
    close_session(session, failed_test=request.node.name if getattr(request.node, "e2e_failed", False) else None)


SETTLED_JS = """() => document.getAnimations()
  .every((a) => !(a instanceof CSSTransition) || a.playState !== "running")"""


def settled(page: Page) -> Page:
    """Wagtail's messages fade in: axe reads their colours once the transitions have ended."""
    page.wait_for_function(SETTLED_JS)
    return page


def open_console(page: Page, demo) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Forum room").first.click()
    expect(page.locator(".console-room").first).to_contain_text(demo.room.code)
    page.get_by_role("link", name="Open the console").click()
    expect(page).to_have_url(re.compile(rf"/admin/room/{demo.room.pk}/$"))
    expect(page.locator("#console")).to_have_attribute("data-updated", re.compile(r"^\d+$"))  # the counters are live


def test_the_presenter_pushes_a_poll_a_phone_votes_and_the_reveal_reaches_both(presenter_page: Page, phone: Page, demo):
    console = presenter_page
    open_console(console, demo)
    audit = PageAudit()
    audit.check(settled(console), "console [en]")

    form = console.locator("#new-poll form")
    form.get_by_label("Question").fill(QUESTION)
    expect(form.get_by_label("Most choices per person")).to_be_hidden()  # single choice: no maximum asked
    form.get_by_label("Options, one per line").fill("Zu Fuß\nMit dem Rad\nMit dem Bus")
    expect(form.get_by_label("Hide results until revealed")).to_be_checked()  # the safer default
    expect(form.get_by_label("Show it in the room now and open it")).to_be_checked()
    form.get_by_role("button", name="Create poll").click()
    expect(console.locator(".messages")).to_contain_text("The poll is shown and open.")
    expect(console.locator('[data-console="poll-question"]')).to_have_text(QUESTION)
    expect(console.locator('[data-console="poll-visibility"]')).to_have_text("Results hidden from the room")

    phone.goto(f"/live/{demo.room.code}/")
    wait_for_phone(phone)
    expect(phone.get_by_role("heading", level=2)).to_have_text(QUESTION)
    expect(console.locator('[data-console="phone"]')).to_have_text("1", timeout=10_000)  # the heartbeat counts it
    phone.get_by_role("radio", name="Mit dem Rad").check()
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#room-notice")).to_have_text("Thank you, your answer has been counted.")
    expect(phone.locator(".room-results-hint")).to_contain_text("when the presenter reveals them")

    # The console counts the answer before the room sees any result.
    expect(console.locator('[data-console="answers"]')).to_have_text("1")
    expect(console.locator('[data-console="results"] li', has_text="Mit dem Rad")).to_contain_text("1 (100 %)")

    poll = console.locator("article.console-poll", has=console.get_by_role("heading", name=QUESTION))
    poll.get_by_role("button", name="Reveal results").click()
    expect(console.locator(".messages")).to_contain_text("Results revealed.")
    expect(phone.locator(".bars li", has_text="Mit dem Rad")).to_contain_text("1 (100 %)")
    expect(console.locator('[data-console="poll-visibility"]')).to_have_text("Results revealed to the room")
    expect(console.locator('[data-console="results"] li', has_text="Mit dem Rad")).to_contain_text("1 (100 %)")
    audit.check(settled(console), "console with a revealed poll [en]")
    screenshot(console, "presenter-console")

    answer = outside_event_loop(lambda: PollAnswer.objects.select_related("poll").get(poll__question=QUESTION))
    assert answer.channel == Channel.PHONE
    assert outside_event_loop(lambda: Poll.objects.get(question=QUESTION).revealed)
    audit.assert_clean()


def test_a_wrong_poll_says_what_is_wrong_at_its_field(presenter_page: Page, demo):
    open_console(presenter_page, demo)
    form = presenter_page.locator("#new-poll form")
    form.get_by_label("Question").fill("Nur eine Option?")
    form.get_by_label("Options, one per line").fill("Ja")
    form.get_by_role("button", name="Create poll").click()
    expect(presenter_page.locator("#new-poll")).to_contain_text("A poll with options needs between 2 and 12 of them.")
    expect(presenter_page.locator("#new-poll").get_by_label("Question")).to_have_value("Nur eine Option?")
    audit = PageAudit()
    audit.check(settled(presenter_page), "console with a form error [en]")
    audit.assert_clean()


@pytest.mark.parametrize("ui_language", ["de"])
def test_the_console_and_the_paper_pages_in_german_pass_axe(presenter_page: Page, demo, ui_language):
    audit = PageAudit()
    presenter_page.goto("/admin/room/")
    audit.check(settled(presenter_page), "room sessions [de]")
    presenter_page.goto(f"/admin/room/{demo.room.pk}/")
    expect(presenter_page.locator("#console")).to_have_attribute("data-updated", re.compile(r"^\d+$"))
    expect(presenter_page.locator("html")).to_have_attribute("lang", "de")
    audit.check(settled(presenter_page), "console [de]")
    presenter_page.goto(f"/admin/paper/{demo.consultation.pk}/")
    audit.check(settled(presenter_page), "paper entries [de]")
    presenter_page.goto(f"/admin/paper/{demo.consultation.pk}/proposal/{demo.proposal.pk}/")
    audit.check(settled(presenter_page), "paper sheet [de]")
    audit.assert_clean()


def test_paper_is_entered_corrected_and_the_pages_pass_axe(presenter_page: Page, demo):
    page = presenter_page
    audit = PageAudit()
    page.goto("/admin/paper/")
    audit.check(settled(page), "paper index [en]")
    page.get_by_role("link", name=demo.consultation.title).click()
    page.get_by_role("link", name=demo.proposal.title).first.click()
    expect(page.get_by_label("Support")).to_be_visible()
    audit.check(settled(page), "paper sheet [en]")
    page.get_by_label("Support").fill("-2")
    page.get_by_role("button", name="Enter the counts").click()
    expect(page.get_by_label("Support")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#main form")).to_contain_text("A count cannot be negative.")
    audit.check(settled(page), "paper sheet with an error [en]")
    page.get_by_label("Support").fill("5")
    page.get_by_label("Oppose").fill("1")
    page.get_by_role("button", name="Enter the counts").click()
    expect(page.locator(".messages")).to_contain_text("The counts are entered.")
    audit.check(settled(page), "paper audit trail [en]")
    page.locator("#trail tbody tr").first.get_by_role("link", name=re.compile(r"^Correct entry")).click()
    expect(page.get_by_label("Support")).to_have_value("5")
    page.get_by_label("Support").fill("6")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".messages")).to_contain_text("The correction is saved")
    expect(page.locator("#trail tbody tr").nth(1)).to_contain_text("superseded")
    screenshot(page, "paper-audit-trail")
    audit.assert_clean()
