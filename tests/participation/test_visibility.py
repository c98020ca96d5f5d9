"""One rule for which contributions are public, and every public surface agrees with it.

Each edge case is built once, through the services, and then every surface is asked what it shows:
consultation and proposal pages, the site map's GeoJSON, the JSON API's list, the OGC API's
``contributions`` (items and ``numberMatched``) and ``twin-features`` counts, the 3D scene (pins and
building counts), the kiosk's comment count and the twin object's page.
"""

import pytest
from django.test import Client
from django.utils import timezone

from participation import services
from participation.models import Contribution, ModerationState
from tests.support import factories

PUBLIC = {"Öffentlicher Kommentar", "Öffentliche Antwort"}
NOT_PUBLIC = {
    "Zum unveröffentlichten Vorschlag",
    "Wartet auf Prüfung",
    "Ausgeblendet",
    "Gelöscht",
    "Antwort in ausgeblendetem Faden",
    "Ausgeblendeter Faden",
    "In zurückgezogener Beteiligung",
}
POINT = {"latitude": 52.0120, "longitude": 4.3640}  # inside factories.DELFT_AREA, on the twin object below


@pytest.fixture
def world(db, citizen, moderator):
    """Every edge case once; returns what the surfaces are asked about."""
    consultation = factories.consultation("vote")
    published, unpublished = factories.proposal(consultation), factories.proposal(consultation)
    building = factories.twin_feature()  # a building inside the area, under POINT
    withdrawn = factories.consultation("vote", slug="zurueckgezogen")

    def post(text, *, on=consultation, proposal=published, parent=None):
        return services.post_contribution(
            author=citizen, consultation=on, proposal=proposal, parent=parent, text=text, twin_feature=building, **POINT
        )

    public = post("Öffentlicher Kommentar")
    post("Öffentliche Antwort", parent=public)
    post("Zum unveröffentlichten Vorschlag", proposal=unpublished)
    # Waiting for review: as a pre-moderated consultation (or the automatic check) leaves a new comment.
    Contribution.objects.filter(pk=post("Wartet auf Prüfung").pk).update(moderation_state=ModerationState.PENDING)
    services.moderate_contribution(
        moderator=moderator, contribution=post("Ausgeblendet"), state=ModerationState.HIDDEN, reason="Beleidigung"
    )
    Contribution.objects.filter(pk=post("Gelöscht").pk).update(deleted_at=timezone.now())  # no service deletes yet
    thread = post("Ausgeblendeter Faden")
    post("Antwort in ausgeblendetem Faden", parent=thread)
    services.moderate_contribution(
        moderator=moderator, contribution=thread, state=ModerationState.HIDDEN, reason="Spam"
    )
    post("In zurückgezogener Beteiligung", on=withdrawn, proposal=None)
    unpublished.unpublish()
    withdrawn.unpublish()
    screen = factories.screen(consultation)
    return {
        "consultation": consultation,
        "screen": screen,
        "proposal": published,
        "building": building,
        "unpublished": unpublished,
        "withdrawn": withdrawn,
    }


def texts_in(html: str) -> set[str]:
    return {text for text in PUBLIC | NOT_PUBLIC if text in html}


def page(http: Client, url: str) -> str:
    response = http.get(url)
    assert response.status_code == 200
    return response.content.decode()


def all_items(http: Client, url: str, key: str) -> list[dict]:
    items = []
    while url:
        body = http.get(url).json()
        items += body[key]
        url = body.get("next") or next((link["href"] for link in body.get("links", []) if link["rel"] == "next"), None)
    return items


@pytest.fixture
def http():
    return Client(headers={"accept-language": "en"})


def test_the_pages_show_only_public_contributions(world, http):
    assert texts_in(page(http, world["consultation"].url)) == PUBLIC
    assert texts_in(page(http, world["proposal"].url)) == PUBLIC
    assert texts_in(page(http, f"/twin/{world['building'].pk}/")) == PUBLIC
    for gone in (world["unpublished"], world["withdrawn"]):
        assert http.get(gone.url or f"/{gone.slug}/").status_code == 404


def test_the_site_map_and_the_json_api_agree(world, http):
    for query in ("", f"?consultation={world['consultation'].pk}"):
        features = http.get(f"/api/v1/contributions/geojson/{query}").json()["features"]
        assert {f["properties"]["text"] for f in features} == PUBLIC
        listed = all_items(http, f"/api/v1/contributions/{query}", "results")
        assert {item["text"] for item in listed} == PUBLIC


def test_the_ogc_api_agrees(world, http):
    url = "/api/ogc/collections/contributions/items"
    assert {f["properties"]["text"] for f in all_items(http, url, "features")} == PUBLIC
    assert http.get(url).json()["numberMatched"] == len(PUBLIC)
    (building,) = http.get("/api/ogc/collections/twin-features/items").json()["features"]
    assert building["properties"]["contributions"] == len(PUBLIC)


def test_the_3d_scene_and_the_kiosk_count_the_same(world, http):
    consultation = world["consultation"]
    response = http.get(f"/consultations/{consultation.pk}/3d/")
    assert response.status_code == 200
    assert response.context["pin_count"] == len(PUBLIC)
    (building,) = http.get(f"/consultations/{consultation.pk}/3d/scene.geojson").json()["features"]
    assert building["properties"]["contributions"] == len(PUBLIC)
    http.cookies["bf_token"] = world["screen"].token
    kiosk = http.get("/kiosk/foyer/snapshot/").json()["results"]
    assert kiosk["comments"] == len(PUBLIC)
    assert [comment["text"] for comment in kiosk["wall"]] == ["Öffentlicher Kommentar"]  # replies stay on the page
