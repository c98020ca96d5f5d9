"""The twin's search page in a real browser, by keyboard only: the field, the count said aloud, the results
one Tab stop each, an object's page; axe on every state. On the demo's Delft city model."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import PageAudit, ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_visitor_finds_water_by_keyboard_and_opens_it(context, demo):
    page = context.new_page()
    audit = PageAudit()
    page.goto("/twin/")
    audit.check(page, "twin search, empty")

    page.get_by_label("Name, address, street, what it is or id").focus()
    page.keyboard.type("water")
    page.keyboard.press("Enter")  # a plain GET form

    status = page.get_by_role("status")
    expect(status).to_have_text("3 objects found for “water”.")
    expect(status).to_have_attribute("aria-live", "polite")
    results = page.locator("ol.twin-results a")
    expect(results).to_have_count(3)
    expect(results).to_have_text(["Watercourse"] * 3)
    audit.check(page, "twin search, results")

    page.get_by_label("Name, address, street, what it is or id").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Search")).to_be_focused()
    page.keyboard.press("Tab")
    expect(results.first).to_be_focused()
    page.keyboard.press("Tab")
    expect(results.nth(1)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Watercourse")
    expect(page.locator(".twin-id")).not_to_be_empty()  # its id stays visible, among the facts
    ready(page)
    audit.check(page, "twin object found by the search")
    audit.assert_clean()
