"""Phones' sockets in-process (Channels' communicator, the run's channel layer and database): a whole
room reconnecting at once costs one lookup, and what it was told stays true for no longer than a moment;
votes sent over the sockets are written together, told "counted" once committed, refused as over HTTP."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.http import HttpResponse

from forum import services as forum_services
from forum.asgi import application
from forum.consumers.room import ADMISSION_TTL
from forum.cookies import DEVICE_COOKIE, remember_device
from participation import services
from participation.models import Vote
from participation.selectors import proposal_results, results_revision
from tests.support import factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(60),
    pytest.mark.usefixtures("live_layer"),
]

PHONES = 40


def phone_socket(code: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/live/{code}/", headers=[(b"origin", b"http://127.0.0.1")])


async def room_frame(socket: WebsocketCommunicator) -> dict:
    while True:
        frame = json.loads(await socket.receive_from(timeout=5))
        if frame["type"] == "room":
            return frame


async def close_code(socket: WebsocketCommunicator) -> int:
    connected, _ = await socket.connect(timeout=5)
    assert connected  # refusals are accepted and then closed, so the page learns the code
    message = await socket.output_queue.get()
    assert message["type"] == "websocket.close"
    return message["code"]


@pytest.fixture
def room(voting_consultation):
    return factories.room(voting_consultation)


def test_a_room_reconnecting_at_once_costs_one_lookup_and_every_phone_gets_the_current_frame_and_the_next(
    settings, room, voting_consultation
):
    settings.DEBUG = True  # queries are logged
    presenter = room.opened_by
    poll = services.add_poll(
        presenter=presenter, consultation=voting_consultation, question="Bänke?", options=["Ja", "Nein"]
    )

    async def scenario():
        # Read where the sockets' lookups run (database_sync_to_async), on that connection.
        queries_so_far = database_sync_to_async(lambda: list(connection.queries_log))
        before = len(await queries_so_far())
        sockets = [phone_socket(room.code) for _ in range(PHONES)]
        results = await asyncio.gather(*(socket.connect(timeout=10) for socket in sockets))
        assert all(ok for ok, _ in results)
        lookups = [query["sql"][:120] for query in (await queries_so_far())[before:]]
        # One lookup of the code, one read of the room's newest frame (kept: its revision checked).
        assert len(lookups) == 2, lookups
        # Every phone is sent that frame first, before it asks for anything.
        greetings = await asyncio.gather(*(socket.receive_from(timeout=5) for socket in sockets))
        assert {json.loads(text)["type"] for text in greetings} == {"room"}

        show = database_sync_to_async(forum_services.show_in_room)
        await show(presenter=presenter, room=room, scene="poll", poll=poll, open_poll=True)
        frames = await asyncio.gather(*(room_frame(socket) for socket in sockets))
        assert {frame["room"]["poll"]["question"] for frame in frames} == {"Bänke?"}
        for socket in sockets:
            await socket.disconnect()

    async_to_sync(scenario)()


def test_a_closed_room_is_refused_once_the_moment_has_passed(room):
    async def scenario():
        first = phone_socket(room.code)
        assert (await first.connect(timeout=5))[0]
        await database_sync_to_async(forum_services.close_room)(presenter=room.opened_by, room=room)
        await asyncio.sleep(ADMISSION_TTL + 0.1)
        assert await close_code(phone_socket(room.code)) == 4410
        await first.disconnect()

    async_to_sync(scenario)()


def test_an_unknown_code_is_refused_and_the_refusal_is_not_shared_with_other_codes(room):
    async def scenario():
        assert await close_code(phone_socket("ZZZZZZ")) == 4404
        socket = phone_socket(room.code)
        assert (await socket.connect(timeout=5))[0]
        await socket.disconnect()

    async_to_sync(scenario)()


# --- votes over the socket ---------------------------------------------------------------------


def voting_phone(code: str, key: str, *, language: str | None = None) -> WebsocketCommunicator:
    """A phone's socket with its device cookie (as the room's page set it) and its browser's language."""
    page = HttpResponse()
    remember_device(page, key)
    headers = [
        (b"origin", b"http://127.0.0.1"),
        (b"cookie", page.cookies[DEVICE_COOKIE].OutputString().split(";")[0].encode()),
    ]
    if language:
        headers.append((b"accept-language", language.encode()))
    return WebsocketCommunicator(application, f"/ws/live/{code}/", headers=headers)


async def answer_to(socket: WebsocketCommunicator, ref: int) -> dict:
    while True:
        message = json.loads(await socket.receive_from(timeout=10))
        if message.get("ref") == ref:
            return message


@pytest.fixture
def shown(room, voting_consultation):
    proposal = factories.proposal(voting_consultation)
    forum_services.show_in_room(presenter=room.opened_by, room=room, scene="proposal", proposal=proposal)
    return proposal


def test_phones_voting_at_once_over_their_sockets_are_written_together_and_told_counted(room, shown):
    revision = database_sync_to_async(lambda: results_revision(consultation_id=room.consultation_id))

    async def scenario():
        sockets = [voting_phone(room.code, f"phone-{index}") for index in range(PHONES)]
        await asyncio.gather(*(socket.connect(timeout=10) for socket in sockets))
        before = await revision()
        for index, socket in enumerate(sockets):
            choice = ("support", "oppose", "abstain")[index % 3]
            await socket.send_to(
                text_data=json.dumps({"type": "vote", "ref": index, "proposal": shown.pk, "choice": choice})
            )
        answers = await asyncio.gather(*(answer_to(socket, index) for index, socket in enumerate(sockets)))
        assert {answer["type"] for answer in answers} == {"counted"}
        assert answers[1] == {
            "type": "counted",
            "ref": 1,
            "counted": True,
            "message": "Danke, Ihre Stimme wurde gezählt.",
            "proposal": shown.pk,
            "choice": "oppose",
        }
        # Counted means committed: the totals hold every vote, written in a handful of batches, not one by one.
        totals = await database_sync_to_async(proposal_results)(proposal_ids=[shown.pk])
        assert totals[shown.pk] == {"support": 14, "oppose": 13, "abstain": 13}
        assert await revision() - before <= 4
        for socket in sockets:
            await socket.disconnect()

    async_to_sync(scenario)()
    assert set(Vote.objects.filter(proposal=shown).values_list("channel", flat=True)) == {"phone"}


def test_a_vote_the_room_does_not_take_is_refused_in_the_page_language_and_nothing_is_written(
    room, shown, voting_consultation
):
    other = factories.proposal(voting_consultation)

    async def scenario():
        german, english, unknown = (
            voting_phone(room.code, "phone-de"),
            voting_phone(room.code, "phone-en", language="en-GB,en;q=0.8"),
            phone_socket(room.code),  # no device cookie
        )
        for socket in (german, english, unknown):
            assert (await socket.connect(timeout=5))[0]
            await socket.send_to(
                text_data=json.dumps({"type": "vote", "ref": 7, "proposal": other.pk, "choice": "support"})
            )
        refused = [await answer_to(socket, 7) for socket in (german, english, unknown)]
        assert [(answer["type"], answer["status"]) for answer in refused] == [
            ("refused", 409),
            ("refused", 409),
            ("refused", 400),
        ]
        assert refused[0]["detail"] == "Über diesen Vorschlag wird im Raum gerade nicht abgestimmt."
        assert refused[1]["detail"] == "This proposal is not up for a vote in the room right now."
        for socket in (german, english, unknown):
            await socket.disconnect()

    async_to_sync(scenario)()
    assert not Vote.objects.exists()


def test_a_phone_sending_too_many_votes_over_its_socket_is_asked_to_wait(settings, room, shown):
    settings.RATELIMIT_ROOM_DEVICE = "2/m"

    async def scenario():
        socket = voting_phone(room.code, "phone-eager")
        assert (await socket.connect(timeout=5))[0]
        answers = []
        for ref, choice in enumerate(("support", "oppose", "abstain")):
            await socket.send_to(
                text_data=json.dumps({"type": "vote", "ref": ref, "proposal": shown.pk, "choice": choice})
            )
            answers.append(await answer_to(socket, ref))
        assert [answer["type"] for answer in answers] == ["counted", "counted", "refused"]
        assert answers[2]["status"] == 429 and answers[2]["retryAfter"] == 60
        await socket.disconnect()

    async_to_sync(scenario)()
    assert Vote.objects.get(proposal=shown).choice == "oppose"


@pytest.mark.parametrize(
    "text",
    ["{not json", '{"type": "vote"}', '{"type": "vote", "ref": true}', '{"type": "other", "ref": 1}', "{" + "x" * 5000],
)
def test_what_is_no_vote_gets_no_answer_and_the_socket_stays(room, shown, text):
    async def scenario():
        socket = voting_phone(room.code, "phone-odd")
        assert (await socket.connect(timeout=5))[0]
        await socket.send_to(text_data=text)
        await socket.send_to(text_data="ping")
        while (message := await socket.receive_from(timeout=5)) != "pong":
            assert "ref" not in message
        await socket.disconnect()

    async_to_sync(scenario)()
    assert not Vote.objects.exists()


# --- a rated consultation: phones rate from 1 to 5 over their sockets ------------------------------


def test_phones_rating_over_their_sockets_are_counted_and_the_screen_frame_carries_the_ratings():
    consultation = factories.consultation("vote", voting_method="rating")
    room = factories.room(consultation)
    proposal = factories.proposal(consultation)
    forum_services.show_in_room(presenter=room.opened_by, room=room, scene="proposal", proposal=proposal)

    async def scenario():
        sockets = [voting_phone(room.code, f"rater-{index}") for index in range(5)]
        for socket in sockets:
            assert (await socket.connect(timeout=10))[0]
        for index, socket in enumerate(sockets):
            await socket.send_to(
                text_data=json.dumps({"type": "vote", "ref": index, "proposal": proposal.pk, "rating": index + 1})
            )
        answers = [await answer_to(socket, index) for index, socket in enumerate(sockets)]
        assert answers[3] == {
            "type": "counted",
            "ref": 3,
            "counted": True,
            "message": "Danke, Ihre Stimme wurde gezählt.",
            "proposal": proposal.pk,
            "choice": "",
            "rating": 4,
        }
        # A choice is refused in a rated consultation, in the page's language, and the rating stays.
        await sockets[0].send_to(
            text_data=json.dumps({"type": "vote", "ref": 9, "proposal": proposal.pk, "choice": "support"})
        )
        # The frame with all five ratings may come before or after the refusal: keep the frames seen meanwhile.
        frames = []
        while (message := json.loads(await sockets[0].receive_from(timeout=10))).get("ref") != 9:
            frames += [message] if message["type"] == "room" else []
        refused = message
        assert (refused["type"], refused["status"]) == ("refused", 400)
        assert "1 bis 5" in refused["detail"]
        frame = frames[-1] if frames else await room_frame(sockets[0])
        while frame["room"]["proposal"]["rating"]["count"] < 5:
            frame = await room_frame(sockets[0])
        shown_now = frame["room"]["proposal"]
        assert shown_now["method"] == "rating"
        assert shown_now["rating"] == {
            "count": 5,
            "average": 3.0,
            "distribution": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1},
        }
        assert shown_now["rating_by_channel"]["phone"]["count"] == 5
        for socket in sockets:
            await socket.disconnect()

    async_to_sync(scenario)()
    assert sorted(Vote.objects.filter(proposal=proposal).values_list("rating", flat=True)) == [1, 2, 3, 4, 5]
