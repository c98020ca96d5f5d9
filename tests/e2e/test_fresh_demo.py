"""Every browser test starts from the demo as seed_demo left it, though it is seeded once per run and put back
for each test (tests.support.demo_state): what a test changed, through the server or from the test, is gone,
ids and sequences included, and the servers have forgotten what they kept of the changed state."""

from __future__ import annotations

import json
from urllib.request import urlopen

import pytest

from participation.models import PollOption
from tests.support import database_copy, factories
from tests.support.browser import outside_event_loop
from tests.support.server import Phone, PhoneSocket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def room_frame(server, code: str) -> dict:
    """The room's state as a phone that cannot hold a socket reads it (from the server's cache when kept)."""
    with urlopen(f"{server.url}/api/v1/rooms/{code}/", timeout=10) as response:
        return json.loads(response.read())


def answer_the_live_poll(server, demo) -> None:
    """A phone in the room answers the poll shown, through the server (a participant, an answer, a revision)."""
    phone = Phone(server.process, demo.room.code)
    phone.join()
    option = outside_event_loop(lambda: PollOption.objects.filter(poll_id=demo.room.poll_id).first())
    assert phone.vote({"option": option.pk}).status == 200


def test_what_a_test_changed_is_gone_ids_and_sequences_included(demo, demo_state, live_server_process, tmp_path):
    seeded = outside_event_loop(database_copy.take).content()
    answer_the_live_poll(live_server_process, demo)
    outside_event_loop(factories.CitizenFactory)
    assert outside_event_loop(database_copy.take).content() != seeded

    demo_state.fresh(var_dir=tmp_path)

    assert outside_event_loop(database_copy.take).content() == seeded
    assert (tmp_path / "demo-devices.txt").read_text().startswith("kiosk ")


def test_the_server_forgets_what_it_kept_of_the_changed_state(demo, demo_state, live_server_process, tmp_path):
    server, code = live_server_process.process, demo.room.code
    seeded = room_frame(live_server_process, code)
    watching = PhoneSocket(server, code)  # stays connected: the server keeps the room's newest frame for it
    try:
        answer_the_live_poll(live_server_process, demo)
        watching.wait_for(lambda frame: frame != seeded)
        assert room_frame(live_server_process, code) != seeded  # kept at the new revision

        demo_state.fresh(var_dir=tmp_path)

        assert room_frame(live_server_process, code) == seeded
        joining = PhoneSocket(server, code)  # greeted with the newest frame the server has
        try:
            assert joining.wait_for(lambda frame: True)[1] == seeded
        finally:
            joining.close()
    finally:
        watching.close()
