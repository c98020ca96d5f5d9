"""A citizen's own contributions in a real browser: log in, comment, change the comment within the minutes after
posting, withdraw it; "My account" and "My contributions and votes" pass axe-core."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from participation import services
from participation.models import Contribution
from tests.support.browser import PageAudit, ready, wait_for_map
from tests.support.factories import CitizenFactory, moderator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Gracht-und-Altstadt-2031"
SCREENSHOT = "/tmp/account-page.png"


def citizen_with_password(username: str, email: str):
    """A citizen whose password the server can check (the test run's own hasher is one the server does not use)."""
    user = CitizenFactory(username=username, email=email)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def test_a_citizen_comments_edits_within_the_minutes_and_withdraws(context, demo):
    citizen_with_password("Uferfreundin", "uferfreundin@example.org")
    page = context.new_page()
    audit = PageAudit()

    page.goto("/accounts/login/")
    page.get_by_role("textbox", name=re.compile(r"e-?mail", re.I)).fill("uferfreundin@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile(r"^Sign In$", re.I)).click()
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(demo.consultation.url)
    wait_for_map(page)
    page.get_by_label("Your comment").fill("Mehr Bänke am Wasser, bitte.")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is published")
    mine = page.locator("#comments li.comment", has_text="Mehr Bänke am Wasser")
    expect(mine).to_contain_text("Uferfreundin")

    # The city answers it: a block under the comment, with a heading that says what it is; axe finds nothing.
    comment = Contribution.objects.get(text="Mehr Bänke am Wasser, bitte.")
    services.answer_contribution(staff=moderator(), contribution=comment, text="Im Mai kommen zwei Bänke.")
    page.reload()
    ready(page)
    answer = mine.locator(".official-answer")
    expect(answer.get_by_role("heading", name="Official answer of the city")).to_be_visible()
    expect(answer).to_contain_text("Im Mai kommen zwei Bänke.")
    audit.check(page, "consultation with an official answer")

    # "My account": every section, the public name in its field; axe finds nothing; a picture for the record.
    nav.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    for section in ("Public name", "E-mail addresses", "Password", "My contributions and votes", "Delete account"):
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.get_by_role("textbox", name="Public name")).to_have_value("Uferfreundin")
    audit.check(page, "my account")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # "My contributions and votes": the comment, published, with its buttons.
    page.get_by_role("main").get_by_role("link", name="Show my contributions and votes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My contributions and votes")
    item = page.locator(".own-contributions li", has_text="Mehr Bänke am Wasser")
    expect(item).to_contain_text("Published")
    audit.check(page, "my contributions and votes")

    # Changed within the minutes after posting: the page shows the new text, marked as edited.
    item.get_by_role("link", name=re.compile(r"^Edit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit my contribution")
    page.get_by_label("Your text").fill("Mehr Bänke und Bäume am Wasser, bitte.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your contribution has been changed.")
    page.goto(demo.consultation.url)
    mine = page.locator("#comments li.comment", has_text="Mehr Bänke und Bäume am Wasser")
    expect(mine).to_contain_text("edited")
    expect(page.locator("#comments")).not_to_contain_text("Mehr Bänke am Wasser, bitte.")

    # Withdrawn: gone from the page, marked so in the account.
    nav.get_by_role("link", name="My account").click()
    page.get_by_role("navigation", name="My account").get_by_role("link", name="My contributions and votes").click()
    item = page.locator(".own-contributions li", has_text="Mehr Bänke und Bäume am Wasser")
    item.get_by_role("link", name=re.compile(r"^Withdraw")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw my contribution")
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.get_by_role("status")).to_contain_text("Your contribution has been withdrawn.")
    expect(page.locator(".own-contributions li", has_text="Mehr Bänke und Bäume")).to_contain_text("Withdrawn")
    audit.check(page, "my contributions and votes, one withdrawn")
    page.screenshot(path="/tmp/own-contributions.png", full_page=True)
    page.goto(demo.consultation.url)
    expect(page.locator("#comments")).not_to_contain_text("Mehr Bänke und Bäume am Wasser")

    audit.assert_clean()
