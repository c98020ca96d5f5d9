"""One of two ASGI processes dies (SIGKILL) behind nginx: the kiosk and the phone page in a real browser,
whose sockets were on it, reconnect through nginx to the survivor and show the exact totals, votes cast
during and after the kill included.

Two uvicorns share the test database and Redis (one channel layer prefix), nginx with the shipped locations
in front. The second is nginx's backup server, taken only while the first is down, so every socket and
every request is on the first until it is killed. The clients that reconnect are the site's own scripts
(static/forum/kiosk.js, live.js), not a test client.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from playwright.sync_api import Page, expect

from bench.stack import collect_static
from forum import services as forum_services
from participation.models import Vote
from participation.selectors import proposal_results
from tests.support.browser import close_session, open_session, outside_event_loop, wait_for_kiosk, wait_for_phone
from tests.support.needs import require_nginx, require_redis
from tests.support.proxy import Proxy
from tests.support.server import Phone, ServerPool, new_channel_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHOICES = ("support", "oppose", "abstain")


@pytest.fixture(autouse=True, scope="module")
def _needs_nginx_and_redis():
    """Before the browser and the demo: without them the test is skipped at once."""
    require_nginx()
    require_redis()


RECONNECT_LIMIT = 5.0  # seconds from the kill until every page is live on the survivor again

# Records every change of a status element's data-state with the page's clock: a short offline moment
# between two checks is not missed.
WATCH_STATE = """(selector) => {
  window.__states = [[Date.now(), document.querySelector(selector).dataset.state]];
  new MutationObserver(() => window.__states.push([Date.now(), document.querySelector(selector).dataset.state]))
    .observe(document.querySelector(selector), {attributes: true, attributeFilter: ["data-state"]});
}"""


class Voters:
    """Phones in the room voting through nginx, one new phone each, a vote every ``interval`` seconds on a
    thread; a vote answered with an error (nginx's 502 while its server dies) is sent again, as the phone
    page does. ``saved`` counts the votes the servers answered as counted."""

    def __init__(self, proxy: Proxy, code: str, proposal: int, interval: float = 0.2):
        self.proxy, self.code, self.proposal, self.interval = proxy, code, proposal, interval
        self.saved, self.retried, self.failed = 0, 0, []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Voters:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        self.thread.join(60)

    def _run(self) -> None:
        index = 0
        while not self.stopped.is_set():
            self.one(CHOICES[index % 3])
            index += 1
            time.sleep(self.interval)

    def one(self, choice: str) -> None:
        phone = Phone(self.proxy, self.code)
        for attempt in range(20):
            try:
                if not phone.cookies:
                    phone.join()
                answer = phone.vote({"proposal": self.proposal, "choice": choice})
            except OSError as error:  # the connection went down with its server
                answer = error
            if not isinstance(answer, OSError) and answer.status == 200 and answer.body.get("counted"):
                self.saved += 1
                return
            self.retried += 1
            time.sleep(0.2 * (attempt + 1))
        self.failed.append(repr(answer)[:200])


def shown_totals(page: Page, proposal: int) -> dict:
    cells = page.locator(f'.scene--proposal [data-proposal="{proposal}"] dd[data-choice]')
    return {cell.get_attribute("data-choice"): int(cell.text_content()) for cell in cells.all()}


def reconnected_after(page: Page, killed_at: float) -> float:
    """Seconds from the kill (page clock) until the page's status was live again after being offline."""
    states = page.evaluate("() => window.__states")
    after = [(at, state) for at, state in states if at >= killed_at]
    offline = next((at for at, state in after if state != "live"), None)
    assert offline is not None, f"the page never noticed its server died: {states}"
    live = next(at for at, state in after if at > offline and state == "live")
    return (live - killed_at) / 1000


def test_when_one_of_two_servers_dies_its_screens_and_phones_come_back_on_the_other_with_exact_totals(
    browser, demo, tmp_path
):
    require_nginx()
    redis_url = require_redis()
    proposal = demo.proposal.pk
    outside_event_loop(
        forum_services.show_in_room,
        presenter=demo.room.opened_by,
        room=demo.room,
        scene="proposal",
        proposal=demo.proposal,
    )
    before = outside_event_loop(lambda: Vote.objects.filter(proposal_id=proposal).count())  # the demo's
    static_root = tmp_path / "static"
    env = {"REDIS_URL": redis_url, "STATIC_ROOT": str(static_root), "LIVE_HEARTBEAT_INTERVAL": "0.5"}
    collect_static({**os.environ, "DEBUG": "1", **env})
    pool = ServerPool(tmp_path, DJANGO_ALLOW_ASYNC_UNSAFE="", **env)
    prefix = new_channel_prefix()
    first, second = pool.start(prefix=prefix, redis=True), pool.start(prefix=prefix, redis=True)
    proxy = Proxy(
        tmp_path,
        upstream_ports=[first.port],
        backup_ports=(second.port,),
        static_root=static_root,
        media_root=tmp_path / "media",
    )
    session = open_session(browser, proxy.url)
    try:
        kiosk, phone = session.context.new_page(), session.context.new_page()
        kiosk.goto(demo.kiosk_url)
        wait_for_kiosk(kiosk)
        phone.goto(f"/live/{demo.room.code}/")
        wait_for_phone(phone)
        kiosk.evaluate(WATCH_STATE, "#kiosk-status")
        phone.evaluate(WATCH_STATE, "#room-status")

        with Voters(proxy, demo.room.code, proposal) as voters:
            time.sleep(1)  # votes before the kill, on the first server
            killed_at = kiosk.evaluate("() => Date.now()")
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(10)
            started = time.monotonic()
            expect(kiosk.locator("#kiosk-status")).to_have_attribute("data-state", "live", timeout=10_000)
            wait_for_phone(phone)
            time.sleep(3)  # and votes after it
        kiosk_seconds = reconnected_after(kiosk, killed_at)
        phone_seconds = reconnected_after(phone, killed_at)

        votes = outside_event_loop(lambda: Vote.objects.filter(proposal_id=proposal).count())
        totals = outside_event_loop(lambda: proposal_results(proposal_ids=[proposal])[proposal])
        # The screen ends on the database's totals: every choice (the last vote may be any of them).
        for choice in CHOICES:
            shown = kiosk.locator(f'.scene--proposal [data-proposal="{proposal}"] dd[data-choice="{choice}"]')
            expect(shown).to_have_text(str(totals[choice]), timeout=5_000)
        on_screen = shown_totals(kiosk, proposal)
        settled = time.monotonic() - started
    finally:
        close_session(session)
        proxy.stop()
        errors = pool.stop_all()

    assert voters.failed == [] and voters.saved > 0
    assert votes - before == voters.saved  # every vote answered "counted" is in the database, none twice
    assert {choice: on_screen[choice] for choice in CHOICES} == {choice: totals[choice] for choice in CHOICES}
    assert kiosk_seconds < RECONNECT_LIMIT and phone_seconds < RECONNECT_LIMIT
    assert errors == [] and proxy.errors() == []
    print(
        f"\nkiosk live again {kiosk_seconds:.2f} s after the kill, phone page {phone_seconds:.2f} s; "
        f"{voters.saved} votes counted ({voters.retried} sent again after an error); "
        f"screen = database {settled:.1f} s after the kill: {totals}"
    )
