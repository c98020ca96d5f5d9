"""A touch terminal in the room (1080x1920 portrait, touch), in a real browser against a real server: a walk-in
comments on an object of the twin chosen from the list, votes, presses "Done", and the next person finds the
terminal empty and counts apart; a terminal left alone clears itself; every page passes axe-core (en and de)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forum import services as forum_services
from forum.models import Terminal
from participation import services
from participation.models import Channel, Contribution, ParticipantKind, PollAnswer, Vote
from tests.support.browser import PageAudit, close_session, open_session, outside_event_loop, screenshot
from tests.support.server import ServerProcess, new_channel_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TERMINAL = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True}


@pytest.fixture
def token(demo) -> str:
    """A fresh token for the demo's terminal `eingang`, as the admin or `terminal_token` would give it."""
    return outside_event_loop(lambda: forum_services.issue_device_token(device=Terminal.objects.get(slug="eingang")))


@pytest.fixture
def kiosk(request, browser, live_server_process, demo) -> Page:
    """The terminal's browser, in the language the test asks for (English unless parametrized)."""
    language = getattr(request, "param", "en")
    session = open_session(browser, live_server_process.url, language=language, **TERMINAL)
    yield session.context.new_page()
    close_session(session, failed_test=request.node.name if getattr(request.node, "e2e_failed", False) else None)


def set_up(page: Page, token: str) -> None:
    """The operator opens the address with the token once; then the start screen invites people in."""
    page.goto(f"/terminal/eingang/?token={token}")
    expect(page).to_have_url(re.compile(r"/terminal/eingang/$"))
    expect(page.get_by_role("button", name="Start")).to_be_visible()


def terminal_votes(proposal) -> list[tuple[int, str]]:
    rows = Vote.objects.filter(proposal=proposal, channel=Channel.TERMINAL).order_by("created_at")
    return outside_event_loop(lambda: list(rows.values_list("participant_id", "choice")))


def test_a_walk_in_comments_votes_and_leaves_and_the_next_one_starts_afresh(kiosk: Page, demo, token):
    set_up(kiosk, token)
    kiosk.get_by_role("button", name="Start").click()
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("What would you like to do?")

    # A comment on an object of the twin, chosen from the list (the map is never the only way).
    kiosk.get_by_role("link", name=re.compile("^Write a comment")).click()
    expect(kiosk.locator("#consultation-map .leaflet-control-zoom-in")).to_be_visible()
    kiosk.get_by_label("Your comment").fill("Mehr Schatten am Ufer, bitte.")
    choice = kiosk.locator("#twin-choices li[data-linked]").first
    chosen = int(choice.get_attribute("data-twin-choice"))
    choice.locator("label").tap()
    expect(choice.locator("input")).to_be_checked()
    kiosk.get_by_role("button", name="Send comment").tap()
    expect(kiosk.locator("#terminal-notice")).to_have_text("Thank you! Your comment is published.")
    comment = outside_event_loop(lambda: Contribution.objects.select_related("participant").get(channel="terminal"))
    assert (comment.twin_feature_id, comment.author_id) == (chosen, None)
    assert comment.participant.kind == ParticipantKind.TERMINAL_SESSION

    # A vote, shown as this visitor's choice.
    kiosk.get_by_role("link", name=re.compile("^Vote on the proposals")).tap()
    card = kiosk.locator(f"#proposal-{demo.proposal.pk}")
    card.get_by_role("button", name="Support").tap()
    expect(kiosk.locator("#terminal-notice")).to_have_text("Thank you, your vote has been counted.")
    expect(card.get_by_role("button", name="Support")).to_have_attribute("aria-pressed", "true")
    screenshot(kiosk, "terminal-vote-1080x1920")
    first = terminal_votes(demo.proposal)
    assert [choice for _, choice in first] == ["support"] and first[0][0] == comment.participant_id

    # "Done": the start screen, and Back shows nothing of this person.
    kiosk.get_by_role("button", name="Done").tap()
    expect(kiosk).to_have_url(re.compile(r"/terminal/eingang/$"))
    expect(kiosk.get_by_role("button", name="Start")).to_be_visible()
    kiosk.go_back()
    expect(kiosk.get_by_role("button", name="Start")).to_be_visible()
    expect(kiosk.locator('[aria-pressed="true"]')).to_have_count(0)
    expect(kiosk.get_by_text("Mehr Schatten am Ufer")).to_have_count(0)

    # The next person: no choice of the last one, and a vote that counts apart.
    kiosk.get_by_role("button", name="Start").tap()
    kiosk.get_by_role("link", name=re.compile("^Vote on the proposals")).tap()
    card = kiosk.locator(f"#proposal-{demo.proposal.pk}")
    expect(card.get_by_role("button", name="Support")).not_to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Oppose").tap()
    expect(card.get_by_role("button", name="Oppose")).to_have_attribute("aria-pressed", "true")
    expect(kiosk.locator('[aria-pressed="true"]')).to_have_count(1)
    second = terminal_votes(demo.proposal)
    assert [choice for _, choice in second] == ["support", "oppose"]
    assert second[0][0] != second[1][0]  # two walk-ins, two participants


def test_the_terminal_follows_the_rooms_poll_and_answers_it(kiosk: Page, demo, token):
    set_up(kiosk, token)
    kiosk.get_by_role("button", name="Start").tap()
    tile = kiosk.get_by_role("link", name=re.compile("^Answer the poll of the room"))
    expect(tile).to_contain_text("Was wünschen Sie sich am Wasser am meisten?")

    def new_poll():
        presenter = demo.room.opened_by
        poll = services.add_poll(
            presenter=presenter, consultation=demo.consultation, question="Wie kommen Sie her?", options=["Rad", "Bus"]
        )
        forum_services.show_in_room(presenter=presenter, room=demo.room, scene="poll", poll=poll, open_poll=True)
        return poll

    poll = outside_event_loop(new_poll)
    expect(tile).to_contain_text("Wie kommen Sie her?")  # over the terminal's socket, no touch needed
    tile.tap()
    kiosk.get_by_text("Rad", exact=True).tap()
    kiosk.get_by_role("button", name="Send answer").tap()
    expect(kiosk.locator("#terminal-notice")).to_have_text("Thank you, your answer has been counted.")
    expect(kiosk.get_by_role("radio", name="Rad")).to_be_checked()
    answer = outside_event_loop(lambda: PollAnswer.objects.select_related("participant").get(poll=poll))
    assert (answer.channel, answer.participant.kind) == (Channel.TERMINAL, ParticipantKind.TERMINAL_SESSION)


@pytest.fixture
def quick_server(live_server_process, tmp_path):
    """A second server whose terminals clear after 4 s without input."""
    env = {"DJANGO_ALLOW_ASYNC_UNSAFE": "", "LIVE_HEARTBEAT_INTERVAL": "0.5", "TERMINAL_IDLE_SECONDS": "4"}
    server = ServerProcess(mail_dir=tmp_path / "mail", channel_prefix=new_channel_prefix(), extra_env=env)
    yield server
    server.stop()
    assert not server.errors(), server.log.read_text()


def test_a_terminal_left_alone_warns_then_clears_itself(request, browser, quick_server, demo, token):
    session = open_session(browser, quick_server.url, **TERMINAL)
    page = session.context.new_page()
    try:
        set_up(page, token)
        page.get_by_role("button", name="Start").tap()
        page.get_by_role("link", name=re.compile("^Vote on the proposals")).tap()
        card = page.locator(f"#proposal-{demo.proposal.pk}")
        card.get_by_role("button", name="Abstain").tap()
        expect(card.get_by_role("button", name="Abstain")).to_have_attribute("aria-pressed", "true")
        # Nobody touches it: first the question, then the start screen.
        warning = page.get_by_role("alertdialog", name="Are you still there?")
        expect(warning).to_be_visible(timeout=6_000)
        expect(warning.get_by_role("button", name="Continue")).to_be_focused()
        audit = PageAudit()
        audit.check(page, "idle warning")
        expect(page.get_by_role("button", name="Start")).to_be_visible(timeout=8_000)
        audit.assert_clean()
        expect(page).to_have_url(re.compile(r"/terminal/eingang/$"))
        page.go_back()
        expect(page.locator('[aria-pressed="true"]')).to_have_count(0)
        # The next person starts afresh; the last one's vote stays as it was.
        page.get_by_role("button", name="Start").tap()
        page.get_by_role("link", name=re.compile("^Vote on the proposals")).tap()
        expect(page.locator('[aria-pressed="true"]')).to_have_count(0)
        assert [choice for _, choice in terminal_votes(demo.proposal)] == ["abstain"]
    finally:
        close_session(session, failed_test=request.node.name if getattr(request.node, "e2e_failed", False) else None)


# Every control a finger must hit, smaller than 48 CSS pixels either way (Leaflet's credit link aside).
SMALL_TARGETS_JS = """() => [...document.querySelectorAll("button, a, input, select, textarea")]
  .filter((node) => node.type !== "hidden" && !node.closest(".leaflet-control-attribution, [hidden]"))
  .filter((node) => { const box = node.getBoundingClientRect(); return box.width < 48 || box.height < 48; })
  .map((node) => node.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("kiosk", ["de", "en"], indirect=True)
def test_every_page_of_the_terminal_passes_axe(kiosk: Page, demo, token, request):
    language = request.node.callspec.params["kiosk"]
    audit = PageAudit()
    set_up(kiosk, token)
    audit.check(kiosk, f"start [{language}]")
    screenshot(kiosk, f"terminal-start-1080x1920-{language}")
    assert kiosk.evaluate(SMALL_TARGETS_JS) == [], "targets under 48 px on the start screen"
    kiosk.locator("form[action$='/start/'] button").tap()
    expect(kiosk.locator("form[data-done] button")).to_be_visible()
    audit.check(kiosk, f"overview with the room's poll [{language}]")
    screenshot(kiosk, f"terminal-overview-1080x1920-{language}")
    assert kiosk.evaluate(SMALL_TARGETS_JS) == [], "targets under 48 px on the overview"
    for path in ("comment", "vote", "poll"):
        kiosk.goto(f"/terminal/eingang/{path}/")
        expect(kiosk.locator("form[data-done] button")).to_be_visible()
        if path == "comment":
            expect(kiosk.locator("#consultation-map .leaflet-control-zoom-in")).to_be_visible()
        audit.check(kiosk, f"{path} [{language}]")
        assert kiosk.evaluate(SMALL_TARGETS_JS) == [], f"targets under 48 px on {path}"
        screenshot(kiosk, f"terminal-{path}-1080x1920-{language}")
    # A refused send: the error is said, tied to its field.
    kiosk.goto("/terminal/eingang/comment/")
    kiosk.locator("form.comment-form .button--primary").tap()
    expect(kiosk.locator("#comment-text-errors")).to_be_visible()
    audit.check(kiosk, f"comment refused [{language}]")
    audit.assert_clean()
