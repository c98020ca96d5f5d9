"""The JSON APIs answer a body they cannot read, or an object that is not there, in the user's language,
never with a parser's or Django's internals."""

import pytest

from tests.support import factories
from tests.support.api import API, api_client

NOT_JSON = '{"choice": support'
UNREADABLE = {
    "en": "The request body cannot be read: please send valid JSON.",
    "de": "Die Anfrage kann nicht gelesen werden: Bitte senden Sie gültiges JSON.",
}
NOT_FOUND = {"en": "Not found.", "de": "Nicht gefunden."}


def post_raw(client, url: str, body: str, language: str):
    headers = {"X-CSRFToken": client.csrf, "Accept-Language": language}
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_body_that_is_not_json_is_refused_in_words(citizen, proposal, language):
    response = post_raw(api_client(citizen), f"{API}/proposals/{proposal.pk}/vote/", NOT_JSON, language)

    assert response.status_code == 400
    assert response.json() == {"detail": UNREADABLE[language]}


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_phone_sending_no_json_to_the_room_is_refused_in_words(voting_consultation, language):
    room = factories.room(voting_consultation)
    client = api_client()

    response = post_raw(client, f"{API}/rooms/{room.code}/vote/", NOT_JSON, language)

    assert response.status_code == 400
    assert response.json()["detail"] == UNREADABLE[language]


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_unknown_object_is_not_found_in_words(citizen, voting_consultation, language):
    response = post_raw(api_client(citizen), f"{API}/proposals/999999/vote/", '{"choice": "support"}', language)

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND[language]}
    assert "ProposalPage" not in response.content.decode()
