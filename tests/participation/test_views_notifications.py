"""The follow button, a consultation's news on its page, and the notification settings in the account area."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation import services
from participation.models import Follow, NotificationSettings
from tests.support import factories
from tests.support.pages import browser


@pytest.fixture
def consultation(db):
    return factories.consultation("participate", title="Neuer Marktplatz")


def follow_url(consultation) -> str:
    return f"/consultations/{consultation.pk}/follow/"


def test_a_citizen_follows_and_unfollows_with_the_button(consultation):
    citizen = factories.CitizenFactory()
    client = browser(citizen)
    page = client.get(consultation.url).content.decode()
    assert f'action="{follow_url(consultation)}"' in page and "Follow this consultation" in page

    response = client.post(follow_url(consultation), {"action": "follow"})
    assert response.status_code == 302 and response["Location"] == f"{consultation.url}#follow"
    assert Follow.objects.filter(user=citizen, consultation=consultation).count() == 1
    client.post(follow_url(consultation), {"action": "follow"})  # again: still one
    assert Follow.objects.filter(user=citizen, consultation=consultation).count() == 1
    page = client.get(consultation.url).content.decode()
    assert "You follow this consultation" in page and "Stop following" in page

    client.post(follow_url(consultation), {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_a_visitor_is_asked_to_log_in_and_cannot_follow(consultation):
    client = browser()
    page = client.get(consultation.url).content.decode()
    assert "Log in to follow this consultation." in page
    response = client.post(follow_url(consultation), {"action": "follow"})
    assert response.status_code == 403
    assert "Please log in to follow a consultation." in response.content.decode()
    assert not Follow.objects.exists()


def test_an_unconfirmed_account_cannot_follow(consultation):
    response = browser(factories.UserFactory()).post(follow_url(consultation), {"action": "follow"})
    assert response.status_code == 403
    assert "Please confirm your email address to follow a consultation." in response.content.decode()
    assert not Follow.objects.exists()


def test_an_unpublished_consultation_cannot_be_followed(consultation):
    consultation.unpublish()
    response = browser(factories.CitizenFactory()).post(follow_url(consultation), {"action": "follow"})
    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_following_is_rate_limited(consultation):
    client = browser(factories.CitizenFactory())
    statuses = [client.post(follow_url(consultation), {"action": "follow"}).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    response = client.post(follow_url(consultation), {"action": "unfollow"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_a_get_of_the_follow_address_is_refused(consultation):
    assert browser(factories.CitizenFactory()).get(follow_url(consultation)).status_code == 405


def test_the_consultation_page_lists_its_news_newest_first(consultation):
    now = timezone.now()
    services.add_news(consultation=consultation, title="Ältere Nachricht", intro="Eins.", date=now - timedelta(days=2))
    newer = services.add_news(consultation=consultation, title="Neue Nachricht", intro="Zwei.", date=now)
    draft = services.add_news(consultation=consultation, title="Entwurf", intro="Drei.", date=now)
    draft.unpublish()
    page = browser().get(consultation.url).content.decode()
    assert 'id="news-heading"' in page
    assert page.index("Neue Nachricht") < page.index("Ältere Nachricht")
    assert "Entwurf" not in page

    news_page = browser().get(newer.url)
    assert news_page.status_code == 200
    text = news_page.content.decode()
    assert "<h1" in text and "Neue Nachricht" in text and "Neuer Marktplatz" in text


def test_without_news_the_page_says_so(consultation):
    assert "There is no news yet." in browser().get(consultation.url).content.decode()
    assert "Es gibt noch keine Neuigkeiten." in browser(language="de").get(consultation.url).content.decode()


def test_news_of_an_unpublished_consultation_is_not_shown(consultation):
    news = services.add_news(consultation=consultation, title="Nachricht", intro="Eins.")
    consultation.unpublish()
    assert browser().get(news.url).status_code == 404


def test_the_settings_page_saves_what_the_citizen_switches_on(db):
    citizen = factories.CitizenFactory()
    client = browser(citizen, language="de")
    page = client.get("/accounts/notifications/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Benachrichtigungen</h1>" in text
    assert 'href="/accounts/notifications/" aria-current="page"' in text  # in the account menu
    assert text.count('type="checkbox"') == 5
    for box in range(5):
        assert f'<label for="id_kinds_{box}">' in text

    response = client.post(
        "/accounts/notifications/", {"kinds": ["reply", "news"], "delivery": "daily", "language": "en"}
    )
    assert response.status_code == 302
    chosen = NotificationSettings.objects.get(user=citizen)
    assert (chosen.on_reply, chosen.on_news, chosen.on_phase, chosen.delivery, chosen.language) == (
        True,
        True,
        False,
        "daily",
        "en",
    )
    text = client.get("/accounts/notifications/").content.decode()
    assert 'value="reply" id="id_kinds_0" checked' in text or ('value="reply"' in text and "checked" in text)


def test_the_settings_page_refuses_what_it_does_not_offer(db):
    client = browser(factories.CitizenFactory())
    response = client.post("/accounts/notifications/", {"kinds": ["spam"], "delivery": "hourly", "language": "xx"})
    assert response.status_code == 400
    assert not NotificationSettings.objects.exists()


def test_the_settings_page_needs_a_login(db):
    response = browser().get("/accounts/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_account_download_holds_follows_and_settings_and_deleting_the_account_removes_them(consultation):
    from forum import services as forum_services
    from participation import selectors

    citizen = factories.CitizenFactory()
    services.follow_consultation(user=citizen, consultation=consultation)
    services.save_notification_settings(user=citizen, kinds=["news"], delivery="daily", language="en")
    data = selectors.account_contributions(user=citizen)
    assert data["follows"] == [{"consultation": "Neuer Marktplatz", "since": data["follows"][0]["since"]}]
    assert data["notification_settings"] == {"kinds": ["news"], "delivery": "daily", "language": "en"}
    assert selectors.account_contributions(user=factories.CitizenFactory())["notification_settings"] is None

    forum_services.delete_account(user=citizen, withdraw_contributions=False)
    assert not Follow.objects.exists() and not NotificationSettings.objects.exists()
