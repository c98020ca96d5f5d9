"""The live path heals itself: a change whose frame was lost (Redis down when it was published) reaches
every socket within seconds of Redis coming back, without a new vote; and while it is down, every
socket is told the current revision by the heartbeat, so its page knows it is behind and reloads.

The server runs on a redis-server of the test's own (stopped and started again); the change is written
by this test process, as the admin of another server process or a worker would.
"""

from __future__ import annotations

import shutil
import time
from types import SimpleNamespace

import pytest

from forum import services as forum_services
from participation import selectors, services
from participation.models import Channel
from tests.support import factories
from tests.support.needs import require
from tests.support.server import (
    REDIS_OUTAGE_ERRORS,
    KioskSocket,
    PhoneSocket,
    RedisProcess,
    ServerProcess,
    new_channel_prefix,
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

HEARTBEAT = 1.0


@pytest.fixture
def evening(transactional_db):
    consultation = factories.consultation("vote")
    presenter = factories.moderator()
    room = factories.room(consultation, presenter=presenter)
    poll = services.add_poll(presenter=presenter, consultation=consultation, question="Was fehlt?", options=["A", "B"])
    forum_services.show_in_room(presenter=presenter, room=room, scene="poll", poll=poll, open_poll=True)
    screen = factories.screen(consultation)
    return SimpleNamespace(consultation=consultation, presenter=presenter, room=room, poll=poll, screen=screen)


def test_a_change_made_while_redis_was_down_reaches_every_socket_once_it_is_back(tmp_path, evening):
    require(shutil.which("redis-server") is not None, "redis", "apt-get install redis-server")
    redis = RedisProcess(tmp_path)
    server = ServerProcess(
        mail_dir=tmp_path / "mail",
        channel_prefix=new_channel_prefix(),
        extra_env={"REDIS_URL": redis.url, "LIVE_HEARTBEAT_INTERVAL": str(HEARTBEAT)},
    )
    phone = PhoneSocket(server, evening.room.code)
    kiosk = KioskSocket(server, token=evening.screen.token, kinds=("room",))
    try:
        for client in (phone, kiosk):
            client.ping()
        redis.stop()

        # While Redis is down: a phone's answer (written elsewhere) and the presenter's reveal.
        device = factories.device()
        option = evening.poll.options.first().pk
        services.answer_poll(participant=device, poll=evening.poll, channel=Channel.PHONE, options=option)
        services.reveal_poll(presenter=evening.presenter, poll=evening.poll)
        revision = selectors.results_revision(consultation_id=evening.consultation.pk)

        # The heartbeat does not need Redis: every socket learns that it is behind.
        for client in (phone, kiosk):
            heartbeat = client.wait_for(lambda f: f["revision"] == revision, timeout=3 * HEARTBEAT, others=True)[1]
            assert heartbeat["type"] == "heartbeat"
        assert not any(f["revision"] == revision for _, f in phone.frames)  # no frame could be sent

        redis.start()
        back = time.monotonic()
        expected = selectors.poll_results(poll=evening.poll)["options"]
        for client in (phone, kiosk):
            _, frame = client.wait_for(lambda f: f["revision"] == revision, timeout=10)
            assert frame["room"]["poll"]["results"]["options"] == expected
        healed_in = time.monotonic() - back
    finally:
        phone.close()
        kiosk.close()
        server.stop()
        redis.stop()
    unexpected = server.failures_besides(REDIS_OUTAGE_ERRORS)
    assert not unexpected, "the server failed otherwise than by the outage:\n" + "\n".join(unexpected)
    print(f"\n[healing] after Redis came back, both sockets had the lost change in {healed_in * 1000:.0f} ms")
