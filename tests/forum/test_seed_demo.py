"""`manage.py seed_demo`: an idempotent demo with a generated admin password."""

import io
import zipfile
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from shapely.affinity import scale
from shapely.geometry import shape
from shapely.ops import unary_union
from wagtail.models import Page, Site, Workflow

from cms.models import HomePage, SiteSettings
from forum import services as forum_services
from forum.models import RoomSession, Screen, Terminal, token_digest
from participation.geometry import contains_point
from participation.models import (
    AnalogEntry,
    ConsultationPage,
    ConsultationTwinFeature,
    Contribution,
    OpenDataDump,
    Participant,
    Poll,
    PollAnswer,
    ProposalPage,
    ProposalTwinFeature,
    TwinFeature,
    TwinKind,
    Vote,
)
from participation.selectors import dashboard_figures, poll_results, public_contributions

DEMO_SOURCE = Path(__file__).resolve().parents[2] / "forum" / "demo.py"
DELFT = Path(__file__).resolve().parents[2] / "data" / "twin" / "delft.city.json"
# The Delft model's extent (WGS84): the demo consultations' areas lie inside it.
DELFT_EXTENT = (4.3620, 52.0107, 4.3696, 52.0137)
# Metres per degree of longitude and latitude at the model (52.01° N): distances and surfaces in metres.
METRES_PER_DEGREE = (68_540.0, 111_250.0)


def metric(geometry: dict):
    """A GeoJSON geometry in WGS84 as a shape in metres (near the Delft model)."""
    return scale(shape(geometry).buffer(0), *METRES_PER_DEGREE, origin=(0, 0))


def inside(consultation, feature) -> bool:
    """The object's centroid lies in the consultation's area."""
    return contains_point(consultation.area, latitude=feature.latitude, longitude=feature.longitude)


@pytest.fixture
def var_dir(tmp_path, settings):
    """The demo writes the admin's credentials under VAR_DIR and its open data download into the media: keep
    them in the test's folder."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "contributions": Contribution.objects.count(),
        "votes": Vote.objects.count(),
        "users": get_user_model().objects.count(),
        "emails": EmailAddress.objects.count(),
        "screens": Screen.objects.count(),
        "sites": Site.objects.count(),
        "twin_features": TwinFeature.objects.count(),
        "consultation_twin_links": ConsultationTwinFeature.objects.count(),
        "proposal_twin_links": ProposalTwinFeature.objects.count(),
        "contributions_on_twin": Contribution.objects.filter(twin_feature__isnull=False).count(),
        "terminals": Terminal.objects.count(),
        "rooms": RoomSession.objects.count(),
        "polls": Poll.objects.count(),
        "poll_answers": PollAnswer.objects.count(),
        "paper_entries": AnalogEntry.objects.count(),
        "participants": Participant.objects.count(),
    }


def admin_password(var_dir: Path) -> str:
    username, password = (var_dir / "demo-admin.txt").read_text().split()
    assert username == "admin"
    return password


def test_seed_demo_builds_the_demo_site(db, var_dir):
    output = seed()

    assert "Created:" in output
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    consultations = ConsultationPage.objects.live().order_by("path")
    assert [c.slug for c in consultations] == ["platz-am-wasser", "gruene-strassen", "licht-an-der-gracht"]
    for consultation in consultations:
        assert consultation.get_parent().pk == home.pk
        assert consultation.area_min_lon is not None
        assert ProposalPage.objects.child_of(consultation).live().count() >= 2
        located = public_contributions(consultation_id=consultation.pk).filter(latitude__isnull=False)
        assert located.exists()
    assert Vote.objects.filter(proposal__in=ProposalPage.objects.child_of(consultations[0])).exists()
    screen = Screen.objects.get(slug="foyer")
    assert screen.is_active and screen.consultation_id == consultations[0].pk


def test_the_demo_has_a_finished_consultation_with_published_results_and_its_open_data(db, var_dir, client):
    output = seed()

    finished = ConsultationPage.objects.get(slug="licht-an-der-gracht")
    assert finished.current_phase == "evaluate" and finished.results_published and finished.results_are_public
    proposals = ProposalPage.objects.child_of(finished).live()
    assert proposals.count() == 3
    votes = Vote.objects.filter(proposal__in=proposals)
    assert set(votes.values_list("channel", flat=True)) == {"online", "phone", "terminal"}
    assert AnalogEntry.objects.filter(consultation=finished).count() == 3
    figures = dashboard_figures(consultation=finished)
    assert len(figures.days) == 6  # spread over the days before it ended
    assert all(set(p.by_channel.values()) != {0} for p in figures.proposals)
    assert figures.twin_objects and figures.twin_objects[0].count == 2  # the bridge: two comments
    assert "open data licht-an-der-gracht" in output

    dump = OpenDataDump.objects.get(consultation=finished)
    response = client.get(f"/consultations/{finished.pk}/open-data.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
        contributions = archive.read("contributions.csv").decode("utf-8-sig")
        everything = b"".join(archive.read(name) for name in names).decode("utf-8")
    assert names == ["README.md", "contributions.csv", "votes.csv", "polls.csv", "paper.csv", "contributions.geojson"]
    assert "Die Brücke ist nachts der dunkelste Ort im Viertel." in contributions
    for user in get_user_model().objects.all():
        assert user.email not in everything and f";{user.username};" not in everything
    assert "Klebepunkte" not in everything  # the paper's source
    assert client.get(f"/consultations/{finished.pk}/results/").status_code == 200
    assert f"/consultations/{finished.pk}/open-data.zip" in client.get(finished.url).content.decode()

    seed()
    assert OpenDataDump.objects.get(consultation=finished).file.name == dump.file.name  # not made again


def test_seed_demo_puts_every_pin_inside_its_consultations_area(db, var_dir):
    seed()

    for comment in Contribution.objects.filter(latitude__isnull=False).select_related("consultation"):
        assert contains_point(comment.consultation.area, latitude=comment.latitude, longitude=comment.longitude)


def test_seed_demo_links_imprint_and_privacy_in_the_footer(db, var_dir):
    seed()

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert site_settings.imprint_page.slug == "impressum"
    assert site_settings.privacy_page.slug == "datenschutz"


def test_seed_demo_twice_changes_nothing(db, var_dir):
    seed()
    before = counts()
    imported = list(TwinFeature.objects.order_by("pk").values_list("pk", "updated_at"))
    password = admin_password(var_dir)

    output = seed()

    assert counts() == before
    assert before["twin_features"] == 570 and before["consultation_twin_links"] > 0
    assert list(TwinFeature.objects.order_by("pk").values_list("pk", "updated_at")) == imported  # not re-imported
    assert "nothing changed" in output
    assert admin_password(var_dir) == password


def test_seed_demo_imports_the_delft_model(db, var_dir):
    output = seed()

    assert "twin delft.city.json (570 new, 0 updated objects)" in output
    assert TwinFeature.objects.filter(source="delft.city.json").count() == 570
    assert TwinFeature.objects.filter(kind=TwinKind.BUILDING).count() == 160


def test_the_demo_areas_lie_on_the_model_and_share_it_out(db, var_dir):
    """Each area follows the model's outline, not a box around it: the model's objects cover nearly all of it
    (the boxes before: 12 % and 50 %), and it holds a good share of the buildings and streets. The two areas
    meet along one border without overlapping, so every building of the model lies in one of them."""
    seed()

    features = list(TwinFeature.objects.all())
    model = unary_union([metric(f.geometry) for f in features])
    # The two open ones share the model out; the finished one lies in the west again.
    areas = {c.slug: c for c in ConsultationPage.objects.exclude(slug="licht-an-der-gracht")}
    held = {}
    min_lon, min_lat, max_lon, max_lat = DELFT_EXTENT
    for slug, consultation in areas.items():
        assert min_lon <= consultation.area_min_lon and consultation.area_max_lon <= max_lon
        assert min_lat <= consultation.area_min_lat and consultation.area_max_lat <= max_lat
        outline = metric(consultation.area)
        assert model.intersection(outline).area >= 0.9 * outline.area, slug
        held[slug] = Counter(f.kind for f in features if inside(consultation, f))
        assert held[slug][TwinKind.BUILDING] >= 70 and held[slug][TwinKind.ROAD] >= 40, (slug, held[slug])
    west, east = metric(areas["platz-am-wasser"].area), metric(areas["gruene-strassen"].area)
    assert west.touches(east) and west.intersection(east).length > 150  # a border, the width of the quarter
    assert sum(counts[TwinKind.BUILDING] for counts in held.values()) == 160


def test_the_demo_sits_on_real_objects_of_the_twin(db, var_dir):
    """What the pages and comments are tied to lies in their consultation's area: its centroid, and nearly all
    of its surface (the Gracht runs on along the quarter: the part by the square, and its centroid)."""
    seed()

    def wholly_inside(consultation, feature) -> bool:
        part = metric(feature.geometry)
        share = part.intersection(metric(consultation.area)).area / part.area
        return inside(consultation, feature) and share >= (0.35 if feature.kind == TwinKind.WATER else 0.95)

    for consultation in ConsultationPage.objects.all():
        linked = [link.twin_feature for link in consultation.twin_feature_links.select_related("twin_feature")]
        assert {f.kind for f in linked} >= {TwinKind.ROAD, TwinKind.BUILDING}, consultation.slug
        assert all(wholly_inside(consultation, f) for f in linked), consultation.slug
        for proposal in ProposalPage.objects.child_of(consultation):
            features = [link.twin_feature for link in proposal.twin_feature_links.select_related("twin_feature")]
            assert features, proposal.slug
            assert all(wholly_inside(consultation, f) for f in features), proposal.slug
        on_twin = Contribution.objects.filter(consultation=consultation, twin_feature__isnull=False)
        assert on_twin.count() == Contribution.objects.filter(consultation=consultation).count()
        assert all(wholly_inside(consultation, c.twin_feature) for c in on_twin.select_related("twin_feature"))


def test_the_demo_ties_its_texts_to_the_places_they_name(db, var_dir):
    """The square, the pedestrian zone, the quay road, the Gracht and its bridge of "Ein neuer Platz am Wasser";
    the Quartiersstraße, its crossings, the houses on it and the street along the water of "Grüne Straßen im
    Quartier": each text is tied to the object of the model it names. Distances in metres."""
    seed()

    def tied(slug: str) -> list[TwinFeature]:
        page = ConsultationPage.objects.filter(slug=slug).first() or ProposalPage.objects.get(slug=slug)
        return [link.twin_feature for link in page.twin_feature_links.select_related("twin_feature")]

    def said(text: str) -> TwinFeature:
        return Contribution.objects.select_related("twin_feature").get(text__startswith=text).twin_feature

    def apart(a: TwinFeature, b: TwinFeature) -> float:
        return metric(a.geometry).distance(metric(b.geometry))

    # "An der Gracht, gleich neben der Fußgängerzone, liegt ein gepflasterter Platz": the model's largest paved
    # square, its only pedestrian zone, the Gracht, the quay road the square opens onto, the houses round it.
    paved = TwinFeature.objects.filter(kind=TwinKind.LAND_USE, function="open verharding")
    square = max(paved, key=lambda f: metric(f.geometry).area)
    zone = TwinFeature.objects.get(function="voetgangersgebied")
    gracht, quay = said("Hier am Ufer"), tied("autofreier-platz")[0]
    place = tied("platz-am-wasser")
    assert {square, zone, gracht, quay} <= set(place) and gracht.kind == TwinKind.WATER
    assert quay.function == "rijbaan lokale weg" and apart(quay, gracht) < 2 and apart(quay, square) < 2
    houses = [f for f in place if f.kind == TwinKind.BUILDING]
    assert len(houses) == 2 and all(apart(house, square) < 1 for house in houses)
    assert tied("wochenmarkt") == [square, zone]
    beds = tied("baeume-und-baenke")  # the green beds on the square's edge and in it
    assert len(beds) == 2 and all(bed.kind == TwinKind.PLANT_COVER and apart(bed, square) < 1 for bed in beds)
    assert (said("Der Markt"), said("Bitte die Radwege")) == (square, quay)
    assert said("Nachts ist es an der Brücke").kind == TwinKind.BRIDGE

    # "Die Quartiersstraße, die Straße am Wasser und die Straße um die Spitze": three carriageways, the houses on
    # the Quartiersstraße; its parking bays at either end for the rain gardens; a crossing on it.
    street = tied("baumreihe")
    assert len(street) == 1 and street[0].function == "rijbaan lokale weg"
    street = street[0]
    streets = tied("gruene-strassen")
    carriageways = [f for f in streets if f.kind == TwinKind.ROAD]
    assert street in carriageways and len(carriageways) == 3
    assert all(f.function == "rijbaan lokale weg" for f in carriageways)
    water = max(TwinFeature.objects.filter(kind=TwinKind.WATER), key=lambda f: metric(f.geometry).area)
    assert sum(apart(f, water) < 10 for f in carriageways) == 2  # along the water, and round the tip
    assert all(apart(f, street) < 5 for f in streets if f.kind == TwinKind.BUILDING)
    bays = tied("regengaerten")
    assert [bay.function for bay in bays] == ["parkeervlak", "parkeervlak"]
    assert all(apart(bay, street) < 1 for bay in bays) and apart(*bays) > 50
    crossing = said("An dieser Kreuzung")
    assert crossing.function == "rijbaan lokale weg" and crossing != street and apart(crossing, street) < 1
    house = said("Vor diesen Häusern")
    assert house.kind == TwinKind.BUILDING and apart(house, street) < 5


@pytest.mark.django_db(transaction=True)
def test_the_demo_chooses_the_same_objects_every_time(var_dir, tmp_path_factory, settings):
    def chosen() -> list:
        return [
            *ConsultationTwinFeature.objects.order_by("page__slug", "sort_order").values_list(
                "page__slug", "twin_feature__twin_id"
            ),
            *ProposalTwinFeature.objects.order_by("page__slug", "sort_order").values_list(
                "page__slug", "twin_feature__twin_id"
            ),
            *Contribution.objects.order_by("text").values_list("text", "twin_feature__twin_id"),
        ]

    call_command("flush", interactive=False, verbosity=0)  # (also resets the content type cache)
    seed()
    first = chosen()
    call_command("flush", interactive=False, verbosity=0)
    settings.VAR_DIR = tmp_path_factory.mktemp("again")
    seed()

    assert chosen() == first


def test_without_the_twin_file_the_demo_says_so_and_ties_later(db, var_dir, settings, tmp_path):
    settings.TWIN_DEMO_FILE = str(tmp_path / "missing.city.json")
    output = seed()

    assert "No twin file at" in output and "TWIN_DEMO_FILE" in output
    assert not TwinFeature.objects.exists()
    assert ConsultationPage.objects.count() == 3 and not ConsultationTwinFeature.objects.exists()

    settings.TWIN_DEMO_FILE = str(DELFT)
    output = seed()

    assert "twin links platz-am-wasser" in output and "twin links gruene-strassen" in output
    assert TwinFeature.objects.count() == 570
    assert ConsultationTwinFeature.objects.filter(page__slug="platz-am-wasser").exists()
    assert Contribution.objects.filter(twin_feature__isnull=False).exists()


def test_an_empty_twin_demo_file_setting_means_no_twin(db, var_dir, settings):
    settings.TWIN_DEMO_FILE = ""
    output = seed()

    assert "TWIN_DEMO_FILE is empty" in output
    assert not TwinFeature.objects.exists()


def test_the_demo_pages_render(db, var_dir, client):
    seed()

    for page in [HomePage.objects.get(), *ConsultationPage.objects.all(), *ProposalPage.objects.all()]:
        assert client.get(page.url).status_code == 200, page.url
    token = forum_services.issue_device_token(device=Screen.objects.get(slug="foyer"))
    assert client.get(f"/kiosk/foyer/?token={token}", follow=True).status_code == 200
    room = RoomSession.objects.get()
    assert client.get(f"/live/{room.code}/").status_code == 200


def test_the_demo_opens_a_room_with_a_live_poll_a_terminal_and_paper(db, var_dir):
    output = seed()

    room = RoomSession.objects.get()
    assert room.is_open and room.consultation.slug == "platz-am-wasser"
    assert (room.scene, room.poll.state, room.poll.results_visible) == ("poll", "open", True)
    results = poll_results(poll=room.poll)
    assert results["participants"] == 12 and results["participants_by_channel"]["phone"] == 12
    assert Poll.objects.filter(consultation=room.consultation).count() == 4
    foyer = Screen.objects.get(slug="foyer")
    assert foyer.consultation_id == room.consultation_id and foyer.mode == "follow"
    assert Terminal.objects.get(slug="eingang").consultation_id == room.consultation_id
    paper = AnalogEntry.objects.get(consultation=room.consultation)
    assert paper.source == "Stellwand Foyer"
    assert sorted(paper.counts.values_list("choice", "count")) == [("abstain", 2), ("oppose", 3), ("support", 14)]
    assert f"room session {room.code}" in output


def test_the_devices_addresses_carry_generated_tokens_kept_for_the_operator_only(db, var_dir, client, settings):
    settings.BASE_URL = "http://127.0.0.1:8000"
    output = seed()
    lines = dict(line.split(" ", 1) for line in (var_dir / "demo-devices.txt").read_text().splitlines())
    assert oct((var_dir / "demo-devices.txt").stat().st_mode & 0o777) == "0o600"
    kiosk, terminal = lines["kiosk"], lines["terminal"]  # paths with their tokens
    assert f"Kiosk: http://127.0.0.1:8000{kiosk}" in output and f"Terminal: http://127.0.0.1:8000{terminal}" in output
    token = kiosk.split("?token=")[1]
    assert token not in DEMO_SOURCE.read_text()
    assert Screen.objects.get(slug="foyer").token_hash == token_digest(token)  # only its digest is stored
    assert client.get(kiosk, follow=True).status_code == 200
    assert "Kiosk:" in seed()  # printed again on the next run, from the file


def test_a_run_on_another_address_prints_and_links_that_address(db, var_dir, settings):
    # `make run PORT=8101` after a first run on 8000: BASE_URL follows HOST and PORT.
    settings.BASE_URL = "http://127.0.0.1:8000"
    seed()
    settings.BASE_URL = "http://127.0.0.1:8101"

    output = seed()

    printed = [line for line in output.splitlines() if line.startswith(("Admin:", "Kiosk:", "Terminal:"))]
    assert len(printed) == 3 and all(": http://127.0.0.1:8101/" in line for line in printed), printed
    assert "8000" not in output
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8101"


def test_the_demo_names_wagtails_moderation_workflow_in_german(db, var_dir):
    seed()

    assert list(Workflow.objects.values_list("name", flat=True)) == ["Freigabe durch die Moderation"]


def test_the_admin_password_is_generated_not_fixed(db, var_dir, tmp_path_factory, settings):
    seed()
    first = admin_password(var_dir)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(first)
    assert len(first) >= 12
    assert first not in DEMO_SOURCE.read_text()
    assert oct((var_dir / "demo-admin.txt").stat().st_mode & 0o777) == "0o600"

    # A fresh database: no admin yet, another folder for the credentials. (Paper entries keep who
    # typed them in: they go first.)
    AnalogEntry.objects.all().delete()
    admin.delete()
    settings.VAR_DIR = other = tmp_path_factory.mktemp("fresh")
    seed()

    second = admin_password(other)
    assert second != first
    assert get_user_model().objects.get(username="admin").check_password(second)


def test_seed_demo_prints_where_the_admin_password_is(db, var_dir):
    output = seed()

    assert f"password: {admin_password(var_dir)}" in output
    assert str(var_dir / "demo-admin.txt") in output


@pytest.mark.django_db(transaction=True)
def test_seed_demo_works_on_a_flushed_database(var_dir):
    call_command("flush", interactive=False, verbosity=0)

    seed()

    assert HomePage.objects.count() == 1
