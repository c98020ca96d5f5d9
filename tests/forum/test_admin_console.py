"""The presenter's console in the Wagtail admin: who may use it, what each action does in the database,
that an action reaches a phone's socket, and that the counters the console polls cost a fixed number of
queries whatever the size of the room."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from forum import services as forum_services
from forum.asgi import application
from forum.models import RoomSession, Scene
from participation import services
from participation.live import publisher
from participation.models import Channel, ModerationState, Poll, PollAnswer, PollState, Question
from participation.rules import MODERATORS_GROUP
from tests.support import factories

ROLES = ["anonymous", "citizen", "staff", "presenter", "superuser"]
ALLOWED = {"presenter", "superuser"}


@pytest.fixture
def consultation(voting_consultation):
    return voting_consultation


@pytest.fixture
def presenter(db):
    return factories.presenter()


@pytest.fixture
def room(consultation, presenter):
    return factories.room(consultation, presenter=presenter)


@pytest.fixture
def poll(consultation, presenter):
    return services.add_poll(presenter=presenter, consultation=consultation, question="Bänke?", options=["Ja", "Nein"])


@pytest.fixture
def question_round(consultation, presenter):
    return services.add_poll(presenter=presenter, consultation=consultation, question="Ihre Fragen", kind="questions")


def client_for(role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    users = {
        "anonymous": lambda: None,
        "citizen": lambda: factories.CitizenFactory(username="citizen"),
        "staff": lambda: factories.staff("editor"),  # in the admin, but no moderator
        "presenter": lambda: factories.presenter("moderator"),
        "superuser": lambda: factories.CitizenFactory(username="root", is_superuser=True, is_staff=True),
    }
    user = users[role]()
    if user is not None:
        client.force_login(user)
    return client


def assert_refused(response, role: str) -> None:
    if role in ("anonymous", "citizen"):  # not in the admin at all: Wagtail sends them to its login
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    else:  # in the admin without the permission: Wagtail sends them to the dashboard, saying so
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def asked_question(poll: Poll, text: str = "Wann kommen die Bänke?") -> Question:
    services.set_poll_state(presenter=factories.presenter(), poll=poll, state=PollState.OPEN)
    return services.ask_question(participant=factories.device(), poll=poll, text=text, channel=Channel.PHONE)


# --- Who may ---------------------------------------------------------------------------------------


def test_moderators_reach_the_admin_by_their_group(db):
    """Wagtail's own migrations make the Moderators group with "Can access Wagtail admin" (no migration of ours)."""
    group = Group.objects.get(name=MODERATORS_GROUP)
    assert group.permissions.filter(codename="access_admin", content_type__app_label="wagtailadmin").exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_room_pages(role, room):
    client = client_for(role)
    for url in (reverse("forum_rooms"), reverse("forum_console", args=[room.pk])):
        response = client.get(url)
        if role in ALLOWED:
            assert response.status_code == 200
            assert room.code in response.content.decode()
        else:
            assert_refused(response, role)
    status = client.get(reverse("forum_console_status", args=[room.pk]))
    if role in ALLOWED:
        assert status.json()["room"] == room.pk
    else:
        assert_refused(status, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_menu_item(db, role):
    client = client_for(role)
    if role in ("anonymous", "citizen"):
        return
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (reverse("forum_rooms") in page) == (role in ALLOWED)


def console_actions(room, poll, question) -> dict:
    """Every action of the console: (url, data, what it changes when allowed)."""
    poll_url = reverse("forum_room_poll", args=[room.pk, poll.pk])
    question_url = reverse("forum_room_question", args=[room.pk, question.pk])

    def shown():
        return RoomSession.objects.get(pk=room.pk).scene

    def poll_field(name):
        return lambda: getattr(Poll.objects.get(pk=poll.pk), name)

    return {
        "open room": (reverse("forum_rooms"), {"consultation": factories.consultation("vote").pk}, None),
        "show slide": (reverse("forum_room_show", args=[room.pk]), {"scene": "wall"}, (shown, "wall")),
        "show poll": (
            reverse("forum_room_show", args=[room.pk]),
            {"scene": "poll", "poll": poll.pk, "open": "1"},
            (poll_field("state"), PollState.OPEN),
        ),
        "new poll": (
            reverse("forum_console", args=[room.pk]),
            {"question": "Neu?", "kind": "single", "options": "A\nB", "results_hidden": "on", "show_now": "on"},
            (lambda: Poll.objects.filter(question="Neu?").count(), 1),
        ),
        "open poll": (poll_url, {"action": "open"}, (poll_field("state"), PollState.OPEN)),
        "reveal": (poll_url, {"action": "reveal"}, (poll_field("revealed"), True)),
        "reset": (poll_url, {"action": "reset"}, (poll_field("round"), 2)),
        "approve question": (
            question_url,
            {"action": "approve"},
            (lambda: Question.objects.get(pk=question.pk).moderation_state, ModerationState.APPROVED),
        ),
        "close room": (
            reverse("forum_room_close", args=[room.pk]),
            {},
            (lambda: RoomSession.objects.get(pk=room.pk).is_open, False),
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_who_may_act(role, room, poll, question_round):
    question = asked_question(question_round)
    for name, (url, data, change) in console_actions(room, poll, question).items():
        before = change[0]() if change else RoomSession.objects.count()
        response = client_for(role).post(url, data)
        after = change[0]() if change else RoomSession.objects.count()
        if role in ALLOWED:
            assert response.status_code == 302, (name, response.status_code)
            assert after == (change[1] if change else before + 1), name
        else:
            assert_refused(response, role)
            assert after == before, f"{name} changed something for {role}"


# --- What each action does -------------------------------------------------------------------------


@pytest.fixture
def console(presenter) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(presenter)
    return client


def test_the_list_opens_a_room_with_an_event_title_and_shows_code_address_and_qr(console, consultation):
    response = console.post(reverse("forum_rooms"), {"consultation": consultation.pk, "title": "Abend im Rathaus"})
    room = RoomSession.objects.get(consultation=consultation, closed_at__isnull=True)
    assert response["Location"] == reverse("forum_console", args=[room.pk])
    assert room.title == "Abend im Rathaus"
    page = console.get(reverse("forum_rooms")).content.decode()
    assert room.code in page
    assert f"/live/{room.code}/" in page
    assert '<svg role="img"' in page and f"QR code for room {room.code}" in page


def test_opening_needs_a_published_consultation(console, consultation):
    consultation.unpublish()
    response = console.post(reverse("forum_rooms"), {"consultation": consultation.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not RoomSession.objects.exists()


def test_a_closed_room_is_listed_among_the_recent_ones(console, room):
    response = console.post(reverse("forum_room_close", args=[room.pk]), follow=True)
    assert f"The room session {room.code} is closed." in messages_of(response)
    page = response.content.decode()
    assert "No room session is open." in page and room.code in page


def test_showing_a_proposal_and_each_slide(console, room, consultation):
    proposal = factories.proposal(consultation)
    console.post(reverse("forum_room_show", args=[room.pk]), {"scene": "proposal", "proposal": proposal.pk})
    room.refresh_from_db()
    assert (room.scene, room.proposal_id) == (Scene.PROPOSAL, proposal.pk)
    for scene in ("join", "pause", "results", "wall", "map", "twin"):
        response = console.post(reverse("forum_room_show", args=[room.pk]), {"scene": scene}, follow=True)
        assert RoomSession.objects.get(pk=room.pk).scene == scene
        assert any(message.startswith("Shown in the room now:") for message in messages_of(response))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scene": "nothing"}, "Unknown scene."),
        ({"scene": "poll", "poll": "999"}, "Please choose a poll of this consultation."),
        ({"scene": "poll", "poll": "x"}, "Please choose a poll of this consultation."),
        ({"scene": "proposal", "proposal": "999"}, "Please choose a published proposal of this consultation."),
    ],
)
def test_a_wrong_show_is_a_message_not_an_error_page(console, room, data, message):
    response = console.post(reverse("forum_room_show", args=[room.pk]), data, follow=True)
    assert response.status_code == 200
    assert message in messages_of(response)
    assert RoomSession.objects.get(pk=room.pk).scene == Scene.JOIN


def test_a_poll_of_another_consultation_cannot_be_shown(console, room, presenter):
    other = services.add_poll(
        presenter=presenter, consultation=factories.consultation("vote"), question="Fremd?", options=["A", "B"]
    )
    response = console.post(
        reverse("forum_room_show", args=[room.pk]), {"scene": "poll", "poll": other.pk}, follow=True
    )
    assert "Please choose a poll of this consultation." in messages_of(response)
    assert console.post(reverse("forum_room_poll", args=[room.pk, other.pk]), {"action": "open"}).status_code == 404


def test_a_poll_on_the_spot_is_shown_and_open_with_results_hidden(console, room):
    response = console.post(
        reverse("forum_console", args=[room.pk]),
        {
            "question": "Was fehlt?",
            "kind": "multiple",
            "options": "Bänke\n\n  Bäume \nLicht\n",
            "max_choices": "2",
            "results_hidden": "on",
            "show_now": "on",
        },
    )
    poll = Poll.objects.get(question="Was fehlt?")
    assert response["Location"].endswith(f"#poll-{poll.pk}")
    assert [option.label for option in poll.options.all()] == ["Bänke", "Bäume", "Licht"]
    assert (poll.kind, poll.max_choices, poll.state, poll.results_hidden) == ("multiple", 2, "open", True)
    room.refresh_from_db()
    assert (room.scene, room.poll_id) == (Scene.POLL, poll.pk)


def test_a_poll_prepared_on_the_spot_waits_and_may_show_results_at_once(console, room):
    console.post(
        reverse("forum_console", args=[room.pk]), {"question": "Wie oft?", "kind": "scale", "options": ""}
    )  # both boxes unticked
    poll = Poll.objects.get(question="Wie oft?")
    assert (poll.state, poll.results_hidden, poll.max_choices) == (PollState.PREPARED, False, 1)
    assert RoomSession.objects.get(pk=room.pk).scene == Scene.JOIN


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"question": "", "kind": "single", "options": "A\nB"}, "This field is required."),
        ({"question": "Q?", "kind": "single", "options": "Nur eine"}, "A poll with options needs between 2 and 12"),
        ({"question": "Q?", "kind": "single", "options": "A\nA"}, "Every option needs a label of its own."),
        ({"question": "Q?", "kind": "scale", "options": "A\nB"}, "Only single and multiple choice polls have options."),
        ({"question": "Q?", "kind": "multiple", "options": "A\nB", "max_choices": "3"}, "The most choices must lie"),
        ({"question": "Q?", "kind": "multiple", "options": "A\nB", "max_choices": "-1"}, "greater than or equal to 1"),
        ({"question": "Q?", "kind": "riddle", "options": ""}, "Select a valid choice."),
    ],
)
def test_a_wrong_poll_is_refused_with_a_message_by_its_field(console, room, data, message):
    response = console.post(reverse("forum_console", args=[room.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Poll.objects.exists()


def test_open_close_reveal_hide_and_reset(console, room, poll):
    url = reverse("forum_room_poll", args=[room.pk, poll.pk])
    device = factories.device()
    steps = [
        ("open", "The poll is open.", {"state": PollState.OPEN}),
        ("reveal", "Results revealed.", {"revealed": True}),
        ("hide", "Results hidden.", {"revealed": False}),
        ("close", "The poll is closed.", {"state": PollState.CLOSED}),
    ]
    for action, message, fields in steps:
        if action == "reveal":
            services.answer_poll(
                participant=device, poll=poll, channel=Channel.PHONE, options=[poll.options.first().pk]
            )
        response = console.post(url, {"action": action}, follow=True)
        assert message in messages_of(response)
        poll.refresh_from_db()
        assert {name: getattr(poll, name) for name in fields} == fields
    console.post(url, {"action": "reveal"})
    response = console.post(url, {"action": "reset"}, follow=True)
    assert "The poll starts again; the earlier answers are kept and no longer count." in messages_of(response)
    poll.refresh_from_db()
    assert (poll.round, poll.revealed) == (2, False)
    # The answer of the first round is kept, marked by its round, and no longer counts.
    assert list(PollAnswer.objects.filter(poll=poll).values_list("round", flat=True)) == [1]
    page = response.content.decode()
    assert "round 2 (1 earlier answers kept, not counted)" in " ".join(page.split())


def test_an_unknown_poll_action_is_a_400(console, room, poll):
    response = console.post(reverse("forum_room_poll", args=[room.pk, poll.pk]), {"action": "explode"})
    assert response.status_code == 400
    assert console.get(reverse("forum_room_poll", args=[room.pk, poll.pk])).status_code == 405
    assert console.post(reverse("forum_room_poll", args=[room.pk, 999]), {"action": "open"}).status_code == 404
    assert console.post(reverse("forum_room_show", args=[999]), {"scene": "join"}).status_code == 404


def test_audience_questions_wait_then_are_approved_answered_and_rejected(console, room, question_round):
    question = asked_question(question_round)
    other = services.ask_question(
        participant=factories.device(), poll=question_round, text="Und die Bäume?", channel=Channel.PHONE
    )
    page = console.get(reverse("forum_console", args=[room.pk])).content.decode()
    assert "Wann kommen die Bänke?" in page and "Waiting for approval (2)" in page
    url = reverse("forum_room_question", args=[room.pk, question.pk])

    response = console.post(url, {"action": "approve"}, follow=True)
    assert "The question is shown." in messages_of(response)
    services.upvote_question(participant=factories.device(), question=question)
    page = " ".join(response.content.decode().split())
    assert "Waiting for approval (1)" in page

    console.post(url, {"action": "answer"})
    question.refresh_from_db()
    assert question.being_answered
    page = " ".join(console.get(reverse("forum_console", args=[room.pk])).content.decode().split())
    assert "1 upvote" in page and "being answered" in page

    console.post(url, {"action": "done"})
    question.refresh_from_db()
    assert not question.being_answered

    response = console.post(reverse("forum_room_question", args=[room.pk, other.pk]), {"action": "answer"}, follow=True)
    assert "Only an approved question of this round can be answered." in messages_of(response)
    console.post(reverse("forum_room_question", args=[room.pk, other.pk]), {"action": "reject"})
    assert Question.objects.get(pk=other.pk).moderation_state == ModerationState.HIDDEN
    assert "1 question rejected." in console.get(reverse("forum_console", args=[room.pk])).content.decode()


def test_actions_on_a_closed_room_say_so(console, room):
    forum_services.close_room(presenter=room.opened_by, room=room)
    response = console.post(reverse("forum_room_show", args=[room.pk]), {"scene": "wall"}, follow=True)
    assert "This room session has ended." in messages_of(response)
    response = console.post(reverse("forum_console", args=[room.pk]), {"question": "Q?", "kind": "scale"})
    assert response.status_code == 400 and "This room session has ended." in response.content.decode()


# --- The counters ----------------------------------------------------------------------------------


def status_of(client: Client, room) -> dict:
    return client.get(reverse("forum_console_status", args=[room.pk])).json()


def test_the_status_counts_the_shown_polls_answers_before_the_room_sees_them(console, room, poll, presenter):
    forum_services.show_in_room(presenter=presenter, room=room, scene=Scene.POLL, poll=poll, open_poll=True)
    yes = poll.options.first().pk
    for _ in range(3):
        services.answer_poll(participant=factories.device(), poll=poll, channel=Channel.PHONE, options=[yes])
    status = status_of(console, room)
    assert status["scene"] == "poll"
    assert status["poll"]["answers"] == 3
    assert status["poll"]["results_visible"] is False
    assert [(row["label"], row["count"], row["share"]) for row in status["poll"]["results"]["options"]] == [
        ("Ja", 3, 100),
        ("Nein", 0, 0),
    ]
    assert status["connected"] == {"phone": 0, "screen": 0, "terminal": 0}


def test_the_status_costs_a_fixed_number_of_queries(
    console, room, poll, question_round, presenter, django_assert_num_queries
):
    forum_services.show_in_room(presenter=presenter, room=room, scene=Scene.POLL, poll=poll, open_poll=True)
    url = reverse("forum_console_status", args=[room.pk])
    console.get(url)  # the session and the user's permissions are read the same way every time
    # Session, user, admin access (user's and groups' permissions), admin profile, moderator group; room; the
    # consultations the presenter manages (their site's); poll results (answers, options, choices, paper);
    # questions waiting.
    with django_assert_num_queries(13):
        console.get(url)
    for _ in range(30):
        services.answer_poll(
            participant=factories.device(), poll=poll, channel=Channel.PHONE, options=[poll.options.last().pk]
        )
    asked_question(question_round)
    with django_assert_num_queries(13):
        assert status_of(console, room)["poll"]["answers"] == 30


# --- Reaching the room -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.timeout(60)
def test_a_presenter_action_reaches_a_phone_socket_and_the_phone_is_counted(settings):
    """A real phone socket (the whole ASGI application) gets the frame of a poll the presenter shows from the
    console; and the console counts the phone, from the heartbeat of the socket's process."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.LIVE_FRAME_INTERVAL = 0.1
    settings.LIVE_HEARTBEAT_INTERVAL = 0.2
    presenter = factories.presenter()
    consultation = factories.consultation("vote")
    room = factories.room(consultation, presenter=presenter)
    poll = services.add_poll(presenter=presenter, consultation=consultation, question="Bänke?", options=["Ja", "Nein"])
    console = Client(HTTP_ACCEPT_LANGUAGE="en")
    console.force_login(presenter)

    async def next_room_frame(socket) -> dict:
        while True:
            frame = json.loads(await socket.receive_from(timeout=5))
            if frame["type"] == "room":
                return frame

    async def scenario():
        socket = WebsocketCommunicator(
            application, f"/ws/live/{room.code}/", headers=[(b"origin", b"http://127.0.0.1")]
        )
        assert (await socket.connect(timeout=5))[0]
        assert (await next_room_frame(socket))["room"]["scene"] == "join"  # the room as it was: sent on connecting
        post = database_sync_to_async(console.post)
        response = await post(
            reverse("forum_room_show", args=[room.pk]), {"scene": "poll", "poll": poll.pk, "open": "1"}
        )
        assert response.status_code == 302
        frame = await next_room_frame(socket)
        assert frame["room"]["scene"] == "poll"
        assert frame["room"]["poll"]["question"] == "Bänke?" and frame["room"]["poll"]["state"] == "open"
        assert "results" not in frame["room"]["poll"]  # hidden until revealed

        await post(reverse("forum_room_poll", args=[room.pk, poll.pk]), {"action": "reveal"})
        frame = await next_room_frame(socket)
        assert frame["room"]["poll"]["results_visible"] is True and "results" in frame["room"]["poll"]

        status = await database_sync_to_async(status_of)(console, room)
        for _ in range(25):  # the heartbeat reports the socket within a beat or two
            if status["connected"]["phone"] == 1:
                break
            await asyncio.sleep(0.2)
            status = await database_sync_to_async(status_of)(console, room)
        assert status["connected"] == {"phone": 1, "screen": 0, "terminal": 0}
        await socket.disconnect()

    try:
        async_to_sync(scenario)()
    finally:
        async_to_sync(get_channel_layer().flush)()
        publisher.close()
