"""News, the follow button and the notification settings in a real browser, in German and English, with
axe-core finding nothing on any of their pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participation import services
from tests.support import factories
from tests.support.browser import PageAudit, screenshot, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXTS = {
    "de": {
        "follow": "Diesem Beteiligungsverfahren folgen",
        "stop": "Nicht mehr folgen",
        "log in": "Melden Sie sich an, um diesem Beteiligungsverfahren zu folgen.",
        "news": "Neuigkeiten",
        "notifications": "Benachrichtigungen",
        "reply": "Jemand auf meinen Kommentar antwortet",
        "digest": "Eine E-Mail am Tag mit allem Neuen (Zusammenfassung)",
        "save": "Speichern",
        "saved": "Ihre Einstellungen für Benachrichtigungen sind gespeichert.",
        "unsubscribe": "Abmelden",
    },
    "en": {
        "follow": "Follow this consultation",
        "stop": "Stop following",
        "log in": "Log in to follow this consultation.",
        "news": "News",
        "notifications": "Notifications",
        "reply": "Someone replies to my comment",
        "digest": "One e-mail a day with everything new (digest)",
        "save": "Save",
        "saved": "Your notification settings are saved.",
        "unsubscribe": "Unsubscribe",
    },
}


@pytest.mark.parametrize("ui_language", ["de", "en"])
def test_news_follow_and_notification_settings(context, log_in, demo, ui_language):
    said = TEXTS[ui_language]
    news = services.add_news(
        consultation=demo.consultation, title="Die Bauarbeiten beginnen", intro="Ab Montag wird am Ufer gebaut."
    )
    page = context.new_page()
    audit = PageAudit()

    visit(page, demo.consultation.url)
    expect(page.get_by_role("heading", name=said["news"], exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Die Bauarbeiten beginnen")).to_be_visible()
    expect(page.get_by_role("link", name=said["log in"])).to_be_visible()
    audit.check(page, f"consultation with news, visitor [{ui_language}]")

    visit(page, news.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Die Bauarbeiten beginnen")
    audit.check(page, f"news page [{ui_language}]")

    citizen = factories.CitizenFactory(username=f"folgt-{ui_language}")
    log_in(citizen)
    visit(page, demo.consultation.url)
    page.get_by_role("button", name=said["follow"]).click()
    expect(page.get_by_role("button", name=said["stop"])).to_be_visible()
    audit.check(page, f"consultation, followed [{ui_language}]")
    screenshot(page, f"notifications-consultation-{ui_language}")

    page.locator("#follow").get_by_role("link", name=said["notifications"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(said["notifications"])
    audit.check(page, f"notification settings [{ui_language}]")
    page.get_by_label(said["reply"]).check()
    page.get_by_label(said["digest"]).check()
    page.get_by_role("main").get_by_role("button", name=said["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(said["saved"])
    expect(page.get_by_label(said["reply"])).to_be_checked()
    audit.check(page, f"notification settings saved [{ui_language}]")
    screenshot(page, f"notifications-settings-{ui_language}")

    token = services.unsubscribe_token(user_id=citizen.pk, kind="reply")
    visit(page, f"/accounts/notifications/unsubscribe/{token}/")
    audit.check(page, f"unsubscribe, asked [{ui_language}]")
    page.get_by_role("main").get_by_role("button", name=said["unsubscribe"]).click()
    expect(page.get_by_role("status")).to_be_visible()
    audit.check(page, f"unsubscribe, done [{ui_language}]")
    audit.assert_clean()
