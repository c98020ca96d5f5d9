"""The kiosk page's address: opened once with the screen's token, which then lives in two scoped cookies."""

from __future__ import annotations

import pytest

from forum import services as forum_services
from tests.support import factories


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
