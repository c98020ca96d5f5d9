"""Whole pages for visitors without a session, from the cache (participation.page_cache): what they get is what
a fresh render gives them, and every write, publication or phase change shows at once."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageViewRestriction

from participation import services
from participation.models import ModerationState
from tests.support import factories
from tests.support.pages import browser, queries_for

# As settings.py configures Redis (its OPTIONS, not those of the embedded default's local memory cache).
REDIS_DOWN = {
    "BACKEND": "participation.caching.TolerantRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def consultation(home):
    consultation = factories.consultation("vote")
    factories.bulk_comments(consultation, 60, author=factories.CitizenFactory(), replies_every=3)
    return consultation


@pytest.fixture(params=["home", "consultation", "proposal", "standard page", "privacy page"])
def url(request, home, consultation):
    if request.param == "standard page":
        return factories.standard_page(title="Impressum", slug="impressum").url
    if request.param == "privacy page":
        return factories.privacy_page().url
    return {"home": "/", "consultation": consultation.url, "proposal": factories.proposal(consultation).url}[
        request.param
    ]


def without_tokens(response) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def kept_and_served(url: str, **options):
    """The page rendered for one visitor without a session (and kept), then as the next one gets it."""
    browser(**options).get(url)
    return browser(**options).get(url)


def test_the_page_from_the_cache_is_the_page_a_fresh_render_gives(url, django_assert_max_num_queries):
    browser().get(url)
    with django_assert_max_num_queries(1):  # the site's revision, with a consultation's results revision
        cached = browser().get(url)
    cache.clear()
    fresh = browser().get(url)

    assert cached.status_code == fresh.status_code == 200
    assert without_tokens(cached) == without_tokens(fresh)
    assert dict(cached.headers) == dict(fresh.headers)
    assert cached["Vary"] == "Cookie, Accept-Language" and cached["Content-Language"] == "en"
    assert set(cached.cookies) == set(fresh.cookies) == {"csrftoken"}


def test_a_page_from_the_cache_is_read_with_one_query(home, consultation, django_assert_num_queries):
    proposal = factories.proposal(consultation)
    imprint = factories.standard_page(title="Impressum", slug="impressum")
    for url in ("/", imprint.url, consultation.url, proposal.url, consultation.url + "?page=2"):
        browser().get(url)
        with django_assert_num_queries(1):  # the site's revision, with a consultation's results revision
            assert browser().get(url).status_code == 200


def test_the_csrf_token_of_a_cached_page_is_the_visitors_own(consultation):
    browser().get(consultation.url)
    visitor = browser(enforce_csrf_checks=True)
    page = visitor.get(consultation.url)

    tokens = TOKEN.findall(page.content.decode())
    assert tokens and "<" not in tokens[0]
    switched = visitor.post("/i18n/setlang/", {"language": "de", "next": "/", "csrfmiddlewaretoken": tokens[0]})
    assert switched.status_code == 302
    stranger = browser(enforce_csrf_checks=True)
    stranger.get("/")  # a token of its own, not the one above
    assert stranger.post("/i18n/setlang/", {"language": "de", "csrfmiddlewaretoken": tokens[0]}).status_code == 403


def test_a_vote_shows_at_once(consultation):
    proposal = factories.proposal(consultation)
    for url in (consultation.url, proposal.url):
        assert "Support: <strong>0</strong>" in kept_and_served(url).content.decode()

    services.cast_vote(voter=factories.CitizenFactory(), proposal=proposal, choice="support")

    for url in (consultation.url, proposal.url):
        assert "Support: <strong>1</strong>" in browser().get(url).content.decode()


def test_a_comment_and_its_moderation_show_at_once(home, moderator):
    consultation = factories.consultation("participate")
    kept_and_served(consultation.url)
    comment = services.post_contribution(author=factories.CitizenFactory(), consultation=consultation, text="Ganz neu")
    assert "Ganz neu" in browser().get(consultation.url).content.decode()

    services.moderate_contribution(
        moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason="Spam"
    )
    assert "Ganz neu" not in browser().get(consultation.url).content.decode()


def test_a_published_revision_shows_at_once_on_its_page_and_on_those_that_list_it(home, consultation):
    proposal = factories.proposal(consultation, title="Alter Titel")
    for url in ("/", consultation.url, proposal.url):
        kept_and_served(url)

    proposal.title = "Neuer Titel"
    proposal.save_revision().publish()
    consultation.title = "Neuer Platz"
    consultation.save_revision().publish()

    assert "Neuer Titel" in browser().get(consultation.url).content.decode()
    assert "Neuer Titel" in browser().get(proposal.url).content.decode()
    assert "Neuer Platz" in browser().get("/").content.decode()


def test_an_unpublished_consultation_is_gone_at_once(home, consultation):
    proposal = factories.proposal(consultation)
    for url in ("/", consultation.url, proposal.url):
        kept_and_served(url)

    consultation.unpublish()

    assert browser().get(consultation.url).status_code == 404
    assert browser().get(proposal.url).status_code == 404
    assert consultation.title not in browser().get("/").content.decode()


def test_a_page_restricted_to_accounts_is_never_served_from_the_cache(consultation):
    kept_and_served(consultation.url)
    PageViewRestriction.objects.create(page=consultation, restriction_type=PageViewRestriction.LOGIN)

    for _ in range(2):
        response = browser().get(consultation.url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_phase_moves_on_with_the_time(home):
    soon = timezone.now() + timedelta(seconds=1.5)
    consultation = factories.consultation(
        "inform", participation_starts=soon, participation_ends=soon + timedelta(days=10)
    )
    home_before = kept_and_served("/").content.decode()
    before = kept_and_served(consultation.url).content.decode()
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.1)

    assert "Information" in before and "Information" in home_before
    assert "Participation</span>" in browser().get(consultation.url).content.decode()
    assert "Participation</span>" in browser().get("/").content.decode()


def test_logged_in_visitors_and_those_with_a_session_never_get_the_cached_page(consultation, citizen):
    kept_and_served(consultation.url)

    page = browser(citizen).get(consultation.url).content.decode()
    assert "Log out" in page and "Log in" not in page

    with_session = browser()
    session = with_session.session
    session["seen"] = True
    session.save()
    with_session.cookies["sessionid"] = session.session_key
    assert queries_for(with_session, consultation.url) > 2


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered(consultation):
    kept_and_served(consultation.url)
    visitor = browser()
    visitor.cookies[CookieStorage.cookie_name] = "pending"

    assert queries_for(visitor, consultation.url) > 2


def test_each_language_has_its_own_page(consultation):
    english = kept_and_served(consultation.url, language="en")
    german = kept_and_served(consultation.url, language="de")

    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    assert german["Content-Language"] == "de" and '<html lang="de">' in german.content.decode()
    assert "Kommentare" in german.content.decode() and "Comments" in english.content.decode()


def test_comment_pages_are_kept_apart_and_other_queries_are_rendered(consultation):
    first, second = kept_and_served(consultation.url), kept_and_served(consultation.url + "?page=2")

    assert "Kommentar 0" in first.content.decode() and "Kommentar 55" in second.content.decode()
    assert 'value="/consultation-1/?page=2"' in second.content.decode()  # the language form's way back
    browser().get(consultation.url + "?page=2&x=1")
    assert queries_for(browser(), consultation.url + "?page=2&x=1") > 2


def test_pages_are_served_while_redis_is_down(settings, url, caplog):
    settings.CACHES = {"default": {**settings.CACHES["default"], **REDIS_DOWN}}
    for _ in range(2):
        response = browser().get(url)
        assert response.status_code == 200 and "</html>" in response.content.decode()
    assert "is Redis down?" in caplog.text
