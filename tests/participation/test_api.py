"""The JSON API v1: what it shows, what it refuses, and that it carries no personal data."""

import json

import pytest

from participation.models import Contribution, ModerationState, Vote
from tests.support import factories
from tests.support.api import API, api_client, post_json
from tests.support.factories import INSIDE, OUTSIDE


@pytest.fixture
def anonymous(db):
    return api_client()


@pytest.fixture
def as_citizen(citizen):
    return api_client(citizen)


def vote_url(proposal) -> str:
    return f"{API}/proposals/{proposal.pk}/vote/"


# --- reading --------------------------------------------------------------------------------


def test_consultations_list_url_phase_and_area(anonymous, home):
    consultation = factories.consultation("participate")
    draft = factories.consultation("vote")
    draft.unpublish()

    response = anonymous.get(f"{API}/consultations/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["id"] == consultation.pk
    assert item["url"] == consultation.get_full_url()
    assert item["url"].startswith("http") and item["url"].endswith(consultation.url)
    assert item["phase"] == "participate"
    assert item["area"] == factories.DELFT_AREA
    assert item["voting_method"] == "support_oppose"
    assert item["allow_comments"] is True and item["allow_map_pins"] is True


def test_consultations_list_newest_first(anonymous, home):
    older = factories.consultation("evaluate")
    newer = factories.consultation("inform")

    ids = [item["id"] for item in anonymous.get(f"{API}/consultations/").json()["results"]]

    assert ids == [newer.pk, older.pk]


def test_a_consultation_without_area_has_area_null(anonymous, home):
    consultation = factories.consultation("participate", area=None)

    assert anonymous.get(f"{API}/consultations/{consultation.pk}/").json()["area"] is None


def test_consultation_detail_of_a_draft_or_unknown_is_404(anonymous, home):
    draft = factories.consultation("participate")
    draft.unpublish()

    assert anonymous.get(f"{API}/consultations/{draft.pk}/").status_code == 404
    assert anonymous.get(f"{API}/consultations/999999/").status_code == 404


def test_proposals_of_a_consultation_with_results(anonymous, voting_consultation, citizen):
    first = factories.proposal(voting_consultation, title="Bäume")
    second = factories.proposal(voting_consultation, title="Bänke")
    factories.proposal(factories.consultation("vote"))
    Vote.objects.create(proposal=first, participant=factories.participant(citizen), choice="support")
    Vote.objects.create(proposal=first, participant=factories.participant(factories.CitizenFactory()), choice="abstain")

    response = anonymous.get(f"{API}/proposals/", {"consultation": voting_consultation.pk})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(p["id"], p["title"], p["consultation"]) for p in results] == [
        (first.pk, "Bäume", voting_consultation.pk),
        (second.pk, "Bänke", voting_consultation.pk),
    ]
    assert results[0]["results"] == {"support": 1, "oppose": 0, "abstain": 1}
    assert results[1]["results"] == {"support": 0, "oppose": 0, "abstain": 0}
    assert results[0]["url"] == first.get_full_url()


def test_proposals_of_all_consultations(anonymous, home):
    proposals = [factories.proposal(factories.consultation("vote")) for _ in range(2)]

    body = anonymous.get(f"{API}/proposals/").json()

    assert [p["id"] for p in body["results"]] == [p.pk for p in proposals]


def test_proposals_of_an_unknown_consultation_are_none(anonymous, home):
    assert anonymous.get(f"{API}/proposals/", {"consultation": 999999}).json()["results"] == []


def test_a_consultation_filter_that_is_not_a_number_is_400(anonymous, db):
    response = anonymous.get(f"{API}/proposals/", {"consultation": "abc"})

    assert response.status_code == 400
    assert "consultation" in response.json()


def test_proposal_detail_with_results(anonymous, proposal, citizen):
    Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), choice="oppose")

    body = anonymous.get(f"{API}/proposals/{proposal.pk}/").json()

    assert body["results"] == {"support": 0, "oppose": 1, "abstain": 0}
    assert anonymous.get(f"{API}/proposals/999999/").status_code == 404


def test_contributions_show_published_comments_without_personal_data(anonymous, participating_consultation):
    author = factories.CitizenFactory(username="erika.mustermann", email="erika@example.org")
    proposal = factories.proposal(participating_consultation)
    comment = factories.comment(participating_consultation, author=author, proposal=proposal, **INSIDE)
    reply = factories.comment(participating_consultation, author=author, parent=comment, proposal=proposal)
    factories.comment(participating_consultation, author=author, moderation_state=ModerationState.PENDING)
    factories.comment(participating_consultation, author=author, moderation_state=ModerationState.HIDDEN)

    response = anonymous.get(f"{API}/contributions/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [c["id"] for c in results] == [comment.pk, reply.pk]
    assert results[0]["location"] == INSIDE
    assert results[1]["location"] is None
    assert results[1]["parent"] == comment.pk
    for item in results:
        assert set(item) == {
            "id",
            "consultation",
            "proposal",
            "parent",
            "text",
            "channel",
            "created_at",
            "edited_at",
            "location",
            "geometry",
            "twin_feature",
            "official_answer",
        }
        assert "author" not in item
    assert "erika" not in response.content.decode()


def test_contributions_filter_by_consultation_and_proposal(anonymous, participating_consultation):
    proposal = factories.proposal(participating_consultation)
    on_proposal = factories.comment(participating_consultation, proposal=proposal)
    on_consultation = factories.comment(participating_consultation)
    factories.comment(factories.consultation("participate"))

    def ids(**params):
        return [c["id"] for c in anonymous.get(f"{API}/contributions/", params).json()["results"]]

    assert ids(consultation=participating_consultation.pk) == [on_proposal.pk, on_consultation.pk]
    assert ids(proposal=proposal.pk) == [on_proposal.pk]


def test_comments_of_a_withdrawn_consultation_leave_the_open_api(anonymous, participating_consultation):
    factories.comment(participating_consultation, **INSIDE)
    participating_consultation.unpublish()

    assert anonymous.get(f"{API}/contributions/").json()["results"] == []
    assert anonymous.get(f"{API}/contributions/geojson/").json()["features"] == []


def test_geojson_is_a_feature_collection_of_visible_pins(anonymous, participating_consultation, citizen):
    pinned = factories.comment(participating_consultation, author=citizen, **INSIDE)
    factories.comment(participating_consultation, author=citizen)
    factories.comment(participating_consultation, moderation_state=ModerationState.HIDDEN, **INSIDE)

    response = anonymous.get(f"{API}/contributions/geojson/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    (feature,) = body["features"]
    assert feature["id"] == pinned.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [INSIDE["longitude"], INSIDE["latitude"]]}
    assert citizen.username not in response.content.decode()
    assert citizen.email not in response.content.decode()


def test_geojson_bbox_keeps_only_pins_inside(anonymous, participating_consultation):
    inside = factories.comment(participating_consultation, **INSIDE)
    factories.comment(participating_consultation, latitude=52.02, longitude=4.38)

    body = anonymous.get(f"{API}/contributions/geojson/", {"bbox": "4.36,52.01,4.37,52.015"}).json()

    assert [f["id"] for f in body["features"]] == [inside.pk]


def test_geojson_bbox_is_read_as_the_ogc_api_reads_it(anonymous, participating_consultation):
    """One parser for both APIs: a map scrolled once around the world is wrapped back, and a box
    with west east of east crosses the antimeridian (here: everything but a narrow band)."""
    inside = factories.comment(participating_consultation, **INSIDE)
    east = factories.comment(participating_consultation, latitude=52.012, longitude=4.38)

    def ids(bbox: str) -> list[int]:
        return [f["id"] for f in anonymous.get(f"{API}/contributions/geojson/", {"bbox": bbox}).json()["features"]]

    assert ids("364.36,52.01,364.37,52.015") == [inside.pk]
    assert ids("4.37,52.0,4.36,52.02") == [east.pk]
    response = anonymous.get(f"{API}/contributions/geojson/", {"bbox": "4.36,52.02,4.37,52.01"})
    assert response.status_code == 400
    assert "south edge" in response.json()["bbox"]


def test_geojson_filters_by_consultation(anonymous, participating_consultation):
    mine = factories.comment(participating_consultation, **INSIDE)
    factories.comment(factories.consultation("participate"), **INSIDE)

    body = anonymous.get(f"{API}/contributions/geojson/", {"consultation": participating_consultation.pk}).json()

    assert [f["id"] for f in body["features"]] == [mine.pk]


@pytest.mark.parametrize(
    "bbox",
    [
        "4.36,52.01,4.37",
        "a,b,c,d",
        "4.36,52.01,4.37,52.015,1",
        "4.36;52.01;4.37;52.015",
        "nan,52,4.37,52.1",
        "-inf,0,inf,1",
    ],
)
def test_geojson_refuses_a_bad_bbox_with_400(anonymous, db, bbox):
    response = anonymous.get(f"{API}/contributions/geojson/", {"bbox": bbox})

    assert response.status_code == 400
    assert "bbox" in response.json()


def test_the_schema_is_openapi_and_documents_the_public_api(anonymous, db):
    response = anonymous.get(f"{API}/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Bürgerforum API"
    assert {
        "/api/v1/consultations/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{id}/vote/",
        "/api/v1/contributions/",
        "/api/v1/contributions/geojson/",
    } <= set(schema["paths"])


def test_the_schema_leaves_out_the_admin_api(anonymous, db):
    schema = json.loads(anonymous.get(f"{API}/schema/", {"format": "json"}).content)

    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_the_schema_documents_the_session_login(anonymous, db):
    schema = json.loads(anonymous.get(f"{API}/schema/", {"format": "json"}).content)

    assert {"type": "apiKey", "in": "cookie", "name": "sessionid"} in schema["components"]["securitySchemes"].values()


# --- voting ---------------------------------------------------------------------------------


def test_a_citizen_votes_and_gets_the_new_totals(as_citizen, citizen, proposal):
    response = post_json(as_citizen, vote_url(proposal), {"choice": "support"})

    assert response.status_code == 200
    assert response.json() == {"choice": "support", "results": {"support": 1, "oppose": 0, "abstain": 0}}
    assert Vote.objects.get(participant__user=citizen, proposal=proposal).choice == "support"


def test_a_citizen_changes_the_vote(as_citizen, proposal):
    post_json(as_citizen, vote_url(proposal), {"choice": "support"})

    response = post_json(as_citizen, vote_url(proposal), {"choice": "abstain"})

    assert response.json() == {"choice": "abstain", "results": {"support": 0, "oppose": 0, "abstain": 1}}
    assert Vote.objects.count() == 1


def test_anonymous_vote_is_401_with_a_login_hint(anonymous, proposal):
    response = post_json(anonymous, vote_url(proposal), {"choice": "support"})

    assert response.status_code == 401
    assert "log in" in response.json()["detail"]
    assert response.has_header("WWW-Authenticate")
    assert not Vote.objects.exists()


def test_unverified_user_vote_is_403(unverified_user, proposal):
    response = post_json(api_client(unverified_user), vote_url(proposal), {"choice": "support"})

    assert response.status_code == 403
    assert "confirm your email address" in response.json()["detail"]
    assert not Vote.objects.exists()


def test_a_vote_without_csrf_token_is_403(as_citizen, proposal):
    response = post_json(as_citizen, vote_url(proposal), {"choice": "support"}, csrf=False)

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("phase", ["inform", "participate", "evaluate"])
def test_a_vote_outside_the_voting_phase_is_400_with_a_message(as_citizen, phase):
    closed = factories.proposal(factories.consultation(phase))

    response = post_json(as_citizen, vote_url(closed), {"choice": "support"})

    assert response.status_code == 400
    assert response.json() == {"detail": ["Voting is possible only while the voting phase is open."]}
    assert not Vote.objects.exists()


def test_a_vote_where_there_is_no_vote_is_403(as_citizen):
    proposal = factories.proposal(factories.consultation("vote", voting_method="none"))

    response = post_json(as_citizen, vote_url(proposal), {"choice": "support"})

    assert response.status_code == 403
    assert not Vote.objects.exists()


@pytest.mark.parametrize("data", [{"choice": "maybe"}, {"choice": ""}, {}, {"choice": ["support"]}])
def test_an_unknown_choice_is_400(as_citizen, proposal, data):
    response = post_json(as_citizen, vote_url(proposal), data)

    assert response.status_code == 400
    assert "choice" in response.json()
    assert not Vote.objects.exists()


def test_an_unknown_choice_says_which_choices_there_are(as_citizen, proposal):
    response = post_json(as_citizen, vote_url(proposal), {"choice": "maybe"})

    assert response.json() == {"choice": ["Please choose support, oppose or abstain."]}


def test_a_vote_on_an_unknown_or_unpublished_proposal_is_404(as_citizen, proposal):
    proposal.unpublish()

    assert post_json(as_citizen, f"{API}/proposals/999999/vote/", {"choice": "support"}).status_code == 404
    assert post_json(as_citizen, vote_url(proposal), {"choice": "support"}).status_code == 404


def test_votes_are_rate_limited_with_429(as_citizen, proposal, settings):
    settings.RATELIMIT_VOTES = "3/d"
    for choice in ("support", "oppose", "abstain"):
        assert post_json(as_citizen, vote_url(proposal), {"choice": choice}).status_code == 200

    response = post_json(as_citizen, vote_url(proposal), {"choice": "support"})

    assert response.status_code == 429
    assert Vote.objects.get(proposal=proposal).choice == "abstain"


def test_the_vote_rate_limit_is_per_citizen(proposal, settings):
    settings.RATELIMIT_VOTES = "1/d"
    first, second = api_client(factories.CitizenFactory()), api_client(factories.CitizenFactory())

    assert post_json(first, vote_url(proposal), {"choice": "support"}).status_code == 200
    assert post_json(first, vote_url(proposal), {"choice": "support"}).status_code == 429
    assert post_json(second, vote_url(proposal), {"choice": "support"}).status_code == 200


# --- writing comments -----------------------------------------------------------------------


def comment_data(consultation, **fields) -> dict:
    return {"consultation": consultation.pk, "text": "Mehr Bäume am Ufer", **fields}


def test_a_citizen_writes_a_pinned_comment(as_citizen, citizen, participating_consultation):
    response = post_json(as_citizen, f"{API}/contributions/", comment_data(participating_consultation, location=INSIDE))

    assert response.status_code == 201
    stored = Contribution.objects.get()
    assert (stored.author, stored.text, stored.latitude, stored.longitude) == (
        citizen,
        "Mehr Bäume am Ufer",
        INSIDE["latitude"],
        INSIDE["longitude"],
    )
    body = response.json()
    assert body["id"] == stored.pk and body["location"] == INSIDE
    assert "author" not in body and citizen.username not in response.content.decode()


def test_a_citizen_comments_on_a_proposal_and_replies(as_citizen, participating_consultation):
    proposal = factories.proposal(participating_consultation)
    comment = post_json(
        as_citizen, f"{API}/contributions/", comment_data(participating_consultation, proposal=proposal.pk)
    ).json()

    reply = post_json(
        as_citizen, f"{API}/contributions/", comment_data(participating_consultation, parent=comment["id"])
    )

    assert reply.status_code == 201
    assert (reply.json()["parent"], reply.json()["proposal"]) == (comment["id"], proposal.pk)


def test_a_pin_outside_the_area_is_400_with_a_message(as_citizen, participating_consultation):
    response = post_json(
        as_citizen, f"{API}/contributions/", comment_data(participating_consultation, location=OUTSIDE)
    )

    assert response.status_code == 400
    assert response.json() == {
        "location": ["The pin lies outside the area of this consultation. Please place it inside the marked area."]
    }
    assert not Contribution.objects.exists()


def test_a_comment_outside_the_participation_phase_is_400(as_citizen, home):
    response = post_json(as_citizen, f"{API}/contributions/", comment_data(factories.consultation("evaluate")))

    assert response.status_code == 400
    assert "participation phase" in response.json()["detail"][0]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_too_long_text_is_400(as_citizen, participating_consultation, text):
    response = post_json(as_citizen, f"{API}/contributions/", comment_data(participating_consultation, text=text))

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Contribution.objects.exists()


def test_anonymous_comment_is_401_and_unverified_is_403(anonymous, unverified_user, participating_consultation):
    data = comment_data(participating_consultation)

    assert post_json(anonymous, f"{API}/contributions/", data).status_code == 401
    assert post_json(api_client(unverified_user), f"{API}/contributions/", data).status_code == 403
    assert not Contribution.objects.exists()


def test_a_comment_without_csrf_token_is_403(as_citizen, participating_consultation):
    response = post_json(as_citizen, f"{API}/contributions/", comment_data(participating_consultation), csrf=False)

    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_a_comment_on_an_unknown_consultation_is_404(as_citizen, db):
    response = post_json(as_citizen, f"{API}/contributions/", {"consultation": 999999, "text": "Hallo"})

    assert response.status_code == 404


def test_a_comment_on_a_proposal_of_another_consultation_is_400(as_citizen, participating_consultation):
    elsewhere = factories.proposal(factories.consultation("participate"))

    response = post_json(
        as_citizen, f"{API}/contributions/", comment_data(participating_consultation, proposal=elsewhere.pk)
    )

    assert response.status_code == 400
    assert "proposal" in response.json()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("field", ["proposal", "parent"])
def test_a_comment_on_an_unknown_proposal_or_parent_is_400_not_silently_moved(
    as_citizen, participating_consultation, field
):
    response = post_json(
        as_citizen, f"{API}/contributions/", comment_data(participating_consultation, **{field: 999999})
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Contribution.objects.exists()


def test_a_comment_on_an_unpublished_proposal_is_400(as_citizen, participating_consultation):
    draft = factories.proposal(participating_consultation)
    draft.unpublish()

    response = post_json(
        as_citizen, f"{API}/contributions/", comment_data(participating_consultation, proposal=draft.pk)
    )

    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_comments_are_rate_limited_with_429(as_citizen, participating_consultation, settings):
    settings.RATELIMIT_CONTRIBUTIONS = "2/d"
    data = comment_data(participating_consultation)
    assert [post_json(as_citizen, f"{API}/contributions/", data).status_code for _ in range(3)] == [201, 201, 429]
    assert Contribution.objects.count() == 2


def test_html_in_a_comment_comes_back_as_plain_text_in_json_and_geojson(as_citizen, participating_consultation):
    text = "<script>alert(1)</script>"
    post_json(as_citizen, f"{API}/contributions/", comment_data(participating_consultation, text=text, location=INSIDE))

    (feature,) = as_citizen.get(f"{API}/contributions/geojson/").json()["features"]
    (item,) = as_citizen.get(f"{API}/contributions/").json()["results"]

    assert feature["properties"]["text"] == text
    assert item["text"] == text


def test_geojson_endpoint_answers_a_client_asking_for_geojson(client, db):
    response = client.get("/api/v1/contributions/geojson/", HTTP_ACCEPT="application/geo+json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response.json()["type"] == "FeatureCollection"
