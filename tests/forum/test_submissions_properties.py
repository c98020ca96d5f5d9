"""What phones send to the room (forum.submissions.submit_room_votes, the socket's path; the socket's reading of a
message, forum.consumers.room._message) and what the phone page's form posts (/live/<code>/answer/), with generated
input: each write is counted or refused with a status and a message, a refused one leaves every table as it was,
and nothing fails otherwise."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forum import services as forum_services
from forum.consumers.room import _message
from forum.models import Scene
from forum.submissions import PhoneVote, submit_room_votes
from participation import services
from participation.models import PollKind, PollState
from tests.support import factories
from tests.support.pages import browser
from tests.support.properties import rolled_back, row_counts, scalars, tried

pytestmark = pytest.mark.django_db

EXAMPLES = 40
KINDS = [PollKind.SINGLE, PollKind.MULTIPLE, PollKind.SCALE, PollKind.WORDS, PollKind.QUESTIONS]
messages = st.fixed_dictionaries(
    {},
    optional={
        name: scalars | st.lists(scalars, max_size=3) | st.dictionaries(st.text(max_size=3), scalars, max_size=2)
        for name in ("proposal", "choice", "poll", "option", "value", "text")
    },
)


@pytest.fixture
def room(moderator):
    consultation = factories.consultation("vote")
    factories.proposal(consultation)
    room = forum_services.open_room(presenter=moderator, consultation=consultation)
    room.polls = {}
    for kind in KINDS:
        options = ("Ja", "Nein", "Weiß nicht") if kind in (PollKind.SINGLE, PollKind.MULTIPLE) else ()
        poll = services.add_poll(
            presenter=moderator, consultation=consultation, question=f"{kind}?", kind=kind, options=options
        )
        room.polls[kind] = services.set_poll_state(presenter=moderator, poll=poll, state=PollState.OPEN)
    return room


@settings(max_examples=EXAMPLES)
@given(shown=st.sampled_from(KINDS), sent=st.lists(messages, min_size=1, max_size=3), pick=st.data())
@example(shown=PollKind.SINGLE, sent=[{"option": "²"}], pick=None)
@example(shown=PollKind.SCALE, sent=[{"value": "²"}], pick=None)
@example(shown=PollKind.SINGLE, sent=[{"option": 2**70}, {"poll": 2**70}, {"proposal": "1" * 5000}], pick=None)
@example(shown=PollKind.WORDS, sent=[{"text": {"a": 1}}], pick=None)
def test_phones_votes_and_answers(moderator, room, shown, sent, pick):
    tried("room: phones' votes and answers (socket path)")
    poll = room.polls[shown]
    option_ids = list(poll.options.values_list("pk", flat=True))
    proposal_id = room.consultation.get_children().first().pk
    if pick is not None and pick.draw(st.booleans()):  # some messages name what is there
        sent = [
            {
                **message,
                **pick.draw(st.sampled_from([{"option": option_ids}, {"proposal": proposal_id}, {"poll": poll.pk}])),
            }
            for message in sent
        ]
    keys = [services.new_participant_key() for _message in sent]
    for key in keys:
        services.device_participant(key=key)
    before = row_counts()
    with rolled_back():
        forum_services.show_in_room(presenter=moderator, room=room, scene=Scene.POLL, poll=poll)
        shown_counts = row_counts()
        writes = [
            PhoneVote(code=room.code, key=key, data=data, language="en") for key, data in zip(keys, sent, strict=True)
        ]
        outcomes = submit_room_votes(writes=writes)
        assert len(outcomes) == len(writes)
        for outcome in outcomes:
            assert outcome.ok or (400 <= outcome.status < 500 and outcome.message)
        if not any(outcome.ok for outcome in outcomes):
            assert row_counts() == shown_counts
    assert row_counts() == before


@settings(max_examples=EXAMPLES * 5)
@given(st.one_of(messages.map(lambda data: json.dumps({"type": "vote", "ref": 1, **data})), st.text(max_size=40)))
@example('{"type": "vote", "ref": true}')
@example('{"type": "vote", "ref": 1e400}')
@example("[" * 10_000)
@example('{"type": "vote", "ref": 1, "option": ' + "[" * 5000 + "]" * 5000 + "}")
def test_what_a_phone_socket_accepts(text):
    tried("room socket: incoming message")
    message = _message(text)
    assert message is None or (message["type"] == "vote" and type(message["ref"]) is int)


@settings(max_examples=EXAMPLES)
@given(
    shown=st.sampled_from(KINDS),
    fields=st.dictionaries(
        st.sampled_from(["poll", "value", "text", "proposal", "choice", "option"]),
        st.text(max_size=8) | st.sampled_from(["²", "1" * 30, "\x00"]),
        max_size=4,
    ),
)
@example(shown=PollKind.SINGLE, fields={"option": "²"})
@example(shown=PollKind.SCALE, fields={"value": "²", "poll": "²"})
def test_the_phone_pages_answer_form(moderator, room, settings, shown, fields):
    tried("room: phone page's answer form")
    settings.RATELIMIT_ROOM = settings.RATELIMIT_ROOM_DEVICE = "100000/m"
    phone = browser()
    with rolled_back():
        forum_services.show_in_room(presenter=moderator, room=room, scene=Scene.POLL, poll=room.polls[shown])
        phone.get(f"/live/{room.code}/")  # the phone's cookie
        before = row_counts()
        response = phone.post(f"/live/{room.code}/answer/", fields)
        assert response.status_code in (302, 400, 404, 409, 429), response.status_code
        if response.status_code != 302:
            # The phone itself (a Participant without personal data) is made on its first answer, refused or not:
            # who sends is settled before what is sent is read.
            after = row_counts()
            assert after.pop("participation.Participant") - before.pop("participation.Participant") in (0, 1)
            assert after == before
