"""The site's icon: at /favicon.ico (where browsers look without a link), and linked from every kind of page."""

import re

import pytest
from django.conf import settings

from tests.support import factories
from tests.support.pages import browser


def icon_links(content: str) -> list[str]:
    return re.findall(r'<link rel="icon" href="([^"]+)"', content)


def test_favicon_ico_is_served_without_a_query(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "max-age=604800" in response["Cache-Control"]


def test_favicon_ico_takes_no_post(client):
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("name", ["favicon.svg", "favicon.png", "favicon.ico"])
def test_the_icons_are_static_files(name):
    assert (settings.BASE_DIR / "static" / name).stat().st_size > 100


def test_the_website_links_the_svg_and_the_png(db, home):
    links = icon_links(browser().get("/").content.decode())

    assert links == ["/static/favicon.svg", "/static/favicon.png"]


def test_the_room_pages_link_the_icon_too(db, participating_consultation):
    room = factories.room(participating_consultation)

    assert icon_links(browser().get(f"/live/{room.code}/").content.decode()) == [
        "/static/favicon.svg",
        "/static/favicon.png",
    ]
