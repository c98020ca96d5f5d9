"""Bad input to the site's pages is a 4xx with a message in the visitor's language, never a 500: ids beyond
64 bits in paths, a NUL character in the twin search, JSON nested a thousand levels deep or infinite and
overflowing coordinates in the comment form, ids beyond 64 bits in its hidden fields; a 429 says when to
send again."""

import pytest

from participation.models import Contribution
from tests.support import factories
from tests.support.pages import browser, comment_form

HUGE = "99999999999999999999"
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def as_citizen(citizen):
    return browser(citizen)


@pytest.mark.parametrize(
    "url",
    [f"/twin/{HUGE}/", f"/consultations/{HUGE}/3d/", f"/consultations/{HUGE}/3d/scene.geojson"],
)
def test_an_id_beyond_64_bits_in_a_path_is_a_404(db, url):
    assert browser().get(url).status_code == 404


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_nul_character_in_the_twin_search_is_a_400_with_a_message(db, language):
    response = browser(language=language).get("/twin/", {"q": "Kirch\x00e"})

    assert response.status_code == 400
    message = {
        "en": "The search contains a character that is not allowed (NUL).",
        "de": "Die Suche enthält ein nicht erlaubtes Zeichen (NUL).",
    }[language]
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("geometry", [DEEP, '{"type": "Point", "coordinates": ' + DEEP + "}"])
def test_a_deep_geometry_is_refused_on_the_form(as_citizen, participating_consultation, geometry):
    response = as_citizen.post(participating_consultation.url, comment_form(geometry=geometry))

    assert response.status_code == 400
    assert "This is nested too deeply to be read." in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_deep_geometry_survives_the_twin_search_of_the_form(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(geometry=DEEP, twin_search="1", twin_q="x"))

    assert response.status_code == 200
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("latitude", ["inf", "-inf", "nan", "1e400", "-1e309"])
def test_infinite_or_overflowing_coordinates_are_refused_on_the_form(as_citizen, participating_consultation, latitude):
    response = as_citizen.post(participating_consultation.url, comment_form(latitude=latitude, longitude="11.5"))

    assert response.status_code == 400
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("field", ["parent", "twin_feature"])
def test_ids_beyond_64_bits_in_the_form_are_refused(as_citizen, participating_consultation, field):
    response = as_citizen.post(participating_consultation.url, comment_form(**{field: HUGE}))

    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_a_nul_character_in_a_comment_is_refused_on_the_form(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(text="Mehr\x00 Bäume"))

    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_a_comment_over_the_limit_says_when_to_send_again(as_citizen, participating_consultation, settings):
    settings.RATELIMIT_CONTRIBUTIONS = "1/h"
    as_citizen.post(participating_consultation.url, comment_form())

    response = as_citizen.post(participating_consultation.url, comment_form(text="Noch einer"))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"


def test_a_vote_over_the_limit_says_when_to_send_again(as_citizen, voting_consultation, settings):
    settings.RATELIMIT_VOTES = "1/m"
    proposal = factories.proposal(voting_consultation)
    as_citizen.post(proposal.url, {"action": "vote", "choice": "support"})

    response = as_citizen.post(proposal.url, {"action": "vote", "choice": "oppose"})

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
