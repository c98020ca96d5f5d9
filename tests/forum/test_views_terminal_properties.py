"""A touch terminal's forms (/terminal/<slug>/vote/ and /poll/) with generated fields, as a walk-in's taps or a
tampered page may send them: a vote or answer is counted (a redirect) or the page comes again with its message
(a 4xx), the database as before; never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forum import services as forum_services
from forum.models import Scene
from participation import services
from participation.models import PollKind, PollState
from tests.support import factories
from tests.support.properties import rolled_back, row_counts, tried

pytestmark = pytest.mark.django_db

typed = st.one_of(
    st.integers(-5, 2**70).map(str),
    st.text(max_size=8),
    st.sampled_from(["", "²", "٣", "9" * 19, "1" * 5000, "support", "oppose", "\x00", "3"]),
)


@pytest.fixture
def terminal(voting_consultation, moderator):
    """A terminal at a consultation with a proposal and a room showing a single-choice poll, a walk-in at it."""
    factories.proposal(voting_consultation)
    room = forum_services.open_room(presenter=moderator, consultation=voting_consultation)
    poll = services.add_poll(
        presenter=moderator, consultation=voting_consultation, question="?", kind=PollKind.SINGLE, options=("A", "B")
    )
    poll = services.set_poll_state(presenter=moderator, poll=poll, state=PollState.OPEN)
    forum_services.show_in_room(presenter=moderator, room=room, scene=Scene.POLL, poll=poll)
    terminal = factories.terminal(voting_consultation, slug="eingang")
    terminal.client = Client(HTTP_ACCEPT_LANGUAGE="en")
    terminal.client.get(f"/terminal/{terminal.slug}/?token={terminal.token}")
    terminal.client.post(f"/terminal/{terminal.slug}/start/")
    return terminal


@settings(max_examples=40)
@given(
    form=st.sampled_from(["vote", "poll"]),
    fields=st.dictionaries(
        st.sampled_from(["proposal", "choice", "poll", "option", "value", "text"]), typed, max_size=4
    ),
)
@example(form="vote", fields={"proposal": "²", "choice": "support"})
@example(form="poll", fields={"option": "²"})
@example(form="poll", fields={"poll": "9" * 19, "option": "1"})
def test_the_terminal_forms(terminal, settings, form, fields):
    tried("terminal: vote and poll forms")
    settings.RATELIMIT_TERMINAL = "100000/m"
    with rolled_back():
        before = row_counts()
        response = terminal.client.post(f"/terminal/{terminal.slug}/{form}/", fields)
        assert response.status_code in (302, 400, 403, 404, 409), response.status_code
        if response.status_code != 302:
            # The walk-in's participant is made with the first write, refused or not (as a phone's).
            after = row_counts()
            assert after.pop("participation.Participant") - before.pop("participation.Participant") in (0, 1)
            assert after == before
