"""The twin-features collection: every twin object with what citizens said about it, paged by id,
filtered by bounding box overlap, in a fixed number of queries."""

import pytest
from django.utils import translation

from participation.models import Contribution, ModerationState, ProposalTwinFeature, TwinFeature, Vote, VoteChoice
from participation.services import import_twin_file
from tests.support import factories
from tests.support.ogc import ITEMS, OGC, all_pages, bbox, client, link_of, twin, twin_grid, warmed_client
from tests.support.twin_files import DELFT

pytestmark = pytest.mark.django_db

URL = ITEMS.format("twin-features")


@pytest.fixture
def http(db):
    return warmed_client()


def votes(proposal, *choices: str) -> None:
    for voter, choice in zip(factories.citizens(len(choices)), choices, strict=True):
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), choice=choice)


def feature_of(http, pk: int) -> dict:
    response = http.get(f"{URL}/{pk}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_twin_object_with_its_geometry_and_properties(http):
    building = twin(
        "DEBY_1", 4.36, 52.01, name="Stadhuis", address="Markt 87, Delft", height=31.5, storeys=4, function="x"
    )

    body = http.get(URL).json()

    (feature,) = body["features"]
    assert feature == {
        "type": "Feature",
        "id": building.pk,
        "geometry": building.geometry,
        "properties": {
            "twin_id": "DEBY_1",
            "source": "test.geojson",
            "kind": "building",
            "label": "Stadhuis",
            "name": "Stadhuis",
            "address": "Markt 87, Delft",
            "height": 31.5,
            "storeys": 4,
            "contributions": 0,
            "votes": {"support": 0, "oppose": 0, "abstain": 0},
            "rating": {"count": 0, "average": None, "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}},
        },
    }


def test_contributions_counts_the_published_comments_tied_to_it():
    building = twin("b", 4.36, 52.01)
    other = twin("o", 4.37, 52.01)
    consultation = factories.consultation("participate")
    proposal = factories.proposal(consultation)
    withdrawn = factories.consultation("participate")
    draft_proposal = factories.proposal(consultation)
    draft_proposal.unpublish()

    factories.comment(consultation, twin_feature=building)  # counts
    factories.comment(consultation, twin_feature=building, latitude=52.0101, longitude=4.3601)  # counts
    factories.comment(consultation, proposal=proposal, twin_feature=building)  # counts
    factories.comment(consultation, twin_feature=building, moderation_state=ModerationState.PENDING)
    factories.comment(consultation, twin_feature=building, moderation_state=ModerationState.HIDDEN)
    deleted = factories.comment(consultation, twin_feature=building)
    deleted.deleted_at = deleted.created_at
    deleted.save()
    factories.comment(withdrawn, twin_feature=building)
    factories.comment(consultation, proposal=draft_proposal, twin_feature=building)
    factories.comment(consultation, twin_feature=other)
    withdrawn.unpublish()

    http = client()
    assert feature_of(http, building.pk)["properties"]["contributions"] == 3
    assert feature_of(http, other.pk)["properties"]["contributions"] == 1
    # The same comments the contributions collection shows for the object.
    shown = http.get(ITEMS.format("contributions")).json()["features"]
    assert sum(f["properties"]["twin_id"] == "b" for f in shown) == 3


def test_votes_are_summed_over_the_published_proposals_tied_to_it(http):
    building = twin("b", 4.36, 52.01)
    consultation = factories.consultation("vote")
    first, second, draft = (factories.proposal(consultation) for _ in range(3))
    withdrawn = factories.consultation("vote")
    orphan = factories.proposal(withdrawn)
    untied = factories.proposal(consultation)
    for proposal in (first, second, draft, orphan):
        ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
    votes(first, VoteChoice.SUPPORT, VoteChoice.SUPPORT, VoteChoice.OPPOSE)
    votes(second, VoteChoice.SUPPORT, VoteChoice.ABSTAIN)
    votes(draft, VoteChoice.OPPOSE)
    votes(orphan, VoteChoice.OPPOSE)
    votes(untied, VoteChoice.OPPOSE)
    draft.unpublish()
    withdrawn.unpublish()  # its proposal stays live in Wagtail, but is not public

    assert feature_of(http, building.pk)["properties"]["votes"] == {"support": 3, "oppose": 1, "abstain": 1}


def test_ratings_are_summed_over_the_rated_proposals_tied_to_it(http):
    building = twin("b", 4.36, 52.01)
    rated = factories.consultation("vote", voting_method="rating")
    first, second = factories.proposal(rated), factories.proposal(rated)
    voted = factories.proposal(factories.consultation("vote"))
    for proposal in (first, second, voted):
        ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
    for proposal, ratings in ((first, (5, 4)), (second, (1,))):
        for voter, rating in zip(factories.citizens(len(ratings)), ratings, strict=True):
            Vote.objects.create(proposal=proposal, participant=factories.participant(voter), rating=rating)
    votes(voted, VoteChoice.SUPPORT)

    properties = feature_of(http, building.pk)["properties"]

    assert properties["votes"] == {"support": 1, "oppose": 0, "abstain": 0}
    assert properties["rating"] == {
        "count": 3,
        "average": 3.33,
        "distribution": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1},
    }


def test_pages_are_ordered_by_id_with_next_and_prev_links(http):
    grid = twin_grid(250)
    ids = sorted(t.pk for t in grid)

    first = http.get(URL).json()
    assert first["numberMatched"] == 250
    assert first["numberReturned"] == 100
    assert [f["id"] for f in first["features"]] == ids[:100]
    assert (
        link_of(first, "next")["href"]
        == "http://testserver/api/ogc/collections/twin-features/items?limit=100&offset=100"
    )
    assert link_of(first, "next")["type"] == "application/geo+json"
    assert link_of(first, "prev") is None

    second = http.get(link_of(first, "next")["href"]).json()
    assert [f["id"] for f in second["features"]] == ids[100:200]
    assert link_of(second, "prev")["href"].endswith("items?limit=100")
    assert link_of(second, "self")["href"].endswith("items?limit=100&offset=100")

    last = http.get(link_of(second, "next")["href"]).json()
    assert [f["id"] for f in last["features"]] == ids[200:]
    assert last["numberReturned"] == 50
    assert link_of(last, "next") is None

    assert [f["id"] for f in all_pages(http, f"{URL}?limit=7")] == ids
    beyond = http.get(f"{URL}?offset=1000").json()
    assert beyond["features"] == [] and beyond["numberMatched"] == 250
    assert link_of(beyond, "next") is None
    assert link_of(beyond, "prev")["href"].endswith("offset=150")


def test_bbox_keeps_the_objects_whose_bounding_box_overlaps_it(http):
    inside = twin("inside", 4.3610, 52.0110, size=0.0002)
    # Its centre lies outside the box, but its bounding box reaches in.
    overlapping = twin("overlapping", 4.3595, 52.0105, size=0.0010)
    touching = twin("touching", 4.3620, 52.0110, size=0.0002)  # its west edge is the box's east edge
    twin("east", 4.3700, 52.0110, size=0.0002)
    twin("north", 4.3610, 52.0200, size=0.0002)
    box = bbox(4.3600, 52.0100, 4.3620, 52.0120)

    body = http.get(f"{URL}?bbox={box}").json()

    assert {f["id"] for f in body["features"]} == {inside.pk, overlapping.pk, touching.pk}
    assert body["numberMatched"] == 3
    # Paging links keep the box.
    assert "bbox=4.36%2C52.01%2C4.362%2C52.012" in link_of(body, "self")["href"]
    paged = http.get(f"{URL}?bbox={box}&limit=1").json()
    assert "bbox=4.36%2C52.01%2C4.362%2C52.012" in link_of(paged, "next")["href"]
    assert {f["id"] for f in all_pages(http, f"{URL}?bbox={box}&limit=1")} == {inside.pk, overlapping.pk, touching.pk}
    # Six numbers: heights are ignored.
    assert http.get(f"{URL}?bbox=4.36,52.01,-10,4.362,52.012,100").json()["numberMatched"] == 3


def test_bbox_across_the_antimeridian_and_around_the_world(http):
    fiji = twin("fiji", 179.5, -17.0, size=0.2)
    samoa = twin("samoa", -172.0, -13.8, size=0.2)
    delft = twin("delft", 4.36, 52.01)

    across = http.get(f"{URL}?bbox=170,-20,-170,-10").json()
    assert {f["id"] for f in across["features"]} == {fiji.pk, samoa.pk}
    # A map scrolled once around the world asks with longitudes beyond 180.
    assert {f["id"] for f in http.get(f"{URL}?bbox=170,-20,190,-10").json()["features"]} == {fiji.pk, samoa.pk}
    everything = http.get(f"{URL}?bbox=-540,-90,540,90").json()
    assert {f["id"] for f in everything["features"]} == {fiji.pk, samoa.pk, delft.pk}


def test_the_delft_twin_pages_through_all_570_objects(http):
    import_twin_file(path=DELFT)

    features = all_pages(http, f"{URL}?limit=250")

    assert len(features) == 570
    assert [f["id"] for f in features] == sorted(TwinFeature.objects.values_list("pk", flat=True))
    building = next(f for f in features if f["properties"]["twin_id"] == "b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f")
    stored = TwinFeature.objects.get(twin_id="b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f")
    assert building["geometry"] == stored.geometry
    assert building["properties"]["height"] == 6.0
    assert building["properties"]["label"] == "Building, 6 m"
    with translation.override("en"):  # every object named as its page names it (the feed reads rows, not models)
        labels = {feature.pk: feature.label for feature in TwinFeature.objects.all()}
    assert {f["id"]: f["properties"]["label"] for f in features} == labels
    german = http.get(f"{URL}/{stored.pk}", headers={"accept-language": "de"}).json()
    assert german["properties"]["label"] == "Gebäude, 6 m"
    collection = http.get(f"{OGC}/collections/twin-features").json()
    west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
    assert west < stored.longitude < east and south < stored.latitude < north


def _tied_world(count: int) -> None:
    """``count`` twin objects, each with a comment, a proposal tied to it and a vote on that proposal."""
    consultation = factories.consultation("vote")
    voter = factories.CitizenFactory()
    grid = twin_grid(count)
    proposals = [factories.proposal(consultation) for _ in range(min(count, 20))]
    for n, building in enumerate(grid):
        proposal = proposals[n % len(proposals)]
        ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
    for proposal in proposals:
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), choice=VoteChoice.SUPPORT)
    Contribution.objects.bulk_create(
        Contribution(consultation=consultation, text=f"Zu {b.twin_id}", twin_feature=b) for b in grid
    )


TWIN_PAGE_QUERIES = 5  # count, page, contribution counts, proposal links, vote totals


@pytest.mark.parametrize("count", [10, 500])
def test_a_page_costs_the_same_queries_for_10_and_500_objects(http, django_assert_max_num_queries, count):
    _tied_world(count)

    with django_assert_max_num_queries(TWIN_PAGE_QUERIES):
        body = http.get(f"{URL}?limit=1000").json()

    assert body["numberReturned"] == count
    assert all(f["properties"]["contributions"] == 1 for f in body["features"])
    assert all(f["properties"]["votes"]["support"] == 1 for f in body["features"])
    with django_assert_max_num_queries(TWIN_PAGE_QUERIES):
        assert http.get(f"{URL}?limit=1000&bbox=4.36,52.01,4.37,52.02").status_code == 200
    with django_assert_max_num_queries(TWIN_PAGE_QUERIES - 1):
        assert http.get(f"{URL}/{body['features'][-1]['id']}").status_code == 200


def test_collection_metadata_costs_one_query(http, django_assert_max_num_queries):
    twin_grid(50)

    with django_assert_max_num_queries(1):
        assert http.get(f"{OGC}/collections/twin-features").status_code == 200
