"""The rooms API (/api/v1/rooms/): what phones and other clients read and write, CSRF included."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from forum import services as forum_services
from forum.cookies import DEVICE_COOKIE
from participation import services
from participation.models import Channel, PollAnswer, Vote
from tests.support import factories


@pytest.fixture
def room(voting_consultation, moderator):
    return factories.room(voting_consultation, presenter=moderator, title="Bürgerforum, 12. November")


@pytest.fixture
def poll(room, moderator):
    poll = services.add_poll(
        presenter=moderator,
        consultation=room.consultation,
        question="Was fehlt?",
        kind="multiple",
        options=["Bänke", "Bäume", "Licht"],
        max_choices=2,
    )
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=poll, open_poll=True)
    return poll


@pytest.fixture
def api_phone(db):
    """A phone's script: CSRF checked as in production, the token from the cookie the first GET set."""
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def post_json(client: Client, url: str, body: dict):
    csrf = client.cookies.get("csrftoken")
    headers = {"HTTP_X_CSRFTOKEN": csrf.value} if csrf else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def joined(client: Client, room) -> Client:
    """The phone opened the room page: device cookie and CSRF cookie are set."""
    assert client.get(f"/live/{room.code}/").status_code == 200
    return client


def test_the_list_names_open_rooms_only(client, room, moderator, participating_consultation):
    closed = factories.room(participating_consultation, presenter=moderator)
    forum_services.close_room(presenter=moderator, room=closed)
    rooms = client.get("/api/v1/rooms/").json()
    assert [r["code"] for r in rooms] == [room.code]
    assert rooms[0]["consultation"] == {"id": room.consultation_id, "title": room.consultation.title}
    assert rooms[0]["url"].endswith(f"/live/{room.code}/")
    assert rooms[0]["title"] == "Bürgerforum, 12. November"


def test_the_detail_is_the_rooms_frame_and_sets_the_device_cookie(api_phone, poll, room):
    response = api_phone.get(f"/api/v1/rooms/{room.code}/")
    assert response.status_code == 200
    assert DEVICE_COOKIE in response.cookies
    body = response.json()
    assert body["room"]["scene"] == "poll"
    assert [o["label"] for o in body["room"]["poll"]["options"]] == ["Bänke", "Bäume", "Licht"]
    assert "results" not in body["room"]["poll"]


def test_unknown_and_ended_rooms_are_404(api_phone, room, moderator):
    assert api_phone.get("/api/v1/rooms/ZZZZZZ/").status_code == 404
    forum_services.close_room(presenter=moderator, room=room)
    assert api_phone.get(f"/api/v1/rooms/{room.code}/").status_code == 404


def test_a_vote_without_the_csrf_token_is_refused(api_phone, poll, room):
    joined(api_phone, room)
    response = api_phone.post(
        f"/api/v1/rooms/{room.code}/vote/",
        json.dumps({"option": [poll.options.first().pk]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not PollAnswer.objects.exists()


def test_a_phone_answers_through_the_api_once_however_often_it_sends(api_phone, poll, room):
    joined(api_phone, room)
    benches, trees, _light = poll.options.values_list("pk", flat=True)
    for _ in range(3):
        response = post_json(api_phone, f"/api/v1/rooms/{room.code}/vote/", {"option": [benches, trees]})
        assert response.status_code == 200
    assert response.json() == {
        "counted": True,
        "message": "Thank you, your answer has been counted.",
        "poll": poll.pk,
        "round": 1,
    }
    answer = PollAnswer.objects.get()
    assert answer.channel == Channel.PHONE
    assert sorted(answer.choices.values_list("option_id", flat=True)) == sorted([benches, trees])


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"option": []}, 400, "option"),
        ({"option": ["x"]}, 400, "option"),
        ({"option": [1, 2, 3]}, 400, "option"),
        ({"option": 10**30}, 400, "option"),
        ({"value": 3}, 400, "option"),
        ({"proposal": 999999, "choice": "support"}, 400, "proposal"),
    ],
)
def test_bad_votes_are_4xx_with_a_message(api_phone, poll, room, body, status, field):
    joined(api_phone, room)
    response = post_json(api_phone, f"/api/v1/rooms/{room.code}/vote/", body)
    assert response.status_code == status
    assert response.json()["detail"]
    assert response.json()["field"] == field


def test_a_body_that_is_no_object_is_a_409_not_a_500(api_phone, room):
    joined(api_phone, room)
    response = api_phone.post(
        f"/api/v1/rooms/{room.code}/vote/",
        "[1, 2]",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=api_phone.cookies["csrftoken"].value,
    )
    assert response.status_code == 409  # nothing named, nothing shown
    assert response.json()["detail"] == "No poll is open right now. Please wait for the next question."


def test_the_proposal_shown_takes_votes_and_counts_once_per_account(api_phone, room, moderator, proposal, citizen):
    forum_services.show_in_room(presenter=moderator, room=room, scene="proposal", proposal=proposal)
    services.cast_vote(voter=citizen, proposal=proposal, choice="oppose")
    api_phone.force_login(citizen)
    joined(api_phone, room)
    response = post_json(api_phone, f"/api/v1/rooms/{room.code}/vote/", {"proposal": proposal.pk, "choice": "support"})
    assert response.status_code == 200
    assert response.json()["choice"] == "support"
    vote = Vote.objects.get()
    assert (vote.participant.user, vote.channel) == (citizen, Channel.PHONE)


def test_a_phone_over_its_limit_gets_429_with_retry_after(api_phone, poll, room, settings):
    settings.RATELIMIT_ROOM_DEVICE = "1/m"
    joined(api_phone, room)
    option = poll.options.first().pk
    assert post_json(api_phone, f"/api/v1/rooms/{room.code}/vote/", {"option": option}).status_code == 200
    response = post_json(api_phone, f"/api/v1/rooms/{room.code}/vote/", {"option": option})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["detail"]


def test_the_schema_documents_the_rooms_api(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"/api/v1/rooms/", "/api/v1/rooms/{code}/", "/api/v1/rooms/{code}/vote/"} <= set(paths)
    assert {"200", "400", "404", "409", "429"} <= set(paths["/api/v1/rooms/{code}/vote/"]["post"]["responses"])


@pytest.fixture
def question_round(room, moderator):
    round_ = services.add_poll(
        presenter=moderator, consultation=room.consultation, question="Fragen?", kind="questions"
    )
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=round_, open_poll=True)
    return round_


def test_a_question_through_the_api_waits_for_moderation(api_phone, question_round, room):
    joined(api_phone, room)
    response = post_json(api_phone, f"/api/v1/rooms/{room.code}/questions/", {"text": "Wer plant das?"})
    assert response.status_code == 200
    assert response.json()["counted"] is True
    question = question_round.questions.get()
    assert (question.text, question.moderation_state, question.channel) == ("Wer plant das?", "pending", "phone")
    assert post_json(api_phone, f"/api/v1/rooms/{room.code}/questions/", {"text": ""}).status_code == 400


def test_an_upvote_through_the_api_counts_once_and_needs_csrf(api_phone, question_round, room, moderator):
    device = factories.device()
    question = services.ask_question(participant=device, poll=question_round, text="Wann?", channel="phone")
    services.moderate_question(moderator=moderator, question=question, state="approved")
    joined(api_phone, room)
    url = f"/api/v1/rooms/{room.code}/questions/{question.pk}/upvote/"
    assert api_phone.post(url).status_code == 403  # no CSRF token
    assert [post_json(api_phone, url, {}).status_code for _ in range(2)] == [200, 200]
    assert question.upvotes.count() == 1
    assert post_json(api_phone, f"/api/v1/rooms/{room.code}/questions/999999/upvote/", {}).status_code == 400


def test_a_rated_proposal_shown_takes_ratings_and_refuses_what_is_no_rating(api_phone, moderator):
    consultation = factories.consultation("vote", voting_method="rating")
    room = factories.room(consultation, presenter=moderator)
    proposal = factories.proposal(consultation)
    forum_services.show_in_room(presenter=moderator, room=room, scene="proposal", proposal=proposal)
    joined(api_phone, room)
    url = f"/api/v1/rooms/{room.code}/vote/"

    response = post_json(api_phone, url, {"proposal": proposal.pk, "rating": 4})

    assert response.status_code == 200
    assert (response.json()["rating"], response.json()["choice"]) == (4, "")
    for body in ({"proposal": proposal.pk, "rating": 9}, {"proposal": proposal.pk, "rating": "gut"}):
        refused = post_json(api_phone, url, body)
        assert refused.status_code == 400
        assert refused.json()["detail"] == "Please choose a rating from 1 to 5."
    refused = post_json(api_phone, url, {"proposal": proposal.pk, "choice": "support"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "This consultation is rated from 1 to 5, not voted on with support or oppose."
    vote = Vote.objects.get()
    assert (vote.rating, vote.channel) == (4, Channel.PHONE)
