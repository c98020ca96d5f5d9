"""The presenter's console (forum.admin_views.console_actions) with generated ids: what the form posts as the
poll or proposal to show is read as an id or as nothing, and the console answers with a redirect and its message,
never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forum import services as forum_services
from tests.support import factories
from tests.support.properties import rolled_back, tried

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(db):
    presenter = factories.presenter()
    room = forum_services.open_room(presenter=presenter, consultation=factories.consultation("vote"))
    room.client = Client(HTTP_ACCEPT_LANGUAGE="en")
    room.client.force_login(presenter)
    return room


@settings(max_examples=40)
@given(
    scene=st.sampled_from(["poll", "proposal", "wall", ""]) | st.text(max_size=6),
    named=st.integers(-5, 2**70).map(str) | st.text(max_size=8) | st.sampled_from(["²", "9" * 19, "1" * 5000]),
)
@example(scene="poll", named="²")
@example(scene="poll", named="9" * 19)
@example(scene="proposal", named="²")
def test_show_with_any_id(room, scene, named):
    tried("admin: console show (poll/proposal id)")
    with rolled_back():
        response = room.client.post(
            reverse("forum_room_show", args=[room.pk]), {"scene": scene, "poll": named, "proposal": named}
        )
        assert response.status_code == 302


@settings(max_examples=20)
@given(named=st.text(max_size=8) | st.sampled_from(["²", "9" * 19, "1"]))
@example(named="²")
def test_a_new_screen_for_any_consultation(admin_client, named):
    tried("admin: new screen ?consultation=")
    response = admin_client.get("/admin/snippets/forum/screen/add/", {"consultation": named})
    assert response.status_code == 200
