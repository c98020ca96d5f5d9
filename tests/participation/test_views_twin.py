"""Pages of the twin: an object's own page, objects on consultation and proposal pages, and the comment
form's place (object, line, area) without JavaScript; with a fixed number of queries."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from participation.models import (
    ConsultationTwinFeature,
    Contribution,
    ModerationState,
    ProposalTwinFeature,
    TwinFeature,
    Vote,
)
from participation.services import import_twin_file
from tests.support import factories
from tests.support.factories import INSIDE, box
from tests.support.pages import browser, comment_form, queries_for, textarea_content
from tests.support.twin_files import DELFT

LINE = {"type": "LineString", "coordinates": [[4.3630, 52.0115], [4.3640, 52.0120], [4.3650, 52.0128]]}


@pytest.fixture
def visitor(db):
    return browser()


@pytest.fixture
def as_citizen(citizen):
    return browser(citizen)


def twin_url(feature) -> str:
    return reverse("participation:twin-feature", args=[feature.pk])


def content(response) -> str:
    return response.content.decode()


# --- an object's page ---------------------------------------------------------------------------


def test_the_object_page_shows_what_the_object_is(visitor, db):
    hall = factories.twin_feature(
        name="Stadhuis", address="Markt 87, Delft", kind="building", height=31.5, storeys=4, source="bag-delft"
    )

    response = visitor.get(twin_url(hall))

    assert response.status_code == 200
    page = content(response)
    assert re.search(r"<h1[^>]*>\s*Stadhuis\s*</h1>", page)
    for text in ["Markt 87, Delft", "Building", "31.5 m", "4", "bag-delft", hall.twin_id]:
        assert text in page
    assert "Data: bag-delft" in page  # a source without a known credit is credited by its name
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["feature"]["geometry"] == hall.geometry


def test_the_object_page_of_the_delft_model_credits_it(visitor, db):
    import_twin_file(path=DELFT)
    building = TwinFeature.objects.filter(kind="building").first()

    page = content(visitor.get(twin_url(building)))

    assert "3D city model Delft, Gemeente Delft / BGT via cityjson/cjio (MIT)" in page
    # No name or address: named by what it is and its height; the twin id is shown among the facts only.
    with translation.override("en"):
        label = building.label
    assert label.startswith("Building, ") and label.endswith(" m") and building.twin_id not in label
    assert re.search(rf"<h1[^>]*>\s*{re.escape(label)}\s*</h1>", page)
    assert f'<dd class="twin-id">{building.twin_id}</dd>' in page
    assert "not known" in page  # the storeys


def test_an_unknown_object_is_404(visitor, db):
    assert visitor.get("/twin/999999/").status_code == 404


def test_the_object_page_gathers_comments_and_votes_from_every_consultation(visitor, citizen):
    hall = factories.twin_feature(name="Stadhuis")
    first, second = factories.consultation("vote", title="Marktplatz"), factories.consultation("vote", title="Rathaus")
    proposal = factories.proposal(first, title="Neues Dach")
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=hall)
    Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), choice="support")
    Vote.objects.create(
        proposal=proposal, participant=factories.participant(factories.CitizenFactory()), choice="oppose"
    )
    factories.comment(first, author=citizen, twin_feature=hall, proposal=proposal, text="Das Dach ist undicht.")
    factories.comment(second, author=citizen, twin_feature=hall, text="Schöne Fassade.")
    factories.comment(second, twin_feature=hall, text="Verborgen", moderation_state=ModerationState.HIDDEN)
    factories.comment(second, text="Über etwas anderes")
    withdrawn = factories.consultation("vote")
    factories.comment(withdrawn, twin_feature=hall, text="Zurückgezogen")
    withdrawn.unpublish()

    response = visitor.get(twin_url(hall))

    page = content(response)
    assert "Das Dach ist undicht." in page and "Schöne Fassade." in page
    for hidden in ["Verborgen", "Über etwas anderes", "Zurückgezogen"]:
        assert hidden not in page
    assert [c.text for c in response.context["comments"]] == [
        "Schöne Fassade.",
        "Das Dach ist undicht.",
    ]  # newest first
    assert f'href="{first.url}"' in page and f'href="{second.url}"' in page and f'href="{proposal.url}"' in page
    (shown,) = response.context["proposals"]
    assert (shown, shown.totals) == (proposal, {"support": 1, "oppose": 1, "abstain": 0})
    assert shown.consultation == first
    assert "Neues Dach" in page


def test_the_object_page_lists_consultations_about_it_with_a_way_to_comment(visitor, db):
    hall = factories.twin_feature(name="Stadhuis")
    around = factories.consultation("participate", title="Um das Rathaus")  # DELFT_AREA covers it
    elsewhere = factories.consultation("participate", title="Anderswo", area=box(4.40, 52.02, 4.41, 52.03))
    tied = factories.consultation("evaluate", title="Früher", area=box(4.40, 52.02, 4.41, 52.03))
    ConsultationTwinFeature.objects.create(page=tied, twin_feature=hall)

    response = visitor.get(twin_url(hall))

    assert list(response.context["consultations"]) == [around, tied]
    assert elsewhere not in response.context["consultations"]
    page = content(response)
    assert f'href="{around.url}?twin_feature={hall.pk}#write"' in page  # open: comment on it there
    assert f'href="{tied.url}?twin_feature={hall.pk}#write"' not in page  # closed


def test_proposals_of_withdrawn_pages_leave_the_object_page(visitor, db):
    hall = factories.twin_feature()
    consultation = factories.consultation("vote")
    draft = factories.proposal(consultation, title="Entwurf")
    ProposalTwinFeature.objects.create(page=draft, twin_feature=hall)
    draft.unpublish()

    assert "Entwurf" not in content(visitor.get(twin_url(hall)))


@pytest.fixture(params=["anonymous", "citizen"])
def reader(request, db):
    return browser() if request.param == "anonymous" else browser(factories.CitizenFactory())


def test_the_object_page_runs_the_same_queries_for_few_and_many(reader, django_assert_max_num_queries):
    hall = factories.twin_feature(name="Stadhuis")
    author = factories.CitizenFactory()

    def add(consultations: int, comments: int) -> None:
        for _ in range(consultations):
            consultation = factories.consultation("vote")
            ConsultationTwinFeature.objects.create(page=consultation, twin_feature=hall)
            proposal = factories.proposal(consultation)
            ProposalTwinFeature.objects.create(page=proposal, twin_feature=hall)
            Vote.objects.create(proposal=proposal, participant=factories.participant(author), choice="support")
            factories.bulk_comments(consultation, comments, author=author, proposal=proposal, twin_feature=hall)

    add(1, 3)
    reader.get(twin_url(hall))
    few = queries_for(reader, twin_url(hall))

    add(6, 40)
    with django_assert_max_num_queries(15):
        many = queries_for(reader, twin_url(hall))

    assert many == few


# --- objects on consultation and proposal pages --------------------------------------------------


def test_the_consultation_page_lists_its_objects_and_the_map_highlights_them(visitor, participating_consultation):
    canal = factories.twin_feature(name="Oude Delft", kind="water")
    hall = factories.twin_feature(name="Stadhuis")
    ConsultationTwinFeature.objects.create(page=participating_consultation, twin_feature=hall, sort_order=1)
    ConsultationTwinFeature.objects.create(page=participating_consultation, twin_feature=canal, sort_order=0)

    response = visitor.get(participating_consultation.url)

    page = content(response)
    assert "Objects of the twin under discussion" in page
    assert page.index(f'href="{twin_url(canal)}"') < page.index(f'href="{twin_url(hall)}"')  # in staff's order
    config = response.context["map_config"]
    assert [item["id"] for item in config["linked"]] == [canal.pk, hall.pk]
    assert config["linked"][1] == {"id": hall.pk, "label": "Stadhuis", "url": twin_url(hall), "geometry": hall.geometry}
    assert config["contributionsUrl"] == "/api/v1/contributions/geojson/"
    assert config["basemap"]["url"].startswith("/api/v1/twin-tiles/{z}/{x}/{y}.json?v=")
    assert config["twinFeatureUrl"] == "/api/v1/twin-features/0/"


def test_the_proposal_page_lists_the_proposal_s_objects(visitor, participating_consultation):
    proposal = factories.proposal(participating_consultation)
    road = factories.twin_feature(name="Hippolytusbuurt", kind="road")
    ConsultationTwinFeature.objects.create(page=participating_consultation, twin_feature=factories.twin_feature())
    ProposalTwinFeature.objects.create(page=proposal, twin_feature=road)

    response = visitor.get(proposal.url)

    assert "Objects of the twin this proposal changes" in content(response)
    assert [item["id"] for item in response.context["map_config"]["linked"]] == [road.pk]


def test_comments_say_what_they_are_about(visitor, participating_consultation):
    hall = factories.twin_feature(name="Stadhuis")
    factories.comment(participating_consultation, twin_feature=hall, text="Zum Haus")
    factories.comment(participating_consultation, geometry=LINE, latitude=52.012, longitude=4.364, text="Zur Linie")

    page = content(visitor.get(participating_consultation.url))

    assert f'about <a href="{twin_url(hall)}">Stadhuis</a>' in page
    assert "a line on the map" in page


# --- the comment form's place, without JavaScript --------------------------------------------------


def test_the_form_offers_the_page_s_objects_to_choose(as_citizen, participating_consultation):
    hall = factories.twin_feature(name="Stadhuis")
    ConsultationTwinFeature.objects.create(page=participating_consultation, twin_feature=hall)

    page = content(as_citizen.get(participating_consultation.url))

    assert re.search(rf'<input type="radio" name="twin_feature" value="{hall.pk}" id="twin-choice-{hall.pk}">', page)
    assert re.search(r'<input type="radio" name="twin_feature" value="" id="twin-choice-none" checked>', page)
    assert 'name="twin_q"' in page and 'name="twin_search"' in page
    assert 'name="geometry"' in page and "Drawing needs a mouse or a touch screen" in page


def test_searching_without_javascript_shows_the_page_again_with_results_and_the_text_kept(
    as_citizen, participating_consultation
):
    fountain = factories.twin_feature(name="Brunnen am Markt", kind="city_furniture")
    factories.twin_feature(box(4.40, 52.02, 4.41, 52.03), name="Brunnen weit weg")

    response = as_citizen.post(
        participating_consultation.url, comment_form(text="Mein Text", twin_q="brunnen", twin_search="1", **INSIDE)
    )

    assert response.status_code == 200
    assert not Contribution.objects.exists()
    page = content(response)
    assert textarea_content(response) == "Mein Text"
    assert 'value="52.012"' in page  # the point typed before is kept
    assert "One object found for “brunnen”." in page
    assert f'id="twin-choice-{fountain.pk}"' in page and "weit weg" not in page
    assert 'aria-invalid="true"' not in page  # a search is no error


def test_a_search_that_finds_nothing_says_so(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(twin_q="Eiffelturm", twin_search="1"))

    assert "No object found for “Eiffelturm”." in content(response)


def test_an_object_s_page_can_link_to_the_form_with_the_object_chosen(as_citizen, participating_consultation):
    hall = factories.twin_feature(name="Stadhuis")

    page = content(as_citizen.get(participating_consultation.url, {"twin_feature": hall.pk}))

    assert re.search(rf'value="{hall.pk}" id="twin-choice-{hall.pk}" checked', page)


def test_a_citizen_comments_on_a_chosen_object(as_citizen, participating_consultation):
    hall = factories.twin_feature(name="Stadhuis")

    response = as_citizen.post(participating_consultation.url, comment_form(twin_feature=hall.pk))

    assert response.status_code == 302
    assert Contribution.objects.get().twin_feature == hall


def test_a_citizen_comments_with_a_drawn_line(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(geometry=json.dumps(LINE)))

    assert response.status_code == 302
    assert Contribution.objects.get().geometry == LINE


def test_a_refused_line_is_kept_and_its_message_shown(as_citizen, participating_consultation):
    outside = {"type": "LineString", "coordinates": [[4.364, 52.012], [4.38, 52.012]]}

    response = as_citizen.post(participating_consultation.url, comment_form(geometry=json.dumps(outside)))

    assert response.status_code == 400
    page = content(response)
    assert re.search(r'<div id="geometry-errors" role="alert">.*reaches outside the area', page, re.DOTALL)
    assert "4.38" in page  # the drawing is sent back, for the map to show it again
    assert textarea_content(response) == "Mehr Bäume am Ufer"


def test_an_object_outside_the_area_is_refused_on_its_field(as_citizen, participating_consultation):
    far = factories.twin_feature(box(4.40, 52.02, 4.41, 52.03), name="Weit weg")

    response = as_citizen.post(participating_consultation.url, comment_form(twin_feature=far.pk))

    assert response.status_code == 400
    page = content(response)
    assert re.search(r'<div id="twin-feature-errors" role="alert">.*outside the area', page, re.DOTALL)
    assert re.search(rf'value="{far.pk}"[^>]*checked aria-invalid="true" aria-describedby="twin-feature-errors"', page)
    assert not Contribution.objects.exists()


def test_a_vanished_object_is_refused(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(twin_feature=999999))

    assert response.status_code == 400
    assert "There is no such object in the twin." in content(response)


def test_the_pages_with_objects_run_the_same_queries_for_few_and_many_objects(
    participating_consultation, django_assert_max_num_queries
):
    reader = browser(factories.CitizenFactory())
    proposal = factories.proposal(participating_consultation)

    def tie(count: int) -> None:
        for _ in range(count):
            feature = factories.twin_feature()
            ConsultationTwinFeature.objects.create(page=participating_consultation, twin_feature=feature)
            ProposalTwinFeature.objects.create(page=proposal, twin_feature=feature)
            factories.comment(participating_consultation, twin_feature=feature)

    for url in (participating_consultation.url, proposal.url):
        tie(1)
        reader.get(url)
        few = queries_for(reader, url)
        tie(10)
        with django_assert_max_num_queries(25):
            many = queries_for(reader, url)
        assert many == few, url
