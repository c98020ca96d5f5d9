"""Touch terminals (/terminal/<slug>/): opened by their token, one terminal session per walk-in, writes through the
same services as online (channel terminal), a reset between people, idle expiry, limits per terminal."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from forum import services as forum_services
from forum.models import Terminal
from participation import services
from participation.models import (
    Channel,
    Contribution,
    ModerationMode,
    ModerationState,
    Participant,
    ParticipantKind,
    PollAnswer,
    Vote,
)
from tests.support import factories


@pytest.fixture
def terminal(voting_consultation) -> Terminal:
    return factories.terminal(voting_consultation, slug="eingang")


def visitor(terminal: Terminal) -> Client:
    """The terminal's browser, set up with its token (kept in cookies from then on), at the start screen."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(f"/terminal/{terminal.slug}/?token={terminal.token}")
    assert response.status_code == 302 and response["Location"] == f"/terminal/{terminal.slug}/"
    return client


def start(client: Client, terminal: Terminal) -> str:
    """A walk-in presses "Start"; the overview's HTML."""
    response = client.post(f"/terminal/{terminal.slug}/start/")
    assert response.status_code == 302 and response["Location"] == f"/terminal/{terminal.slug}/"
    return client.get(f"/terminal/{terminal.slug}/").content.decode()


@pytest.fixture
def client_at(terminal) -> Client:
    client = visitor(terminal)
    start(client, terminal)
    return client


def vote(client: Client, terminal: Terminal, proposal, choice: str):
    return client.post(f"/terminal/{terminal.slug}/vote/", {"proposal": proposal.pk, "choice": choice})


def pressed(page: str) -> list[str]:
    """The vote buttons shown as this visitor's choice."""
    return re.findall(r'value="(\w+)" class="vote vote--\w+" aria-pressed="true"', page)


# --- the token opener and refusals --------------------------------------------------------------


def test_the_set_up_address_keeps_the_token_in_cookies_for_the_pages_and_the_socket(terminal):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(f"/terminal/eingang/?token={terminal.token}")
    assert response.status_code == 302 and response["Location"] == "/terminal/eingang/"
    page, socket = response.cookies["bf_token"], response.cookies["bf_socket_token"]
    assert (page.value, page["path"]) == (terminal.token, "/terminal/eingang/")
    assert (socket.value, socket["path"]) == (terminal.token, "/ws/terminal/eingang/")
    start_screen = client.get("/terminal/eingang/")
    assert start_screen.status_code == 200
    html = start_screen.content.decode()
    assert ">Start</button>" in html and ">Done</button>" not in html  # nobody's session yet
    assert 'data-follows-poll=""' in html and '"socket": "/ws/terminal/eingang/"' in html
    assert "no-store" in start_screen["Cache-Control"] or "max-age=0" in start_screen["Cache-Control"]


@pytest.mark.parametrize(
    ("case", "status"), [("no token", 403), ("wrong token", 403), ("unknown", 404), ("retired", 410)]
)
def test_a_refused_terminal_gets_a_page_that_says_why(terminal, case, status):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    path = "/terminal/eingang/"
    if case == "wrong token":
        path += "?token=guessed"
    elif case == "unknown":
        path = f"/terminal/nowhere/?token={terminal.token}"
    elif case == "retired":
        terminal.is_active = False
        terminal.save()
        path += f"?token={terminal.token}"
    response = client.get(path)
    assert response.status_code == status
    assert "<h1>" in response.content.decode()


def test_a_terminal_of_an_unpublished_consultation_shows_nothing_of_it_and_takes_no_writes(
    client_at, terminal, proposal, voting_consultation
):
    voting_consultation.unpublish()

    page = client_at.get("/terminal/eingang/")
    assert page.status_code == 409
    assert "Nothing to show yet" in page.content.decode() and voting_consultation.title not in page.content.decode()
    assert "This terminal has nothing to offer at the moment." in page.content.decode()
    assert vote(client_at, terminal, proposal, "support").status_code == 409
    assert client_at.post("/terminal/eingang/comment/", {"text": "Noch nicht"}).status_code == 409
    assert client_at.get("/terminal/eingang/state/").json() == {"type": "refused", "status": 409}
    assert not Vote.objects.exists() and not Contribution.objects.exists()


def test_writes_without_the_terminals_token_are_refused_and_nothing_lands(terminal, proposal):
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert stranger.post("/terminal/eingang/start/").status_code == 403
    assert stranger.post("/terminal/eingang/vote/", {"proposal": proposal.pk, "choice": "support"}).status_code == 403
    assert stranger.post("/terminal/eingang/comment/", {"text": "Von außen"}).status_code == 403
    assert not Vote.objects.exists() and not Contribution.objects.exists()


def test_the_state_is_the_rooms_frame_for_the_terminal_only(client_at, terminal, moderator):
    room = factories.room(terminal.consultation, presenter=moderator)
    frame = client_at.get("/terminal/eingang/state/").json()
    assert (frame["type"], frame["room"]["code"]) == ("room", room.code)
    assert Client().get("/terminal/eingang/state/").status_code == 403


def test_a_new_token_voids_the_old_one_in_the_cookie(client_at, terminal):
    forum_services.issue_device_token(device=terminal)
    assert client_at.get("/terminal/eingang/").status_code == 403
    assert client_at.get("/terminal/eingang/state/").status_code == 403


# --- what a visitor does lands with channel terminal and the session's participant --------------


def test_a_comment_on_a_twin_object_lands_with_channel_terminal_and_the_sessions_participant(
    client_at, terminal, voting_consultation
):
    building = factories.twin_feature(name="Stadhuis")
    page = client_at.get("/terminal/eingang/comment/").content.decode()
    assert 'id="twin-picker"' in page and 'id="consultation-map"' in page
    response = client_at.post(
        "/terminal/eingang/comment/", {"text": "Mehr Schatten am Rathaus", "twin_feature": building.pk, "proposal": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/terminal/eingang/"
    contribution = Contribution.objects.get()
    assert (contribution.channel, contribution.twin_feature, contribution.author) == (Channel.TERMINAL, building, None)
    assert contribution.participant.kind == ParticipantKind.TERMINAL_SESSION
    assert contribution.moderation_state == ModerationState.APPROVED
    assert "Thank you! Your comment is published." in client_at.get("/terminal/eingang/").content.decode()


def test_the_twin_search_works_without_javascript_and_sends_nothing(client_at, terminal):
    factories.twin_feature(name="Oude Kerk")
    response = client_at.post(
        "/terminal/eingang/comment/", {"text": "Halb geschrieben", "twin_q": "Kerk", "twin_search": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Oude Kerk" in page and "Halb geschrieben" in page
    assert not Contribution.objects.exists()


def test_a_pre_moderated_consultation_holds_terminal_comments_back(terminal, voting_consultation):
    voting_consultation.moderation_mode = ModerationMode.PRE
    voting_consultation.save()
    client = visitor(terminal)
    start(client, terminal)
    client.post("/terminal/eingang/comment/", {"text": "Bitte prüfen"})
    contribution = Contribution.objects.get()
    assert (contribution.moderation_state, contribution.channel) == (ModerationState.PENDING, Channel.TERMINAL)
    assert "once a moderator has reviewed it" in client.get("/terminal/eingang/").content.decode()
    assert "Bitte prüfen" not in Client().get(voting_consultation.url).content.decode()


def test_a_vote_lands_with_channel_terminal_and_is_shown_as_chosen(client_at, terminal, proposal):
    response = vote(client_at, terminal, proposal, "oppose")
    assert response.status_code == 302 and response["Location"] == f"/terminal/eingang/vote/#proposal-{proposal.pk}"
    page = client_at.get("/terminal/eingang/vote/").content.decode()
    assert pressed(page) == ["oppose"]
    assert "Thank you, your vote has been counted." in page
    vote(client_at, terminal, proposal, "support")  # changed, not counted twice
    row = Vote.objects.get()
    assert (row.choice, row.channel, row.participant.kind) == ("support", Channel.TERMINAL, "terminal")


def test_the_rooms_poll_is_offered_and_its_answer_lands_with_channel_terminal(client_at, terminal, moderator):
    room = factories.room(terminal.consultation, presenter=moderator)
    poll = services.add_poll(
        presenter=moderator, consultation=terminal.consultation, question="Wie oft hier?", options=["Oft", "Nie"]
    )
    overview = client_at.get("/terminal/eingang/").content.decode()
    assert "Answer the poll of the room" not in overview  # the room shows no poll yet
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=poll, open_poll=True)
    overview = client_at.get("/terminal/eingang/").content.decode()
    assert "Answer the poll of the room" in overview and "Wie oft hier?" in overview
    often = poll.options.get(label="Oft").pk
    response = client_at.post("/terminal/eingang/poll/", {"poll": poll.pk, "option": often})
    assert response.status_code == 302
    page = client_at.get("/terminal/eingang/poll/").content.decode()
    assert f'value="{often}" id="option-{often}" checked' in page
    assert 'action="/terminal/eingang/poll/"' in page and "{#" not in page
    answer = PollAnswer.objects.get()
    assert (answer.channel, answer.participant.kind) == (Channel.TERMINAL, ParticipantKind.TERMINAL_SESSION)


def test_a_poll_answer_with_nothing_open_is_a_409_with_a_message(client_at, terminal):
    response = client_at.post("/terminal/eingang/poll/", {"option": "1"})
    assert response.status_code == 409
    assert "No poll is open right now" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("vote", {"proposal": "abc", "choice": "support"}),
        ("vote", {"proposal": "999999", "choice": "support"}),
        ("vote", {"proposal": "99999999999999999999999", "choice": "support"}),
        ("vote", {"proposal": "{proposal}", "choice": "maybe"}),
        ("comment", {"text": ""}),
        ("comment", {"text": "Ort?", "twin_feature": "999999"}),
        ("comment", {"text": "Ort?", "latitude": "52.02", "longitude": "4.38"}),
    ],
)
def test_bad_input_is_a_400_with_a_message_never_a_500(client_at, terminal, proposal, path, data):
    data = {name: value.format(proposal=proposal.pk) for name, value in data.items()}
    response = client_at.post(f"/terminal/eingang/{path}/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Vote.objects.exists() and not Contribution.objects.exists()


# --- between people: "Done", idle time ----------------------------------------------------------


def test_done_gives_the_next_person_a_new_participant_and_hides_the_last_ones_votes(terminal, proposal):
    client = visitor(terminal)
    start(client, terminal)
    vote(client, terminal, proposal, "support")
    first = Vote.objects.get().participant
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post("/terminal/eingang/done/")
    assert response.status_code == 302 and response["Location"] == "/terminal/eingang/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # the next person starts in the default
    assert client.get("/terminal/eingang/vote/")["Location"] == "/terminal/eingang/"  # no session: the start screen
    assert ">Start</button>" in client.get("/terminal/eingang/").content.decode()

    start(client, terminal)
    page = client.get("/terminal/eingang/vote/").content.decode()
    assert pressed(page) == []  # nothing of the last person
    vote(client, terminal, proposal, "oppose")
    votes = {row.participant_id: row.choice for row in Vote.objects.all()}
    assert votes[first.pk] == "support" and len(votes) == 2  # counted apart, the first one unchanged
    assert Participant.objects.filter(kind=ParticipantKind.TERMINAL_SESSION).count() == 2

    # A copy of the last person's session cookie opens nothing: their vote cannot be changed.
    replay = Client(HTTP_ACCEPT_LANGUAGE="en")
    replay.cookies = client.cookies.__class__(client.cookies)
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_session
    replay.cookies[settings.SESSION_COOKIE_NAME]["path"] = "/"
    response = vote(replay, terminal, proposal, "abstain")
    assert response.status_code == 409
    assert Vote.objects.get(participant=first).choice == "support"


def make_idle(client: Client, terminal: Terminal, seconds: float) -> None:
    """The visitor has not touched the terminal for ``seconds`` (their session's last input moved back)."""
    session = client.session
    data = session[f"terminal.{terminal.pk}"]
    session[f"terminal.{terminal.pk}"] = {**data, "seen": data["seen"] - seconds}
    session.save()


def test_an_idle_session_takes_no_writes_and_the_next_page_is_the_start_screen(client_at, terminal, proposal):
    make_idle(client_at, terminal, settings.TERMINAL_IDLE_SECONDS + 1)
    response = vote(client_at, terminal, proposal, "support")
    assert response.status_code == 409
    assert "started over after a while without input" in response.content.decode()
    assert not Vote.objects.exists()
    assert client_at.get("/terminal/eingang/vote/")["Location"] == "/terminal/eingang/"


def test_input_within_the_idle_time_keeps_the_session(client_at, terminal, proposal, settings):
    settings.TERMINAL_IDLE_SECONDS = 10
    make_idle(client_at, terminal, 8)
    assert client_at.post("/terminal/eingang/alive/").status_code == 204  # the script: someone is typing
    make_idle(client_at, terminal, 4)  # 12 s since the last request but one, 4 s since the last one
    assert vote(client_at, terminal, proposal, "support").status_code == 302


def test_a_write_before_start_is_refused(terminal, proposal):
    client = visitor(terminal)
    response = vote(client, terminal, proposal, "support")
    assert response.status_code == 409
    assert "Please press “Start” first." in response.content.decode()
    assert client.post("/terminal/eingang/alive/").status_code == 409


# --- limits per terminal ------------------------------------------------------------------------


def test_the_limit_counts_per_terminal_and_two_terminals_are_independent(terminal, proposal, settings):
    settings.RATELIMIT_TERMINAL = "2/m"
    other = factories.terminal(terminal.consultation, slug="foyer-terminal")
    first, second = visitor(terminal), visitor(other)
    start(first, terminal)
    start(second, other)
    assert vote(first, terminal, proposal, "support").status_code == 302
    first.post("/terminal/eingang/comment/", {"text": "Eins"})
    response = vote(first, terminal, proposal, "oppose")
    assert response.status_code == 429
    assert 'role="alert"' in response.content.decode()
    # The next person at the same terminal is still within its minute: the limit is the terminal's.
    first.post("/terminal/eingang/done/")
    start(first, terminal)
    assert vote(first, terminal, proposal, "abstain").status_code == 429
    assert vote(second, other, proposal, "oppose").status_code == 302
    assert sorted(Vote.objects.values_list("choice", flat=True)) == ["oppose", "support"]


# --- the pages' cost ----------------------------------------------------------------------------


def test_the_overview_and_the_vote_page_run_a_fixed_number_of_queries(
    client_at, terminal, voting_consultation, django_assert_max_num_queries
):
    factories.room(voting_consultation)
    proposals = [factories.proposal(voting_consultation) for _ in range(2)]
    vote(client_at, terminal, proposals[0], "support")
    client_at.get("/terminal/eingang/")  # the room's frame is cached from here on, as on a running site

    def count(path: str) -> int:
        with django_assert_max_num_queries(30) as captured:
            assert client_at.get(path).status_code == 200
        return len(captured.captured_queries)

    overview, votes = count("/terminal/eingang/"), count("/terminal/eingang/vote/")
    for _ in range(6):
        vote(client_at, terminal, factories.proposal(voting_consultation), "oppose")
    client_at.get("/terminal/eingang/")
    assert count("/terminal/eingang/") == overview
    assert count("/terminal/eingang/vote/") == votes
    assert overview <= 8 and votes <= 11
