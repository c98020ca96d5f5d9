"""Where people look for objects of the twin: the search page (a labelled field, a list of links, the count
announced), the comment form's picker, an object's page and the admin's list and chooser; objects shown by
their names in German and English, never by their ids."""

import html
import re

import pytest

from participation.models import ConsultationTwinFeature
from tests.support import factories
from tests.support.factories import box
from tests.support.pages import browser, comment_form

SEARCH = "/twin/"


@pytest.fixture
def visitor(db):
    return browser()


@pytest.fixture
def places(db):
    """A church, a school with an address, a street and a bridge in Delft's demo area."""
    return {
        "church": factories.twin_feature(function="31001_3041", storeys=1, height=24.0, twin_id="DEBY_LOD2_1"),
        "school": factories.twin_feature(function="31001_3021", address="Schulweg 3, Kempten", twin_id="DEBY_LOD2_2"),
        "street": factories.twin_feature(kind="street", name="Kirchstraße", function="Gemeindestraße", twin_id="S1"),
        "bridge": factories.twin_feature(kind="bridge", function="dek", twin_id="G0503.032e68f09d7049cce05"),
    }


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def result_links(page: str) -> list[tuple[str, str]]:
    """(href, text) of each result link, in order."""
    listed = re.search(r'<ol class="twin-results"[^>]*>(.*?)</ol>', page, re.DOTALL)
    assert listed, "the results are a list"
    return [(href, html.unescape(text)) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', listed[1])]


def test_the_search_page_has_a_labelled_field_and_a_live_count(visitor):
    page = page_of(visitor.get(SEARCH))

    assert re.search(r'<label for="twin-search-q">Name, address, street, what it is or id</label>', page)
    assert re.search(r'<input type="search" name="q" id="twin-search-q"', page)
    assert re.search(r'<p id="twin-results-status" role="status" aria-live="polite"></p>', page)
    assert "twin-results" not in page.split("twin-results-status")[1]  # no list before a search
    assert '<button type="submit">Search</button>' in page


def test_results_are_links_named_as_people_call_the_objects_ranked(visitor, places):
    page = page_of(visitor.get(SEARCH, {"q": "Kirch"}))

    assert "2 objects found for “Kirch”." in page
    assert result_links(page) == [
        (f"/twin/{places['street'].pk}/", "Kirchstraße"),  # its name starts with the query
        (f"/twin/{places['church'].pk}/", "Church, 1 storey, 24 m"),  # what it is
    ]
    assert "(Gemeindestraße)" in page  # what a named object is, beside its name
    assert "DEBY_LOD2_1" not in page


def test_results_in_german_by_german_and_english_words(places):
    german = browser(language="de")

    for query in ("Kirche", "church"):
        page = page_of(german.get(SEARCH, {"q": query}))
        assert result_links(page) == [(f"/twin/{places['church'].pk}/", "Kirche, 1 Geschoss, 24 m")]
        assert f"Ein Objekt für „{query}“ gefunden." in page
    page = page_of(german.get(SEARCH, {"q": "Schule"}))
    assert result_links(page) == [(f"/twin/{places['school'].pk}/", "Schulweg 3, Kempten")]
    assert "(Allgemein bildende Schule)" in page
    assert result_links(page_of(german.get(SEARCH, {"q": "Brücke"}))) == [
        (f"/twin/{places['bridge'].pk}/", "Brückendeck")
    ]


def test_a_search_that_finds_nothing_says_so(visitor, places):
    page = page_of(visitor.get(SEARCH, {"q": "Eiffelturm"}))

    assert re.search(r'role="status" aria-live="polite">No object found for “Eiffelturm”.</p>', page)
    assert 'class="twin-results"' not in page


def test_the_object_page_names_it_and_decodes_its_codes_the_id_among_the_facts(places):
    church = places["church"]
    church.roof_type = "3100"
    church.save()

    page = page_of(browser(language="de").get(f"/twin/{church.pk}/"))

    assert re.search(r"<h1[^>]*>\s*Kirche, 1 Geschoss, 24 m\s*</h1>", page)
    assert 'Kirche <span class="muted">(31001_3041)</span>' in page
    assert 'Satteldach <span class="muted">(3100)</span>' in page
    assert '<dd class="twin-id">DEBY_LOD2_1</dd>' in page
    assert f'<a href="{SEARCH}">Den Zwilling durchsuchen</a>' in page


def test_the_comment_form_s_picker_lists_found_objects_by_name_keyboard_ready(db, citizen, places):
    consultation = factories.consultation("participate")
    far = factories.twin_feature(box(4.40, 52.02, 4.41, 52.03), function="31001_3041")
    ConsultationTwinFeature.objects.create(page=consultation, twin_feature=places["school"])

    response = browser(citizen).post(consultation.url, comment_form(twin_q="church", twin_search="1"))

    page = page_of(response)
    assert '<label for="id_twin_q">Search the twin by name, address or id</label>' in page
    assert re.search(r'<p id="twin-status" class="help" aria-live="polite">One object found for “church”.</p>', page)
    church = places["church"].pk
    assert re.search(rf'<input type="radio" name="twin_feature" value="{church}" id="twin-choice-{church}">', page)
    assert f'<label for="twin-choice-{church}">Church, 1 storey, 24 m</label>' in page
    school = places["school"].pk
    assert re.search(
        rf'<label for="twin-choice-{school}">Schulweg 3, Kempten <span class="muted">\(School\)</span></label>', page
    )
    assert f"twin-choice-{far.pk}" not in page  # outside the consultation's area


@pytest.fixture
def editor(db):
    return factories.UserFactory(username="editor", is_staff=True, is_superuser=True)


def test_the_admin_lists_and_chooses_twin_objects_by_what_they_are(places, editor):
    client = browser(editor)

    listing = page_of(client.get("/admin/snippets/participation/twinfeature/", {"q": "Kirch"}))
    chooser = client.get("/admin/snippets/choose/participation/twinfeature/results/", {"q": "church"})

    assert "Church, 1 storey, 24 m" in listing and "Kirchstraße" in listing
    assert "Schulweg" not in listing and "Bridge deck" not in listing
    chosen = page_of(chooser)
    assert "Church, 1 storey, 24 m" in chosen and "Kirchstraße" not in chosen
    assert "DEBY_LOD2_1" not in chosen
