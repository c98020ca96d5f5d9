"""The contributions collection: published comments with a place, where and about what they were said,
never who said them; filtered by box and time, in a fixed number of queries."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from participation.models import Contribution, ModerationState, ProposalTwinFeature, Vote, VoteChoice
from participation.ogc.features import rfc3339
from tests.support import factories
from tests.support.ogc import (
    ITEMS,
    OGC,
    PERSONAL_KEYS,
    all_pages,
    bbox,
    keys_everywhere,
    link_of,
    square,
    twin,
    warmed_client,
)

pytestmark = pytest.mark.django_db

URL = ITEMS.format("contributions")
PROPERTIES = {
    "text",
    "channel",
    "created_at",
    "consultation",
    "consultation_title",
    "proposal",
    "proposal_title",
    "voting_method",
    "votes",
    "rating",
    "twin_id",
    "twin_source",
}


@pytest.fixture
def http(db):
    return warmed_client()


@pytest.fixture
def consultation(db):
    return factories.consultation("vote", title="Neugestaltung des Beestenmarkts")


def shown(http, url: str = URL) -> dict[str, dict]:
    """The features of every page, by their text."""
    return {f["properties"]["text"]: f for f in all_pages(http, url)}


def test_only_published_comments_with_a_place_are_shown(http, consultation):
    building = twin("b", 4.36, 52.01)
    proposal = factories.proposal(consultation)
    draft = factories.proposal(consultation)
    withdrawn = factories.consultation("participate")
    point = {"latitude": 52.012, "longitude": 4.364}

    factories.comment(consultation, text="pinned", **point)
    factories.comment(consultation, text="drawn", geometry=square(4.362, 52.011), latitude=52.01105, longitude=4.36205)
    factories.comment(consultation, text="drawn without a point", geometry=square(4.362, 52.011))
    factories.comment(consultation, text="about a building", twin_feature=building)
    factories.comment(consultation, text="on a proposal", proposal=proposal, **point)
    factories.comment(consultation, text="a reply", parent=Contribution.objects.first(), **point)
    factories.comment(consultation, text="nowhere")
    factories.comment(consultation, text="pending", moderation_state=ModerationState.PENDING, **point)
    factories.comment(consultation, text="hidden", moderation_state=ModerationState.HIDDEN, **point)
    deleted = factories.comment(consultation, text="deleted", **point)
    deleted.deleted_at = timezone.now()
    deleted.save()
    factories.comment(consultation, text="on a draft proposal", proposal=draft, **point)
    factories.comment(withdrawn, text="in a withdrawn consultation", **point)
    draft.unpublish()
    withdrawn.unpublish()

    assert set(shown(http)) == {
        "pinned",
        "drawn",
        "drawn without a point",
        "about a building",
        "on a proposal",
        "a reply",
    }
    body = http.get(URL).json()
    assert body["numberMatched"] == body["numberReturned"] == 6
    hidden = Contribution.objects.get(text="hidden")
    assert http.get(f"{URL}/{hidden.pk}").status_code == 404


def test_its_geometry_is_its_own_else_its_point_else_the_twin_objects_centre(http, consultation):
    building = twin("b", 4.3600, 52.0100, size=0.0002)  # centre 4.3601, 52.0101
    area = square(4.362, 52.011)
    factories.comment(
        consultation, text="drawn", geometry=area, latitude=52.01105, longitude=4.36205, twin_feature=building
    )
    factories.comment(consultation, text="pinned", latitude=52.012, longitude=4.364, twin_feature=building)
    factories.comment(consultation, text="tied", twin_feature=building)

    features = shown(http)

    assert features["drawn"]["geometry"] == area
    assert features["pinned"]["geometry"] == {"type": "Point", "coordinates": [4.364, 52.012]}
    tied = features["tied"]["geometry"]
    assert tied["type"] == "Point"
    assert tied["coordinates"] == pytest.approx([4.3601, 52.0101])


def test_properties_say_where_and_about_what_never_who(http, consultation):
    author = factories.CitizenFactory(username="anna-private", email="anna.private@example.org")
    proposal = factories.proposal(consultation, title="Mehr Bäume")
    building = twin("DEBY_LOD2_1", 4.36, 52.01, source="kempten.gml")
    for voter, choice in zip(factories.citizens(3), ["support", "support", "oppose"], strict=True):
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), choice=choice)
    Vote.objects.create(proposal=proposal, participant=factories.participant(author), choice=VoteChoice.ABSTAIN)
    about = factories.comment(
        consultation,
        author=author,
        text="Bitte Schatten",
        proposal=proposal,
        twin_feature=building,
        channel="terminal",
    )
    plain = factories.comment(consultation, author=author, text="Hier", latitude=52.012, longitude=4.364)

    response = http.get(URL)

    features = {f["id"]: f for f in response.json()["features"]}
    assert features[about.pk]["properties"] == {
        "text": "Bitte Schatten",
        "channel": "terminal",
        "created_at": rfc3339(about.created_at),
        "consultation": consultation.pk,
        "consultation_title": "Neugestaltung des Beestenmarkts",
        "proposal": proposal.pk,
        "proposal_title": "Mehr Bäume",
        "voting_method": "support_oppose",
        "votes": {"support": 2, "oppose": 1, "abstain": 1},
        "rating": None,
        "twin_id": "DEBY_LOD2_1",
        "twin_source": "kempten.gml",
    }
    assert features[plain.pk]["properties"] == {
        "text": "Hier",
        "channel": "online",
        "created_at": rfc3339(plain.created_at),
        "consultation": consultation.pk,
        "consultation_title": "Neugestaltung des Beestenmarkts",
        "proposal": None,
        "proposal_title": None,
        "voting_method": "support_oppose",
        "votes": None,
        "rating": None,
        "twin_id": None,
        "twin_source": None,
    }
    assert features[about.pk]["properties"]["created_at"].endswith("Z")
    # Nothing personal anywhere: not in the items, not in one item, not in the twin objects.
    for url in (URL, f"{URL}/{about.pk}", ITEMS.format("twin-features"), f"{OGC}/collections"):
        body = http.get(url).content.decode()
        assert "anna-private" not in body
        assert "anna.private@example.org" not in body
        assert not keys_everywhere(json.loads(body)) & PERSONAL_KEYS
    assert all(set(f["properties"]) == PROPERTIES for f in features.values())


def test_a_comment_on_a_rated_proposal_carries_its_ratings_not_vote_totals(http):
    rated = factories.consultation("vote", voting_method="rating")
    proposal = factories.proposal(rated, title="Mehr Bänke")
    for voter, rating in zip(factories.citizens(2), (2, 5), strict=True):
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), rating=rating)
    factories.comment(rated, text="Bitte Bänke", proposal=proposal, latitude=52.012, longitude=4.364)

    (properties,) = (f["properties"] for f in http.get(URL).json()["features"])

    assert properties["voting_method"] == "rating"
    assert properties["votes"] is None
    assert properties["rating"] == {
        "count": 2,
        "average": 3.5,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }


def test_bbox_keeps_points_in_the_box_and_twin_objects_centres_in_it(http, consultation):
    inside_building = twin("in", 4.3605, 52.0105, size=0.0002)
    outside_building = twin("out", 4.3700, 52.0105, size=0.0002)
    factories.comment(consultation, text="point inside", latitude=52.0110, longitude=4.3610)
    factories.comment(consultation, text="point on the edge", latitude=52.0120, longitude=4.3620)
    factories.comment(consultation, text="point outside", latitude=52.0130, longitude=4.3610)
    factories.comment(consultation, text="tied inside", twin_feature=inside_building)
    factories.comment(consultation, text="tied outside", twin_feature=outside_building)
    # Its own point counts, not the twin object's.
    factories.comment(
        consultation,
        text="pinned inside, tied outside",
        latitude=52.011,
        longitude=4.361,
        twin_feature=outside_building,
    )
    factories.comment(
        consultation, text="pinned outside, tied inside", latitude=52.03, longitude=4.39, twin_feature=inside_building
    )
    factories.comment(
        consultation,
        text="area, its point inside",
        geometry=square(4.3615, 52.0115, size=0.01),
        latitude=52.0116,
        longitude=4.3616,
    )

    features = shown(http, f"{URL}?bbox={bbox(4.3600, 52.0100, 4.3620, 52.0120)}&limit=2")

    assert set(features) == {
        "point inside",
        "point on the edge",
        "tied inside",
        "pinned inside, tied outside",
        "area, its point inside",
    }


def test_datetime_keeps_the_contributions_made_then(http, consultation):
    point = {"latitude": 52.012, "longitude": 4.364}
    for day in (1, 15, 31):
        comment = factories.comment(consultation, text=f"May {day}", **point)
        comment.created_at = dt.datetime(2025, 5, day, 12, 0, tzinfo=dt.UTC)
        comment.save()

    def texts(value: str) -> set[str]:
        return set(shown(http, f"{URL}?datetime={value}"))

    assert texts("2025-05-01/2025-05-15") == {"May 1", "May 15"}
    assert texts("2025-05-15") == {"May 15"}
    assert texts("2025-05-10T00:00:00Z/..") == {"May 15", "May 31"}
    assert texts("../2025-05-01T12:00:00Z") == {"May 1"}
    assert texts("/2025-05-14") == {"May 1"}
    assert texts("2025-05-31T12:00:00Z") == {"May 31"}
    assert texts("2025-05-31T14:00:00%2B02:00") == {"May 31"}
    paged = http.get(f"{URL}?datetime=2025-05-01/2025-05-31&limit=1").json()
    assert "datetime=2025-05-01%2F2025-05-31" in link_of(paged, "next")["href"]
    # Twin objects have no time: the parameter is accepted and keeps them all.
    twin("b", 4.36, 52.01)
    assert http.get(f"{ITEMS.format('twin-features')}?datetime=2025-05-15").json()["numberMatched"] == 1


def _many(consultation, count: int) -> None:
    proposals = [factories.proposal(consultation) for _ in range(5)]
    voter = factories.CitizenFactory()
    for proposal in proposals:
        Vote.objects.create(proposal=proposal, participant=factories.participant(voter), choice=VoteChoice.OPPOSE)
    buildings = [twin(f"b{n}", 4.36 + n * 0.001, 52.01) for n in range(3)]
    ProposalTwinFeature.objects.create(page=proposals[0], twin_feature=buildings[0])
    Contribution.objects.bulk_create(
        Contribution(
            consultation=consultation,
            proposal=proposals[n % 5] if n % 2 else None,
            twin_feature=buildings[n % 3] if n % 3 else None,
            latitude=52.011 if n % 3 == 0 else None,
            longitude=4.361 if n % 3 == 0 else None,
            text=f"Kommentar {n}",
        )
        for n in range(count)
    )


CONTRIBUTION_PAGE_QUERIES = 3  # count, page (with consultation, proposal and twin object), vote totals


@pytest.mark.parametrize("count", [10, 500])
def test_a_page_costs_the_same_queries_for_10_and_500(http, consultation, django_assert_max_num_queries, count):
    _many(consultation, count)

    with django_assert_max_num_queries(CONTRIBUTION_PAGE_QUERIES):
        body = http.get(f"{URL}?limit=1000").json()

    assert body["numberReturned"] == count
    assert all(f["properties"]["consultation_title"] == "Neugestaltung des Beestenmarkts" for f in body["features"])
    assert all(f["geometry"]["type"] == "Point" for f in body["features"])
    on_proposals = [f for f in body["features"] if f["properties"]["proposal"]]
    assert on_proposals and all(f["properties"]["votes"]["oppose"] == 1 for f in on_proposals)
    with django_assert_max_num_queries(CONTRIBUTION_PAGE_QUERIES):
        assert http.get(f"{URL}?limit=1000&bbox=4,52,5,53&datetime=2000-01-01/..").status_code == 200


def test_collection_metadata_costs_two_queries(http, consultation, django_assert_max_num_queries):
    _many(consultation, 50)

    with django_assert_max_num_queries(2):
        assert http.get(f"{OGC}/collections/contributions").status_code == 200
