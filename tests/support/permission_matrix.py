"""The world, the people and the entry points of the permission matrix (tests/test_permissions.py).

A world is one consultation in one phase with everything a person could act on: a proposal (shown in the
room), a published comment with a place, an open poll, an open room session, a kiosk screen and a touch
terminal. A role is a browser as that person has it: logged in or not, with a phone's device cookie, or with
a registered device's token. An entry point does one thing through the real application (Django's test
client, or Channels' communicator on the ASGI application) and reports what happened: the status, whether
the write is in the database, and what the person was told.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from forum import services as forum_services
from forum.asgi import application
from forum.cookies import remember_device, set_token_cookies
from forum.models import RoomSession, Scene
from participation import services
from participation.models import (
    AnalogEntry,
    Contribution,
    ExportJob,
    Flag,
    Follow,
    ModerationState,
    OfficialAnswer,
    PollAnswer,
    PollState,
    TwinImportJob,
    Vote,
)
from participation.rules import MODERATORS_GROUP
from tests.support import factories

PHASES = ("inform", "participate", "vote", "evaluate", "draft")
ROLES = ("visitor", "unverified", "citizen", "room device", "terminal", "screen", "moderator", "editor", "admin")
EDITORS_GROUP = "Editors"  # made by Wagtail's migrations, as "Moderators" is
ORIGIN = (b"origin", b"http://127.0.0.1")
OPEN = 101  # a socket that was admitted and answers (the status of a WebSocket handshake)
COUNTED = 200  # a vote sent over a socket and counted
PASSWORD = "a-long-test-password"  # the factories'


@dataclass
class World:
    phase: str
    consultation: object
    proposal: object
    comment: Contribution
    poll: object
    option: object
    room: RoomSession
    screen: object
    terminal: object


def build_world(phase: str, *, presenter) -> World:
    """Everything one can act on in ``phase``; a draft is a consultation in its voting window, unpublished
    (so that nothing but its being unpublished stands in the way)."""
    consultation = factories.consultation("vote" if phase == "draft" else phase, slug=f"matrix-{phase}")
    proposal = factories.proposal(consultation, slug=f"matrix-{phase}-proposal")
    comment = factories.comment(consultation, author=factories.CitizenFactory(), **factories.INSIDE)
    poll = services.add_poll(presenter=presenter, consultation=consultation, question="Ja?", options=["Ja", "Nein"])
    services.set_poll_state(presenter=presenter, poll=poll, state=PollState.OPEN)
    room = factories.room(consultation, presenter=presenter)
    forum_services.show_in_room(presenter=presenter, room=room, scene=Scene.PROPOSAL, proposal=proposal)
    world = World(
        phase=phase,
        consultation=consultation,
        proposal=proposal,
        comment=comment,
        poll=poll,
        option=poll.options.first(),
        room=room,
        screen=factories.screen(consultation, slug=f"screen-{phase}"),
        terminal=factories.terminal(consultation, slug=f"terminal-{phase}"),
    )
    if phase == "draft":
        consultation.unpublish()
    return world


# --- the people ------------------------------------------------------------------------------------------


def staff_group(name: str) -> Group:
    """A group as Wagtail's migrations made it (with what this project's migrations added to it)."""
    group = Group.objects.get(name=name)
    assert group.permissions.filter(codename="access_admin").exists(), f"{name} reach the admin"
    return group


def accounts() -> dict:
    """The accounts of the roles that log in; staff have a confirmed address as every citizen."""
    moderator = factories.CitizenFactory(username="matrix-moderator")
    moderator.groups.add(staff_group(MODERATORS_GROUP))
    editor = factories.CitizenFactory(username="matrix-editor")
    editor.groups.add(staff_group(EDITORS_GROUP))
    return {
        "unverified": factories.UserFactory(username="matrix-unverified"),
        "citizen": factories.CitizenFactory(username="matrix-citizen"),
        "moderator": moderator,
        "editor": editor,
        "admin": factories.CitizenFactory(username="matrix-admin", is_superuser=True, is_staff=True),
    }


def sessions(users: dict) -> dict[str, str]:
    """A logged-in session of each account, made once with the accounts (a login per row writes twice)."""
    made = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        made[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return made


def browser(role: str, world: World, logged_in: dict[str, str]) -> Client:
    """The browser of ``role``: its account's session (``sessions``), a phone's device cookie, or a device's
    token cookies (and, at a terminal, a walk-in's terminal session)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role in logged_in:
        client.cookies[settings.SESSION_COOKIE_NAME] = logged_in[role]
    elif role == "room device":
        page = HttpResponse()
        remember_device(page, f"matrix-phone-{world.phase}")  # as the room's page set it on the first visit
        client.cookies.update(page.cookies)
    elif role in ("terminal", "screen"):
        device = world.terminal if role == "terminal" else world.screen
        kind = "terminal" if role == "terminal" else "kiosk"
        page = HttpResponse()
        set_token_cookies(
            page, token=device.token, page_path=f"/{kind}/{device.slug}/", socket_path=f"/ws/{kind}/{device.slug}/"
        )
        client.cookies.update(page.cookies)
        if role == "terminal":
            client.post(f"/terminal/{device.slug}/start/")  # a walk-in presses "Start" (refused where it opens not)
    return client


# --- what happened ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    status: int
    written: bool | None  # None for reads
    text: str  # what the person was told (the page, the JSON, the socket's answer)


def counted(model, **filters) -> Callable[[], int]:
    return lambda: model.objects.filter(**filters).count()


def _told(response: HttpResponse) -> str:
    """What the person reads: the page or JSON, or, after a redirect, where it leads and the messages
    waiting there."""
    if response.has_header("Location"):
        waiting = [str(message) for message in get_messages(response.wsgi_request)]
        return " ".join([response["Location"], *waiting])
    return html.unescape(response.content.decode())


def _write(client_call: Callable[[], HttpResponse], count: Callable[[], object]) -> Observed:
    before = count()
    response = client_call()
    return Observed(response.status_code, count() != before, _told(response))


def _read(response: HttpResponse) -> Observed:
    return Observed(response.status_code, None, _told(response))


# --- the entry points ------------------------------------------------------------------------------------


def read_page(client: Client, world: World) -> Observed:
    return _read(client.get(world.consultation.url))


def read_api(client: Client, world: World) -> Observed:
    return _read(client.get(f"/api/v1/consultations/{world.consultation.pk}/"))


def read_ogc(client: Client, world: World) -> Observed:
    return _read(client.get(f"/api/ogc/collections/contributions/items/{world.comment.pk}"))


def join_page(client: Client, world: World) -> Observed:
    return _read(client.get(f"/live/{world.room.code}/"))


def join_api(client: Client, world: World) -> Observed:
    return _read(client.get(f"/api/v1/rooms/{world.room.code}/"))


def kiosk_page(client: Client, world: World) -> Observed:
    return _read(client.get(f"/kiosk/{world.screen.slug}/"))


def _comments(world: World):
    return counted(Contribution, consultation=world.consultation)


def comment_page(client: Client, world: World) -> Observed:
    return _write(lambda: client.post(world.consultation.url, {"text": "Mehr Bäume, bitte."}), _comments(world))


def comment_api(client: Client, world: World) -> Observed:
    body = {"consultation": world.consultation.pk, "text": "Mehr Bäume, bitte."}
    return _write(lambda: client.post("/api/v1/contributions/", body, "application/json"), _comments(world))


def reply_page(client: Client, world: World) -> Observed:
    body = {"text": "Das sehe ich auch so.", "parent": world.comment.pk}
    return _write(lambda: client.post(world.consultation.url, body), _comments(world))


def reply_api(client: Client, world: World) -> Observed:
    body = {"consultation": world.consultation.pk, "text": "Das sehe ich auch so.", "parent": world.comment.pk}
    return _write(lambda: client.post("/api/v1/contributions/", body, "application/json"), _comments(world))


def _votes(world: World):
    return counted(Vote, proposal=world.proposal)


def vote_page(client: Client, world: World) -> Observed:
    body = {"action": "vote", "choice": "support"}
    return _write(lambda: client.post(world.proposal.url, body), _votes(world))


def vote_api(client: Client, world: World) -> Observed:
    url = f"/api/v1/proposals/{world.proposal.pk}/vote/"
    return _write(lambda: client.post(url, {"choice": "support"}, "application/json"), _votes(world))


def _answers(world: World):
    return counted(PollAnswer, poll=world.poll)


def _poll_answer(world: World) -> dict:
    return {"poll": world.poll.pk, "option": world.option.pk}


def answer_page(client: Client, world: World) -> Observed:
    url = f"/live/{world.room.code}/answer/"
    return _write(lambda: client.post(url, _poll_answer(world)), _answers(world))


def answer_api(client: Client, world: World) -> Observed:
    url = f"/api/v1/rooms/{world.room.code}/vote/"
    return _write(lambda: client.post(url, _poll_answer(world), "application/json"), _answers(world))


def terminal_comment(client: Client, world: World) -> Observed:
    url = f"/terminal/{world.terminal.slug}/comment/"
    return _write(lambda: client.post(url, {"text": "Mehr Bänke, bitte."}), _comments(world))


def terminal_vote(client: Client, world: World) -> Observed:
    url = f"/terminal/{world.terminal.slug}/vote/"
    return _write(lambda: client.post(url, {"proposal": world.proposal.pk, "choice": "support"}), _votes(world))


def terminal_poll(client: Client, world: World) -> Observed:
    url = f"/terminal/{world.terminal.slug}/poll/"
    return _write(lambda: client.post(url, _poll_answer(world)), _answers(world))


def enter_paper(client: Client, world: World) -> Observed:
    url = f"/admin/paper/{world.consultation.pk}/proposal/{world.proposal.pk}/"
    body = {"event": "Bürgerforum", "source": "Stellwand", "count_support": "3", "count_oppose": "1"}
    return _write(lambda: client.post(url, body), counted(AnalogEntry, proposal=world.proposal))


def moderate(client: Client, world: World) -> Observed:
    url = f"/admin/moderation/{world.comment.pk}/"
    hidden = counted(Contribution, pk=world.comment.pk, moderation_state=ModerationState.HIDDEN)
    return _write(lambda: client.post(url, {"state": ModerationState.HIDDEN, "reason": "Beleidigung"}), hidden)


def _flags(world: World):
    return counted(Flag, contribution=world.comment)


def flag_page(client: Client, world: World) -> Observed:
    url = f"/contributions/{world.comment.pk}/report/"
    return _write(lambda: client.post(url, {"reason": "insult", "note": "Beleidigend"}), _flags(world))


def flag_api(client: Client, world: World) -> Observed:
    url = f"/api/v1/contributions/{world.comment.pk}/flags/"
    return _write(lambda: client.post(url, {"reason": "insult"}, "application/json"), _flags(world))


def present(client: Client, world: World) -> Observed:
    url = f"/admin/room/{world.room.pk}/show/"
    paused = counted(RoomSession, pk=world.room.pk, scene=Scene.PAUSE)
    return _write(lambda: client.post(url, {"scene": Scene.PAUSE}), paused)


TWIN_FILE = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "matrix-1",
                "properties": {"name": "Rathaus", "kind": "building"},
                "geometry": factories.box(4.3638, 52.0118, 4.3642, 52.0121),
            }
        ],
    }
).encode()


def import_twin(client: Client, world: World) -> Observed:
    upload = SimpleUploadedFile("matrix.geojson", TWIN_FILE, content_type="application/geo+json")
    return _write(lambda: client.post("/admin/twin-import/", {"file": upload}), counted(TwinImportJob))


def export(client: Client, world: World) -> Observed:
    url = f"/admin/exports/{world.consultation.pk}/"
    return _write(lambda: client.post(url, {"format": "csv"}), counted(ExportJob, consultation=world.consultation))


def delete_account(client: Client, world: World) -> Observed:
    """A person deletes their own account (the factories' password), keeping their comments anonymised."""
    user = get_user(client)
    accounts = lambda: 0  # noqa: E731 (nobody's account to delete)
    if user.is_authenticated:
        # Hashed again with the test run's hasher (tests/conftest.py): the accounts were made before it was set.
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        client.force_login(user)  # a new password ends the sessions made with the old one
        accounts = counted(get_user_model(), pk=user.pk)
    body = {"password": PASSWORD, "contributions": "keep"}
    return _write(lambda: client.post("/accounts/delete/", body), accounts)


def follow(client: Client, world: World) -> Observed:
    """Follow the consultation with the button on its page."""
    url = f"/consultations/{world.consultation.pk}/follow/"
    return _write(lambda: client.post(url, {"action": "follow"}), counted(Follow, consultation=world.consultation))


def _own_comment(client: Client, world: World) -> Contribution:
    """A comment the browser's account wrote a moment ago (written straight, whatever the phase); without an
    account, somebody else's."""
    user = get_user(client)
    if not user.is_authenticated:
        return world.comment
    return factories.comment(world.consultation, author=user, text="Mein Kommentar")


def edit_own(client: Client, world: World) -> Observed:
    comment = _own_comment(client, world)
    url = f"/accounts/contributions/{comment.pk}/edit/"
    changed = counted(Contribution, pk=comment.pk, text="Mein geänderter Kommentar")
    return _write(lambda: client.post(url, {"text": "Mein geänderter Kommentar"}), changed)


def withdraw_own(client: Client, world: World) -> Observed:
    comment = _own_comment(client, world)
    url = f"/accounts/contributions/{comment.pk}/withdraw/"
    return _write(lambda: client.post(url), counted(Contribution, pk=comment.pk, deleted_at__isnull=False))


def answer_officially(client: Client, world: World) -> Observed:
    url = f"/admin/participation/contributions/{world.comment.pk}/answer/"
    answers = counted(OfficialAnswer, contribution=world.comment)
    return _write(lambda: client.post(url, {"text": "Die Stadt prüft das."}), answers)


def open_admin(client: Client, world: World) -> Observed:
    return _read(client.get("/admin/"))


# --- sockets ---------------------------------------------------------------------------------------------


def _headers(client: Client) -> list[tuple[bytes, bytes]]:
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    return [ORIGIN, (b"cookie", cookies.encode()), (b"accept-language", b"en")]


async def _until(communicator: WebsocketCommunicator, answer: Callable[[str], Observed | None]) -> Observed:
    """The first output ``answer`` makes something of, or the close code of a refused socket."""
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return Observed(output["code"], None, "")
        found = answer(output.get("text", ""))
        if found is not None:
            return found


def _socket(path: str, client: Client, message: dict | None = None, count: Callable[[], int] | None = None):
    """Connect to ``path`` with the browser's cookies; without ``message``, whether it is admitted (a ping
    answered), else what the socket answers to ``message`` (a vote) and whether it was written."""
    from channels.db import database_sync_to_async

    async def scenario() -> Observed:
        communicator = WebsocketCommunicator(application, path, headers=_headers(client))
        admitted, _subprotocol = await communicator.connect(timeout=5)
        assert admitted, "refusals are accepted and then closed with a code"
        if message is None:
            await communicator.send_to(text_data="ping")
            observed = await _until(communicator, lambda text: Observed(OPEN, None, text) if text == "pong" else None)
        else:
            before = await database_sync_to_async(count)()
            await communicator.send_to(text_data=json.dumps({"type": "vote", "ref": 1, **message}))
            observed = await _until(communicator, _vote_answer)
            observed = Observed(observed.status, await database_sync_to_async(count)() != before, observed.text)
        await communicator.disconnect()
        return observed

    return async_to_sync(scenario)()


def _vote_answer(text: str) -> Observed | None:
    answer = json.loads(text)
    if answer.get("ref") != 1:
        return None  # a frame of the room
    return Observed(COUNTED if answer["type"] == "counted" else answer["status"], None, answer.get("detail", ""))


def join_socket(client: Client, world: World) -> Observed:
    return _socket(f"/ws/live/{world.room.code}/", client)


def vote_socket(client: Client, world: World) -> Observed:
    message = {"proposal": world.proposal.pk, "choice": "support"}
    return _socket(f"/ws/live/{world.room.code}/", client, message, _votes(world))


def answer_socket(client: Client, world: World) -> Observed:
    return _socket(f"/ws/live/{world.room.code}/", client, _poll_answer(world), _answers(world))


def terminal_socket(client: Client, world: World) -> Observed:
    return _socket(f"/ws/terminal/{world.terminal.slug}/", client)


def kiosk_socket(client: Client, world: World) -> Observed:
    return _socket(f"/ws/kiosk/{world.screen.slug}/", client)
