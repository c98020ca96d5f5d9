"""The site's error views (forum.views.site): under /api/ every error is JSON with a message, elsewhere the
site's page; a rate-limited page says when to try again; ids beyond 64 bits in the room's paths name nothing."""

import pytest
from django.test import Client, RequestFactory
from django_ratelimit.exceptions import Ratelimited

from forum.views import rate_limited
from tests.support import factories
from tests.support.api import API, api_client

HUGE = "99999999999999999999"


def test_a_rate_limited_page_says_when_to_try_again(db):
    response = rate_limited(RequestFactory().get("/accounts/login/"), Ratelimited())

    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_an_upvote_of_a_question_id_beyond_64_bits_names_nothing(voting_consultation):
    room = factories.room(voting_consultation)

    assert Client().post(f"/live/{room.code}/questions/{HUGE}/upvote/").status_code == 404
    phone = api_client()
    response = phone.post(f"{API}/rooms/{room.code}/questions/{HUGE}/upvote/", headers={"X-CSRFToken": phone.csrf})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_form_body_too_large_for_the_api_is_a_413_in_json(voting_consultation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    room = factories.room(voting_consultation)
    client = api_client()

    response = client.post(f"{API}/rooms/{room.code}/vote/", {"text": "x" * 4096}, headers={"X-CSRFToken": client.csrf})

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large: at most 1 kB."}


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_missing_csrf_token_under_the_api_is_json_in_the_users_language(db, language):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})

    response = client.post(f"{API}/no-such-thing/", "{}", content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": {
            "en": "This request lacks a valid CSRF token: please reload the page and try again.",
            "de": "Dieser Anfrage fehlt ein gültiges CSRF-Token: Bitte laden Sie die Seite neu und versuchen Sie es "
            "noch einmal.",
        }[language]
    }


def test_a_missing_csrf_token_elsewhere_is_djangos_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/no-such-page/", {})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
