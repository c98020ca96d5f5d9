"""Two municipalities on one installation: every public read answers with what the site asked on shows, and
nothing of the other's leaks across (lists, details, the map, the APIs, the rooms); a joint consultation shows
on both."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from wagtail.models import Site

from forum.models import RoomSession
from participation import selectors
from participation.models import CityProfile, ConsultationPage, Contribution, ProposalPage, TwinFeature
from participation.twin_tiles import MAX_ZOOM, MIN_ZOOM, tiles_covering
from tests.support import factories

HOSTS = {"Lemgo": "testserver", "Kalletal": "kalletal.example"}
OTHER = {"Lemgo": "Kalletal", "Kalletal": "Lemgo"}
# The towns' objects lie side by side in the test area, so that each site's extent is its own.
OUTLINES = {
    "Lemgo": factories.box(4.3624, 52.0111, 4.3628, 52.0114),
    "Kalletal": factories.box(4.3650, 52.0126, 4.3655, 52.0130),
}


@dataclass
class Town:
    site: Site
    consultation: ConsultationPage
    proposal: ProposalPage
    feature: TwinFeature
    comment: Contribution
    room: RoomSession
    finished: ConsultationPage


def _town(name: str, site: Site) -> Town:
    CityProfile.objects.update_or_create(site=site, defaults={"city_name": name, "twin_sources": f"{name.lower()}-3d"})
    home = site.root_page
    consultation = factories.consultation("vote", parent=home, title=f"{name}er Marktplatz", slug=f"{name.lower()}-m")
    proposal = factories.proposal(consultation, title=f"{name}er Vorschlag", slug=f"{name.lower()}-v")
    feature = factories.twin_feature(OUTLINES[name], source=f"{name.lower()}-3d", name=f"{name}er Rathaus")
    comment = factories.comment(consultation, text=f"{name}er Beitrag", **factories.INSIDE)
    factories.comment(consultation, text=f"{name}er Hinweis zum Rathaus", twin_feature=feature)
    finished = factories.consultation(
        "evaluate", parent=home, title=f"{name}er Ergebnisse", slug=f"{name.lower()}-e", results_published=True
    )
    room = factories.room(consultation, presenter=factories.moderator(f"moderator-{name.lower()}"))
    return Town(site, consultation, proposal, feature, comment, room, finished)


@pytest.fixture
def towns(db, settings) -> dict[str, Town]:
    settings.ALLOWED_HOSTS = list(HOSTS.values())
    factories.home_page()
    lemgo_site = Site.objects.get(is_default_site=True)
    kalletal_site = factories.other_site(HOSTS["Kalletal"], title="Kalletal")
    return {"Lemgo": _town("Lemgo", lemgo_site), "Kalletal": _town("Kalletal", kalletal_site)}


@pytest.fixture
def joint(towns) -> ConsultationPage:
    """A consultation of both: under Lemgo's home page, shared with Kalletal."""
    consultation = factories.consultation("participate", title="Gemeinsame Radroute", slug="radroute")
    consultation.shared_with_sites.set([towns["Kalletal"].site])
    consultation.save_revision().publish()
    factories.comment(consultation, text="Beitrag zur Radroute", **factories.INSIDE)
    return consultation


def _shared_tile(*features: TwinFeature) -> str:
    """The deepest tile holding the centres of all ``features``."""
    for zoom in range(MAX_ZOOM, MIN_ZOOM - 1, -1):
        tiles = {tuple(tiles_covering((f.longitude, f.latitude) * 2, zoom)) for f in features}
        if len(tiles) == 1:
            ((x, y),) = tiles.pop()
            return f"/api/v1/twin-tiles/{zoom}/{x}/{y}.json"
    raise AssertionError("no tile holds them all")


LISTS = {
    "home page": "/",
    "consultations (API)": "/api/v1/consultations/",
    "proposals (API)": "/api/v1/proposals/",
    "contributions (API)": "/api/v1/contributions/",
    "contributions on the map (API)": "/api/v1/contributions/geojson/",
    "twin search (API)": "/api/v1/twin-features/?q=Rathaus",
    "twin objects on the map (API)": "/api/v1/twin-features/geojson/?bbox=4.36,52.01,4.37,52.02&zoom=18",
    "contributions (OGC)": "/api/ogc/collections/contributions/items",
    "twin objects (OGC)": "/api/ogc/collections/twin-features/items",
    "twin search page": "/twin/?q=Rathaus",
    "open data": "/open-data/",
    "open rooms (API)": "/api/v1/rooms/",
}


@pytest.mark.parametrize("town", ["Lemgo", "Kalletal"])
@pytest.mark.parametrize("path", LISTS.values(), ids=LISTS.keys())
def test_a_list_shows_its_sites_things_and_nothing_of_the_other(client, towns, town, path):
    response = client.get(path, HTTP_HOST=HOSTS[town])

    assert response.status_code == 200
    text = response.content.decode()
    assert f"{town}er " in text
    assert f"{OTHER[town]}er " not in text


def _details(town: Town) -> dict[str, str]:
    return {
        "consultation page": town.consultation.get_url_parts()[2],
        "consultation (API)": f"/api/v1/consultations/{town.consultation.pk}/",
        "proposal (API)": f"/api/v1/proposals/{town.proposal.pk}/",
        "3D view": f"/consultations/{town.consultation.pk}/3d/",
        "3D scene": f"/consultations/{town.consultation.pk}/3d/scene.geojson",
        "results": f"/consultations/{town.finished.pk}/results/",
        "twin object page": f"/twin/{town.feature.pk}/",
        "twin object (API)": f"/api/v1/twin-features/{town.feature.pk}/",
        "twin object (OGC)": f"/api/ogc/collections/twin-features/items/{town.feature.pk}",
        "contribution (OGC)": f"/api/ogc/collections/contributions/items/{town.comment.pk}",
        "report a contribution": f"/contributions/{town.comment.pk}/report/",
        "room's phone page": f"/live/{town.room.code}/",
        "room (API)": f"/api/v1/rooms/{town.room.code}/",
    }


DETAIL_NAMES = [
    "consultation page",
    "consultation (API)",
    "proposal (API)",
    "3D view",
    "3D scene",
    "results",
    "twin object page",
    "twin object (API)",
    "twin object (OGC)",
    "contribution (OGC)",
    "report a contribution",
    "room's phone page",
    "room (API)",
]


@pytest.mark.parametrize("town", ["Lemgo", "Kalletal"])
@pytest.mark.parametrize("name", DETAIL_NAMES)
def test_a_thing_of_one_site_is_found_there_and_not_on_the_other(client, towns, town, name):
    path = _details(towns[town])[name]

    assert client.get(path, HTTP_HOST=HOSTS[town]).status_code == 200
    assert client.get(path, HTTP_HOST=HOSTS[OTHER[town]]).status_code == 404


def test_the_twin_tiles_draw_the_sites_datasets_only(client, towns):
    lemgo, kalletal = towns["Lemgo"].feature, towns["Kalletal"].feature
    path = _shared_tile(lemgo, kalletal)

    on_lemgo = client.get(path, HTTP_HOST=HOSTS["Lemgo"])
    on_kalletal = client.get(path, HTTP_HOST=HOSTS["Kalletal"])

    drawn = {
        town: {f["id"] for f in response.json()["features"]}
        for town, response in [("Lemgo", on_lemgo), ("Kalletal", on_kalletal)]
    }
    assert drawn == {"Lemgo": {lemgo.pk}, "Kalletal": {kalletal.pk}}
    assert on_lemgo["ETag"] != on_kalletal["ETag"]


@pytest.mark.parametrize("town", ["Lemgo", "Kalletal"])
def test_the_ogc_extents_are_the_sites_own(client, towns, town):
    response = client.get("/api/ogc/collections/twin-features", HTTP_HOST=HOSTS[town])

    feature = towns[town].feature
    assert response.json()["extent"]["spatial"]["bbox"] == [
        [feature.min_lon, feature.min_lat, feature.max_lon, feature.max_lat]
    ]


@pytest.mark.parametrize("town", ["Lemgo", "Kalletal"])
def test_the_base_map_names_and_frames_the_sites_datasets(towns, town):
    state = selectors.twin_map_state(twin_sources=selectors.site_profile(site_id=towns[town].site.pk).twin_sources)

    feature = towns[town].feature
    assert state["sources"] == [f"{town.lower()}-3d"]
    assert state["bounds"] == (feature.min_lon, feature.min_lat, feature.max_lon, feature.max_lat)


def test_a_vote_or_comment_on_the_other_sites_consultation_is_not_found(client, towns, citizen):
    lemgo = towns["Lemgo"]
    client.force_login(citizen)

    vote = client.post(
        f"/api/v1/proposals/{lemgo.proposal.pk}/vote/", {"choice": "support"}, HTTP_HOST=HOSTS["Kalletal"]
    )
    comment = client.post(
        "/api/v1/contributions/",
        {"consultation": lemgo.consultation.pk, "text": "Von nebenan"},
        HTTP_HOST=HOSTS["Kalletal"],
    )

    assert (vote.status_code, comment.status_code) == (404, 404)
    assert not lemgo.proposal.votes.exists()
    assert not Contribution.objects.filter(text="Von nebenan").exists()


def test_a_joint_consultation_shows_on_both_sites_and_links_to_its_own(client, towns, joint):
    lemgo_url = joint.get_url_parts()
    for host in HOSTS.values():
        home = client.get("/", HTTP_HOST=host).content.decode()
        listed = client.get("/api/v1/consultations/", HTTP_HOST=host).json()
        mapped = client.get(f"/api/v1/contributions/geojson/?consultation={joint.pk}", HTTP_HOST=host).json()

        assert "Gemeinsame Radroute" in home
        assert joint.pk in {item["id"] for item in listed["results"]}
        assert [f["properties"]["text"] for f in mapped["features"]] == ["Beitrag zur Radroute"]
    # Kalletal's home page links to the page on Lemgo's site, which serves it.
    kalletal_home = client.get("/", HTTP_HOST=HOSTS["Kalletal"]).content.decode()
    assert f'href="{lemgo_url[1].rstrip("/")}{lemgo_url[2]}"' in kalletal_home
    assert "Gemeinsame Beteiligung, auf der Website von Lemgo" in kalletal_home
    assert "Gemeinsame Beteiligung" not in client.get("/", HTTP_HOST=HOSTS["Lemgo"]).content.decode()
    assert client.get(lemgo_url[2], HTTP_HOST=HOSTS["Lemgo"]).status_code == 200


def test_staff_tasks_and_mails_read_every_site(towns, joint):
    every = selectors.published_consultations()
    on_kalletal = selectors.published_consultations(site=selectors.site_scope(site_id=towns["Kalletal"].site.pk))

    assert {c.title for c in every} == {
        "Lemgoer Marktplatz",
        "Lemgoer Ergebnisse",
        "Kalletaler Marktplatz",
        "Kalletaler Ergebnisse",
        "Gemeinsame Radroute",
    }
    assert {c.title for c in on_kalletal} == {"Kalletaler Marktplatz", "Kalletaler Ergebnisse", "Gemeinsame Radroute"}


def test_a_site_that_names_no_dataset_shows_the_whole_twin(towns):
    CityProfile.objects.filter(site=towns["Kalletal"].site).update(twin_sources="")
    selectors.forget_site_profile(sender=CityProfile, instance=CityProfile.objects.get(site=towns["Kalletal"].site))

    scope = selectors.site_scope(site_id=towns["Kalletal"].site.pk)

    assert selectors.twin_feature(pk=towns["Lemgo"].feature.pk, site=scope) is not None


def test_mails_qr_codes_and_device_addresses_carry_the_consultations_own_site(towns):
    from forum.selectors import device_token_url, join_url

    kalletal_room = towns["Kalletal"].room
    lemgo_room = towns["Lemgo"].room

    assert join_url(kalletal_room) == f"http://kalletal.example/live/{kalletal_room.code}/"
    assert join_url(lemgo_room).startswith(f"{selectors.public_base_url()}/live/")
    screen = factories.screen(towns["Kalletal"].consultation, slug="dorfhaus")
    assert device_token_url(screen, "t0k3n") == "http://kalletal.example/kiosk/dorfhaus/?token=t0k3n"
    assert selectors.public_page_url(towns["Kalletal"].consultation, "comment-1") == (
        "http://kalletal.example/kalletal-m/#comment-1"
    )


def test_a_profile_reads_the_sites_home_and_datasets(towns):
    scope = selectors.site_scope(site_id=towns["Kalletal"].site.pk)

    assert (scope.hostname, scope.port, scope.site_id) == ("kalletal.example", 80, towns["Kalletal"].site.pk)
    assert scope.twin_sources == ("kalletal-3d",)
