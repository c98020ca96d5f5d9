"""What a citizen sees while writing and after sending, in a real browser: the characters left in the
comment field (a paste over the limit refused with a message, nothing cut), and a comment that waits for
review shown to its author, marked, where the page lands after sending."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participation.models import ConsultationPage
from tests.support.browser import paste_text
from tests.support.factories import CitizenFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIMIT = 2000


@pytest.mark.parametrize("ui_language", ["en", "de"])
def test_the_comment_field_counts_down_and_refuses_a_paste_over_the_limit(context, log_in, demo, ui_language):
    log_in(CitizenFactory(username=f"zaehler{ui_language}"))
    page = context.new_page()
    page.goto(demo.consultation.url)
    field = page.locator("#write textarea[name=text]")
    count = page.locator("#write .char-count").first
    words = {"en": ("characters left", "2,000"), "de": ("Zeichen", "2.000")}[ui_language]
    expect(count).to_contain_text(words[1])
    expect(count).to_contain_text(words[0])
    # The count is part of the field's description, so a screen reader reads it with the field.
    assert count.get_attribute("id") in field.get_attribute("aria-describedby")

    field.fill("Mehr Bäume am Ufer.")
    expect(count).to_contain_text(f"{LIMIT - 19:,}".replace(",", "." if ui_language == "de" else ","))

    paste_text(page, "#write textarea[name=text]", "x" * LIMIT)
    expect(page.locator("#write .char-count--refused")).to_be_visible()
    expect(page.locator("#write .char-count--refused")).to_have_attribute("role", "alert")
    expect(field).to_have_value("Mehr Bäume am Ufer.")  # nothing cut in, nothing lost

    paste_text(page, "#write textarea[name=text]", " Und Bänke.")
    expect(field).to_have_value("Mehr Bäume am Ufer. Und Bänke.")
    expect(page.locator("#write .char-count--refused")).to_be_hidden()


def test_a_comment_waiting_for_review_is_shown_to_its_author_where_the_page_lands(context, log_in, demo):
    ConsultationPage.objects.filter(pk=demo.consultation.pk).update(moderation_mode="pre")
    log_in(CitizenFactory(username="geduldig"))
    page = context.new_page()
    page.goto(demo.consultation.url)
    page.get_by_label("Your comment").fill("Bitte mehr Schatten am Spielplatz.")
    page.get_by_role("button", name="Publish comment").click()

    section = page.get_by_role("region", name="Your comments waiting for review")
    expect(section).to_contain_text("will be published once a moderator has reviewed it")
    waiting = section.locator("li.comment--pending")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Waiting for review")
    expect(waiting).to_contain_text("Bitte mehr Schatten am Spielplatz.")
    # The page landed on it: the comment is in view without scrolling.
    expect(waiting).to_be_in_viewport()
    expect(page.locator("#comments")).not_to_contain_text("Bitte mehr Schatten am Spielplatz.")
