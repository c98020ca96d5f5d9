"""A consultation rated from 1 to 5, in a real browser against a real server: a citizen rates a proposal by
keyboard alone on its page (a radio group with words for every value), the page shows the new average and
distribution, the kiosk in the room redraws them without reloading, and axe-core finds nothing on the way.
The demo's "Grüne Straßen im Quartier" is rated; its citizens rated "Baumreihe" 5, 4, 4, 2, 5, 3."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participation.models import ConsultationPage, ProposalPage, Vote
from tests.support import factories
from tests.support.browser import PageAudit, outside_event_loop, screenshot, wait_for_kiosk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_citizen_rates_by_keyboard_and_the_kiosk_shows_the_new_average(context, log_in, demo):
    consultation = ConsultationPage.objects.get(slug="gruene-strassen")
    proposal = ProposalPage.objects.child_of(consultation).get(slug="baumreihe")
    screen = outside_event_loop(factories.screen, consultation, "quartier")
    citizen = factories.CitizenFactory(username="bewertet")
    log_in(citizen)

    # The kiosk of the rated consultation, before: six ratings, 23 points.
    kiosk = context.new_page()
    kiosk.goto(f"/kiosk/{screen.slug}/?token={screen.token}")
    wait_for_kiosk(kiosk)
    drawn = kiosk.locator(f'#kiosk-proposals [data-proposal="{proposal.pk}"]')
    expect(drawn.locator(".rating-average")).to_have_text("Average rating: 3.8 of 5 · 6 ratings")
    kiosk.evaluate("() => { window.__sameDocument = true; }")

    page = context.new_page()
    page.goto(proposal.url)
    vote = page.locator("#vote")
    expect(vote.get_by_role("group", name="Your rating")).to_be_visible()
    expect(vote.locator(".rating-average")).to_have_text("Average rating: 3.8 of 5 (6 ratings)")
    audit = PageAudit()
    audit.check(page, "rated proposal")

    # By keyboard: into the radio group, arrows to "4 (good)", Tab to the button, Enter.
    page.get_by_role("radio", name="1 (very poor)").focus()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="4 (good)")).to_be_checked()
    expect(page.get_by_role("radio", name="4 (good)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Vote")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Your vote is counted")
    expect(page.get_by_role("radio", name="4 (good)")).to_be_checked()
    expect(vote.locator(".rating-average")).to_have_text("Average rating: 3.9 of 5 (7 ratings)")
    good = vote.get_by_role("row", name="4 (good)")
    expect(good.locator(".rating-count")).to_have_text("3")  # the demo's two and this one
    expect(good.locator("meter")).to_have_attribute("aria-label", "4 (good): 43 %")
    audit.check(page, "rated proposal after rating")
    screenshot(page, "rating-proposal")
    audit.assert_clean()
    assert outside_event_loop(lambda: Vote.objects.get(participant__user=citizen).rating) == 4

    # The kiosk redrew within a few seconds, without reloading.
    expect(drawn.locator(".rating-average")).to_have_text("Average rating: 3.9 of 5 · 7 ratings", timeout=5_000)
    expect(drawn.locator(".bars li").nth(3)).to_contain_text("3 (43 %)")
    expect(drawn.locator('tr[data-channel="online"] td').first).to_have_text("7")
    assert kiosk.evaluate("() => window.__sameDocument === true"), "the kiosk reloaded instead of redrawing"
