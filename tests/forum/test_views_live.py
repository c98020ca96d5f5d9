"""The phone page of a room (/live/<code>/): joining by code, answering by plain forms, the polling fallback."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from forum import services as forum_services
from forum.cookies import DEVICE_COOKIE
from participation import services
from participation.models import Channel, Participant, ParticipantKind, PollAnswer, PollKind, Question, Vote
from tests.support import factories


@pytest.fixture
def room(voting_consultation, moderator):
    return factories.room(voting_consultation, presenter=moderator)


@pytest.fixture
def poll(room, moderator):
    poll = services.add_poll(
        presenter=moderator, consultation=room.consultation, question="Wie oft kommen Sie her?", options=["Oft", "Nie"]
    )
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=poll, open_poll=True)
    return poll


def option_ids(poll) -> list[int]:
    return list(poll.options.values_list("pk", flat=True))


def test_the_code_page_leads_to_the_room_whatever_the_typing(phone, room):
    assert phone.get("/live/").status_code == 200
    response = phone.get("/live/", {"code": f" {room.code.lower()[:3]}-{room.code.lower()[3:]} "})
    assert response.status_code == 302
    assert response["Location"] == f"/live/{room.code}/"


def test_an_unknown_code_is_a_404_with_the_form_again(phone, room):
    response = phone.get("/live/", {"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "There is no open room with this code" in response.content.decode()
    assert phone.get("/live/0O1IL5/").status_code == 404  # look-alikes are no code at all


def test_an_ended_room_says_so_with_410(phone, room, moderator):
    forum_services.close_room(presenter=moderator, room=room)
    response = phone.get(f"/live/{room.code}/")
    assert response.status_code == 410
    assert "has ended" in response.content.decode()


def test_the_first_visit_gives_the_phone_a_device_cookie_and_no_participant_yet(phone, room):
    response = phone.get(f"/live/{room.code}/")
    assert response.status_code == 200
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not Participant.objects.exists()  # made with the first answer, not by looking
    again = phone.get(f"/live/{room.code}/")
    assert DEVICE_COOKIE not in again.cookies  # kept, not renewed


def test_a_poll_answered_by_form_counts_once_per_phone_and_can_be_changed(phone, poll, room):
    phone.get(f"/live/{room.code}/")
    first, second = option_ids(poll)
    response = phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, "option": first})
    assert response.status_code == 302 and response["Location"] == f"/live/{room.code}/"
    page = phone.get(f"/live/{room.code}/").content.decode()
    assert "Thank you, your answer has been counted." in page
    assert f'value="{first}" id="option-{first}" checked' in page

    phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, "option": second})
    answer = PollAnswer.objects.get()
    assert answer.channel == Channel.PHONE
    assert answer.participant.kind == ParticipantKind.DEVICE
    assert list(answer.choices.values_list("option_id", flat=True)) == [second]


def test_a_post_without_a_device_cookie_is_refused_with_a_message(poll, room):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        f"/live/{room.code}/answer/", {"poll": poll.pk, "option": option_ids(poll)[0]}
    )
    assert response.status_code == 400
    assert "Please reload the page" in response.content.decode()
    assert not PollAnswer.objects.exists()


def test_nothing_open_is_a_409_with_a_message(phone, room):
    phone.get(f"/live/{room.code}/")
    response = phone.post(f"/live/{room.code}/answer/", {"option": "1"})
    assert response.status_code == 409
    assert "No poll is open right now" in response.content.decode()


@pytest.mark.parametrize("bad", [{"option": "x"}, {"option": "999999"}, {"option": ""}, {"poll": "abc"}])
def test_bad_input_is_a_400_with_a_message_never_a_500(phone, poll, room, bad):
    phone.get(f"/live/{room.code}/")
    response = phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, **bad})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_proposal_counts_from_the_room_only_while_it_is_shown(phone, room, moderator, proposal):
    phone.get(f"/live/{room.code}/")
    response = phone.post(f"/live/{room.code}/answer/", {"proposal": proposal.pk, "choice": "support"})
    assert response.status_code == 409
    assert "not up for a vote in the room" in response.content.decode()

    forum_services.show_in_room(presenter=moderator, room=room, scene="proposal", proposal=proposal)
    page = phone.get(f"/live/{room.code}/").content.decode()
    assert proposal.title in page
    assert phone.post(f"/live/{room.code}/answer/", {"proposal": proposal.pk, "choice": "support"}).status_code == 302
    vote = Vote.objects.get()
    assert (vote.choice, vote.channel) == ("support", Channel.PHONE)


def test_a_citizen_logged_in_on_the_phone_keeps_one_vote_across_channels(phone, room, moderator, proposal, citizen):
    services.cast_vote(voter=citizen, proposal=proposal, choice="oppose")
    forum_services.show_in_room(presenter=moderator, room=room, scene="proposal", proposal=proposal)
    phone.force_login(citizen)
    phone.get(f"/live/{room.code}/")
    phone.post(f"/live/{room.code}/answer/", {"proposal": proposal.pk, "choice": "support"})
    vote = Vote.objects.get()
    assert (vote.participant.user, vote.choice, vote.channel) == (citizen, "support", Channel.PHONE)


def question_round(room, moderator):
    return services.add_poll(presenter=moderator, consultation=room.consultation, question="Fragen?", kind="questions")


def test_questions_wait_for_moderation_then_can_be_backed_once(phone, room, moderator):
    round_ = question_round(room, moderator)
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=round_, open_poll=True)
    phone.get(f"/live/{room.code}/")
    response = phone.post(f"/live/{room.code}/questions/", {"poll": round_.pk, "text": "Wann wird gebaut?"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert "Wann wird gebaut?" not in phone.get(f"/live/{room.code}/").content.decode()  # not approved yet

    services.moderate_question(moderator=moderator, question=question, state="approved")
    assert "Wann wird gebaut?" in phone.get(f"/live/{room.code}/").content.decode()
    for _ in range(2):
        phone.post(f"/live/{room.code}/questions/{question.pk}/upvote/")
    assert question.upvotes.count() == 1
    assert "Backed" in phone.get(f"/live/{room.code}/").content.decode()


def test_a_typed_question_is_kept_when_it_is_refused(phone, room, moderator):
    round_ = question_round(room, moderator)
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=round_)  # shown, not open
    phone.get(f"/live/{room.code}/")
    response = phone.post(f"/live/{room.code}/questions/", {"poll": round_.pk, "text": "Meine lange Frage"})
    assert response.status_code == 400
    assert "Meine lange Frage" in response.content.decode()


def test_many_phones_behind_one_address_may_all_answer(poll, room, settings):
    """The limits count per phone and per room: a room's Wi-Fi shows one address for everybody."""
    settings.RATELIMIT_ROOM_DEVICE = "2/m"
    first = option_ids(poll)[0]
    for _ in range(30):
        phone = Client(REMOTE_ADDR="203.0.113.7")
        phone.get(f"/live/{room.code}/")
        assert phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, "option": first}).status_code == 302
    assert PollAnswer.objects.count() == 30


def test_a_phone_over_its_limit_gets_429_with_retry_after(phone, poll, room, settings):
    settings.RATELIMIT_ROOM_DEVICE = "2/m"
    phone.get(f"/live/{room.code}/")
    first = option_ids(poll)[0]
    answer = {"poll": poll.pk, "option": first}
    statuses = [phone.post(f"/live/{room.code}/answer/", answer).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    response = phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, "option": first})
    assert response["Retry-After"] == "60"


def test_the_state_endpoint_is_the_sockets_frame_and_costs_one_query_when_cached(
    phone, poll, room, django_assert_num_queries
):
    first = json.loads(phone.get(f"/live/{room.code}/state/").content)
    assert first["type"] == "room"
    assert first["room"]["code"] == room.code
    assert first["room"]["scene"] == "poll"
    assert first["room"]["poll"]["question"] == "Wie oft kommen Sie her?"
    assert "results" not in first["room"]["poll"]  # hidden until revealed
    with django_assert_num_queries(2):  # the room by its code, and the revision to trust the cached frame
        assert json.loads(phone.get(f"/live/{room.code}/state/").content) == first


def test_revealed_results_reach_the_page_and_the_state(phone, poll, room, moderator):
    device = factories.device()
    services.answer_poll(participant=device, poll=poll, channel=Channel.PHONE, options=option_ids(poll)[0])
    services.reveal_poll(presenter=moderator, poll=poll)
    state = json.loads(phone.get(f"/live/{room.code}/state/").content)
    options = state["room"]["poll"]["results"]["options"]
    assert [(o["label"], o["count"], o["share"]) for o in options] == [("Oft", 1, 100), ("Nie", 0, 0)]
    assert "1 (100 %)" in phone.get(f"/live/{room.code}/").content.decode()


@pytest.mark.parametrize("kind", [PollKind.SCALE, PollKind.WORDS])
def test_scale_and_word_polls_are_forms_too(phone, room, moderator, kind):
    poll = services.add_poll(presenter=moderator, consultation=room.consultation, question="Wie?", kind=kind)
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=poll, open_poll=True)
    phone.get(f"/live/{room.code}/")
    field = {"value": "4"} if kind == PollKind.SCALE else {"text": "  Mehr   Bäume "}
    assert phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, **field}).status_code == 302
    answer = PollAnswer.objects.get()
    assert (answer.value, answer.text) == ((4, "") if kind == PollKind.SCALE else (None, "mehr bäume"))


def test_the_phone_page_keeps_a_fixed_number_of_queries(
    phone, poll, room, django_assert_num_queries, django_capture_on_commit_callbacks
):
    phone.get(f"/live/{room.code}/")
    with django_capture_on_commit_callbacks(execute=True):  # the frame is published (and cached) after the commit
        phone.post(f"/live/{room.code}/answer/", {"poll": poll.pk, "option": option_ids(poll)[0]})
    # The room, the revision (the cached frame is current), this phone and its answer with its options,
    # and the footer's site settings (locale, site, settings): none of it grows with the room.
    with django_assert_num_queries(8):
        assert phone.get(f"/live/{room.code}/").status_code == 200


def test_a_phone_without_script_rates_the_proposal_shown_and_sees_the_distribution(phone, moderator):
    consultation = factories.consultation("vote", voting_method="rating")
    room = factories.room(consultation, presenter=moderator)
    proposal = factories.proposal(consultation)
    forum_services.show_in_room(presenter=moderator, room=room, scene="proposal", proposal=proposal)
    page = phone.get(f"/live/{room.code}/").content.decode()
    assert "Your rating" in page and 'name="rating" value="3"' in page and "3 (fair)" in page

    response = phone.post(f"/live/{room.code}/answer/", {"proposal": proposal.pk, "rating": "2"})

    assert response.status_code == 302
    page = " ".join(phone.get(f"/live/{room.code}/").content.decode().split())
    assert 'value="2" class="vote vote--rating" aria-pressed="true"' in page
    assert "Average rating: <strong>2.0</strong> of 5 (1 rating)" in page
    assert '<meter min="0" max="1" value="1" aria-label="2 (poor): 100 %">100 %</meter>' in page
    vote = Vote.objects.get()
    assert (vote.rating, vote.channel) == (2, Channel.PHONE)
