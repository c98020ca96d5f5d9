"""The kiosk page: opened once with the screen's token, which then lives in two scoped cookies; its scenes,
following the presenter or rotating; and its snapshot, one JSON of the results, the room and the screen."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services as forum_services
from forum.models import ScreenMode, ScreenScene
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.models import ModerationState
from tests.support import factories


def revision_of(consultation) -> int:
    return participation_selectors.results_revision(consultation_id=consultation.pk)


@pytest.fixture
def screen(voting_consultation):
    return factories.screen(voting_consultation, slug="foyer")


def test_the_set_up_address_keeps_the_token_in_cookies_for_the_page_and_the_socket(client, screen):
    response = client.get(f"/kiosk/foyer/?token={screen.token}")
    assert response.status_code == 302 and response["Location"] == "/kiosk/foyer/"
    page, socket = response.cookies["bf_token"], response.cookies["bf_socket_token"]
    assert (page.value, page["path"]) == (screen.token, "/kiosk/foyer/")
    assert (socket.value, socket["path"]) == (screen.token, "/ws/kiosk/foyer/")
    for cookie in (page, socket):
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert client.get("/kiosk/foyer/").status_code == 200


@pytest.mark.parametrize(
    ("case", "status"), [("no token", 403), ("wrong token", 403), ("unknown", 404), ("retired", 410)]
)
def test_a_refused_screen_gets_a_page_that_says_why(client, screen, case, status):
    path = "/kiosk/foyer/"
    if case == "wrong token":
        path += "?token=guessed"
    elif case == "unknown":
        path = f"/kiosk/nowhere/?token={screen.token}"
    elif case == "retired":
        screen.is_active = False
        screen.save()
        path += f"?token={screen.token}"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert "<h1>" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_new_token_voids_the_old_one_also_in_the_cookie(client, screen):
    client.get(f"/kiosk/foyer/?token={screen.token}")
    forum_services.issue_device_token(device=screen)
    assert client.get("/kiosk/foyer/").status_code == 403
    assert client.get("/kiosk/foyer/snapshot/").status_code == 403


# --- the page's scenes and the snapshot ------------------------------------------------------------------

SCENES = ["join", "pause", "poll", "proposal", "results", "wall", "map", "twin"]


def opened(client, screen):
    client.cookies["bf_token"] = screen.token
    return client


def embedded(response, name: str):
    return json.loads(
        re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', response.content.decode(), re.S)[1]
    )


@pytest.fixture
def evening(voting_consultation, moderator):
    """An open room showing a live poll with hidden results, a proposal, comments (one waiting for review)."""
    proposal = factories.proposal(voting_consultation, title="Mehr Bäume")
    room = factories.room(voting_consultation, presenter=moderator, title="Bürgerforum im Rathaus")
    poll = participation_services.add_poll(
        presenter=moderator, consultation=voting_consultation, question="Was fehlt?", options=["Bänke", "Schatten"]
    )
    forum_services.show_in_room(presenter=moderator, room=room, scene="poll", poll=poll, open_poll=True)
    factories.comment(voting_consultation, text="Öffentlich", author=factories.CitizenFactory(username="namentlich"))
    factories.comment(voting_consultation, text="Wartet", moderation_state=ModerationState.PENDING)
    return SimpleNamespace(room=room, poll=poll, proposal=proposal, moderator=moderator)


def test_a_following_screen_gets_every_scene_the_code_badge_and_one_snapshot(client, screen, evening):
    response = opened(client, screen).get("/kiosk/foyer/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<section class="scene [^"]*" data-scene="(\w+)"', html) == SCENES
    assert 'class="kiosk__badge"' in html and evening.room.code in html
    assert html.count('class="room-qr"') == 2  # the join slide's and the badge's, drawn on the server
    snapshot = embedded(response, "kiosk-snapshot")
    assert snapshot["screen"] == {"mode": "follow", "rotation": []}
    assert snapshot["room"]["room"]["scene"] == "poll" and snapshot["room"]["room"]["code"] == evening.room.code
    assert "results" not in snapshot["room"]["room"]["poll"]  # hidden until revealed
    assert snapshot["room"]["room"]["poll"]["answers"] == 0
    config = embedded(response, "kiosk-config")
    assert config["urls"]["socket"] == "/ws/kiosk/foyer/"
    assert config["labels"]["channels"]["phone"] == "Phones in the room (opinion snapshot)"
    map_config = embedded(response, "map-config")
    assert map_config["consultation"] == screen.consultation.pk and not map_config["tileUrl"]  # no other host


def test_a_rotating_screen_gets_its_rotation(client, screen, evening):
    ScreenScene.objects.create(screen=screen, scene="wall", seconds=15, sort_order=1)
    ScreenScene.objects.create(screen=screen, scene="poll", seconds=30, sort_order=0)
    screen.mode = ScreenMode.ROTATE
    screen.save()
    response = opened(client, screen).get("/kiosk/foyer/")
    assert 'data-mode="rotate"' in response.content.decode()
    assert embedded(response, "kiosk-snapshot")["screen"] == {
        "mode": "rotate",
        "rotation": [{"scene": "poll", "seconds": 30}, {"scene": "wall", "seconds": 15}],
    }


def test_without_an_open_room_there_is_no_badge(client, screen):
    response = opened(client, screen).get("/kiosk/foyer/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and "kiosk__badge" not in html and "room-qr" not in html
    assert embedded(response, "kiosk-snapshot")["room"]["room"] is None


def test_the_snapshot_is_one_json_of_results_room_and_screen(client, screen, evening):
    participation_services.reveal_poll(presenter=evening.moderator, poll=evening.poll)
    snapshot = opened(client, screen).get("/kiosk/foyer/snapshot/").json()
    assert snapshot["type"] == "kiosk"
    results, room = snapshot["results"], snapshot["room"]
    assert (results["type"], room["type"]) == ("results", "room")
    assert snapshot["revision"] == results["revision"] == room["revision"] == revision_of(screen.consultation)
    assert [p["title"] for p in results["proposals"]] == ["Mehr Bäume"]
    assert set(results["proposals"][0]["by_channel"]) == {"online", "phone", "terminal", "analog"}
    assert [c["text"] for c in results["wall"]] == ["Öffentlich"]  # approved only
    assert "namentlich" not in json.dumps(snapshot)  # nothing personal
    assert room["room"]["poll"]["results"]["options"][0]["label"] == "Bänke"  # revealed


@pytest.mark.parametrize(
    ("case", "status"), [("no token", 403), ("wrong token", 403), ("unknown", 404), ("retired", 410)]
)
def test_a_refused_snapshot_says_why(client, screen, case, status):
    path, token = "/kiosk/foyer/snapshot/", screen.token
    if case == "no token":
        token = None
    elif case == "wrong token":
        token = "guessed"
    elif case == "unknown":
        path = "/kiosk/nowhere/snapshot/"
    else:
        screen.is_active = False
        screen.save()
    if token:
        client.cookies["bf_token"] = token
    response = client.get(path)
    assert response.status_code == status
    assert response.json() == {"type": "refused", "status": status}


def test_the_snapshot_takes_a_fixed_number_of_queries(client, screen, evening, django_assert_num_queries):
    opened(client, screen)

    def count() -> int:
        cache.clear()  # the frames are read, not taken from the cache (that path is tested below)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/kiosk/foyer/snapshot/").status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        factories.proposal(screen.consultation, title=f"Vorschlag {n}")
    factories.bulk_comments(screen.consultation, 40)
    for _ in range(10):
        participation_services.answer_poll(
            participant=factories.device(),
            poll=evening.poll,
            channel="phone",
            options=[evening.poll.options.first().pk],
        )
    ScreenScene.objects.create(screen=screen, scene="wall", seconds=15)
    assert count() == few
    cache.clear()
    with django_assert_num_queries(few):
        body = client.get("/kiosk/foyer/snapshot/").json()
    assert len(body["results"]["proposals"]) == 6 and len(body["results"]["wall"]) == participation_selectors.WALL_SIZE


def test_a_current_snapshot_is_made_of_the_frames_kept_at_its_revision(client, screen, evening):
    opened(client, screen)
    read = client.get("/kiosk/foyer/snapshot/").json()

    with CaptureQueriesContext(connection) as queries:
        kept = client.get("/kiosk/foyer/snapshot/").json()

    assert kept == read
    assert len(queries) <= 4, [query["sql"][:80] for query in queries]  # the screen, the revision, its rotation


def test_a_proposal_published_meanwhile_reaches_the_snapshot(client, screen, evening):
    opened(client, screen)
    client.get("/kiosk/foyer/snapshot/")  # the frames are kept now
    proposal = factories.proposal(screen.consultation, title="Neu am Abend")

    participation_services.page_changed(page=proposal)  # what publishing in the admin calls

    titles = [p["title"] for p in client.get("/kiosk/foyer/snapshot/").json()["results"]["proposals"]]
    assert "Neu am Abend" in titles


def test_a_screen_of_an_unpublished_consultation_shows_nothing_of_it(client, screen, voting_consultation):
    proposal = factories.proposal(voting_consultation, title="Geheimer Vorschlag")
    participation_services.cast_vote(voter=factories.citizens(1)[0], proposal=proposal, choice="support")
    voting_consultation.unpublish()
    secrets = [voting_consultation.title, "Geheimer Vorschlag"]

    response = client.get(f"/kiosk/foyer/?token={screen.token}", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 409
    assert "Nothing to show yet" in page and '<meta http-equiv="refresh" content="60">' in page
    assert not [secret for secret in secrets if secret in page]

    client.cookies["bf_token"] = screen.token  # a screen set up before: its page and snapshot show nothing either
    for path in ("/kiosk/foyer/", "/kiosk/foyer/snapshot/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        assert not [secret for secret in [*secrets, '"results"', "support"] if secret in response.content.decode()]
    assert client.get("/kiosk/foyer/snapshot/").json() == {"type": "refused", "status": 409}

    voting_consultation.save_revision().publish()  # published: the same screen shows it again
    assert client.get("/kiosk/foyer/").status_code == 200
