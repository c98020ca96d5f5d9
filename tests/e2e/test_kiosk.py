"""The kiosk screen in a real browser against a real server: every scene drawn at 1920x1080 (and in
portrait at 1080x1920), each passing axe-core; the presenter's actions change the scene live; a rotating
screen steps through its rotation; a dropped link says "reconnecting" and heals from the snapshot; a
retired screen says so and stops retrying. The 3D twin needs WebGL: this module's chromium has it on
SwiftShader, as in test_3d_view."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from forum import services as forum_services
from forum.models import ScreenMode, ScreenScene
from participation import services
from participation.models import Channel
from tests.support.browser import (
    WEBGL_READY,
    PageAudit,
    close_session,
    open_session,
    outside_event_loop,
    screenshot,
    wait_for_kiosk,
)

WEBGL = True  # this module's chromium draws with WebGL (tests/e2e/conftest.py)
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


def open_screen(request, browser, live_server_process, viewport):
    session = open_session(browser, live_server_process.url, viewport=viewport)
    page = session.context.new_page()

    def finish():
        failed = getattr(request.node, "e2e_failed", False)
        close_session(session, failed_test=request.node.name if failed else None)

    request.addfinalizer(finish)
    return page


@pytest.fixture
def screen(request, browser, live_server_process, demo) -> Page:
    return open_screen(request, browser, live_server_process, LANDSCAPE)


def presenter_does(action, *args, **kwargs):
    """A presenter's action, from another thread as the console's request would be."""
    return outside_event_loop(action, *args, **kwargs)


def show(demo, scene: str, **target) -> None:
    presenter_does(forum_services.show_in_room, presenter=demo.room.opened_by, room=demo.room, scene=scene, **target)


def new_poll(demo, question: str, **fields):
    presenter = demo.room.opened_by
    poll = services.add_poll(presenter=presenter, consultation=demo.consultation, question=question, **fields)
    forum_services.show_in_room(presenter=presenter, room=demo.room, scene="poll", poll=poll, open_poll=True)
    return poll


def phones_answer(poll, *answers: dict) -> None:
    for answer in answers:
        device = services.device_participant(key=services.new_participant_key())
        services.answer_poll(participant=device, poll=poll, channel=Channel.PHONE, **answer)


def shown(page: Page, scene: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-scene", scene)
    expect(page.locator(f'.scene[data-scene="{scene}"]')).to_be_visible()


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the screen reloaded instead of redrawing"


def test_every_scene_follows_the_presenter_live_and_passes_axe(screen: Page, demo):
    audit = PageAudit()
    screen.goto(demo.kiosk_url)
    wait_for_kiosk(screen)
    screen.evaluate("() => { window.__sameDocument = true; }")
    badge = screen.locator(".kiosk__badge")
    expect(badge).to_contain_text(demo.room.code)

    # The demo's live poll, results shown as they come.
    shown(screen, "poll")
    expect(screen.locator(".scene--poll .bars li")).not_to_have_count(0)
    audit.check(screen, "poll with results")
    screenshot(screen, "kiosk-poll-1920x1080")

    # A poll with hidden results: only how many answered, until the presenter reveals them.
    poll = presenter_does(new_poll, demo, "Wie oft kommen Sie an den Platz?", options=["Täglich", "Selten"])
    expect(screen.locator("#scene-poll-heading")).to_have_text("Wie oft kommen Sie an den Platz?")
    expect(screen.locator(".poll__follow")).to_contain_text("Results follow")
    expect(screen.locator(".poll__answers")).to_have_text("0 answers so far")
    options = {option.label: option.pk for option in poll.options.all()}
    presenter_does(phones_answer, poll, {"options": [options["Täglich"]]}, {"options": [options["Täglich"]]})
    expect(screen.locator(".poll__answers")).to_have_text("2 answers so far")
    expect(screen.locator(".scene--poll .bars")).to_have_count(0)
    audit.check(screen, "poll, results follow")
    screenshot(screen, "kiosk-poll-hidden-1920x1080")
    presenter_does(services.reveal_poll, presenter=demo.room.opened_by, poll=poll)
    expect(screen.locator(".scene--poll .bars li", has_text="Täglich")).to_contain_text("2 (100 %)")
    expect(screen.locator(".scene--poll .bars li", has_text="Selten")).to_contain_text("0 (0 %)")

    # A word cloud.
    words = presenter_does(new_poll, demo, "Ein Wort für den Platz?", kind="words", results_hidden=False)
    presenter_does(phones_answer, words, {"text": "Ruhe"}, {"text": "Ruhe"}, {"text": "Bäume"})
    expect(screen.locator(".cloud li", has_text="Ruhe")).to_contain_text("(2)")
    expect(screen.locator(".cloud li", has_text="Bäume")).to_contain_text("(1)")
    audit.check(screen, "word cloud")
    screenshot(screen, "kiosk-words-1920x1080")

    # A scale from 1 to 5: the distribution and the average.
    scale = presenter_does(new_poll, demo, "Wie gefällt Ihnen der Entwurf?", kind="scale", results_hidden=False)
    presenter_does(phones_answer, scale, {"value": 4}, {"value": 5}, {"value": 3}, {"value": 4})
    expect(screen.locator(".poll__average")).to_have_text("Average: 4")
    expect(screen.locator(".scene--poll .bars li").nth(3)).to_contain_text("2 (50 %)")
    audit.check(screen, "scale")
    screenshot(screen, "kiosk-scale-1920x1080")

    # Audience questions: only approved ones, most backed first, the one being answered highlighted.
    round_ = presenter_does(new_poll, demo, "Ihre Fragen an das Planungsteam", kind="questions")

    def questions_come_in():
        moderator = demo.room.opened_by
        asked = []
        for text in ("Wann beginnt der Umbau?", "Wer bezahlt das?", "Bitte nicht zeigen"):
            device = services.device_participant(key=services.new_participant_key())
            asked.append(services.ask_question(participant=device, poll=round_, text=text, channel=Channel.PHONE))
        for question in asked[:2]:
            services.moderate_question(moderator=moderator, question=question, state="approved")
        backer = services.device_participant(key=services.new_participant_key())
        services.upvote_question(participant=backer, question=asked[1])
        services.answer_question_now(presenter=moderator, question=asked[0], poll=round_)

    presenter_does(questions_come_in)
    questions = screen.locator(".questions li")
    expect(questions).to_have_count(2)
    expect(screen.locator(".questions li.is-answered")).to_contain_text("Being answered now")
    expect(screen.locator(".questions li.is-answered")).to_contain_text("Wann beginnt der Umbau?")
    expect(questions.filter(has_text="Wer bezahlt das?")).to_contain_text("1 upvote")
    expect(screen.get_by_text("Bitte nicht zeigen")).to_have_count(0)
    audit.check(screen, "questions")
    screenshot(screen, "kiosk-questions-1920x1080")

    # A proposal up for a vote, and then every proposal's results by channel.
    show(demo, "proposal", proposal=demo.proposal)
    shown(screen, "proposal")
    expect(screen.locator("#scene-proposal-heading")).to_have_text(demo.proposal.title)
    expect(screen.locator(".scene--proposal tr[data-channel=phone] th")).to_have_text(
        "Phones in the room (opinion snapshot)"
    )
    audit.check(screen, "proposal")
    screenshot(screen, "kiosk-proposal-1920x1080")

    show(demo, "results")
    shown(screen, "results")
    for channel in ("Online", "Phones in the room (opinion snapshot)", "Terminals in the room", "On paper", "Total"):
        expect(
            screen.locator(f'.proposal[data-proposal="{demo.proposal.pk}"] tbody th').filter(has_text=channel)
        ).to_have_count(1)
    expect(screen.locator(".scene--results .scene__note")).to_contain_text("opinion snapshot")
    audit.check(screen, "results by channel")
    screenshot(screen, "kiosk-results-1920x1080")

    # The comment wall: approved comments only, newest first, no names.
    show(demo, "wall")
    shown(screen, "wall")
    first = screen.locator(".wall__item").first
    expect(first).to_be_visible()

    def comment_from_a_citizen(text):
        from tests.support.factories import CitizenFactory

        author = CitizenFactory(username="wandschreiberin")
        services.post_contribution(author=author, consultation=demo.consultation, text=text)

    presenter_does(comment_from_a_citizen, "Mehr Schatten am Ufer, bitte!")
    expect(screen.locator(".wall__item").first.locator(".wall__text")).to_have_text("Mehr Schatten am Ufer, bitte!")
    expect(screen.locator(".scene--wall")).not_to_contain_text("wandschreiberin")
    audit.check(screen, "comment wall")
    screenshot(screen, "kiosk-wall-1920x1080")

    # The map of the comments, drawn by the site's map script with tiles from nowhere else.
    show(demo, "map")
    shown(screen, "map")
    expect(screen.locator("#kiosk-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
    audit.check(screen, "map")
    screenshot(screen, "kiosk-map-1920x1080")

    # The 3D twin, coloured by support.
    show(demo, "twin")
    shown(screen, "twin")
    expect(screen.locator("#scene-map")).to_have_attribute("data-state", "ready", timeout=WEBGL_READY)
    audit.check(screen, "3D twin")
    screenshot(screen, "kiosk-twin-1920x1080")

    # How to join: the big QR code and the code.
    show(demo, "join")
    shown(screen, "join")
    expect(screen.locator(".join__code")).to_contain_text(demo.room.code)
    expect(screen.locator(".join__qr svg[role=img]")).to_be_visible()
    audit.check(screen, "join")
    screenshot(screen, "kiosk-join-1920x1080")

    assert_not_reloaded(screen)
    expect(badge).to_be_visible()
    audit.assert_clean()


def test_portrait_screen_shows_the_results_and_the_join_slide(request, browser, live_server_process, demo):
    page = open_screen(request, browser, live_server_process, PORTRAIT)
    audit = PageAudit()
    show(demo, "results")
    page.goto(demo.kiosk_url)
    wait_for_kiosk(page)
    shown(page, "results")
    expect(page.locator(".scene--results .proposal")).not_to_have_count(0)
    audit.check(page, "results, portrait")
    screenshot(page, "kiosk-results-1080x1920")
    show(demo, "join")
    shown(page, "join")
    audit.check(page, "join, portrait")
    screenshot(page, "kiosk-join-1080x1920")
    audit.assert_clean()


def test_a_rotating_screen_steps_through_its_rotation(screen: Page, demo):
    def rotate():
        ScreenScene.objects.create(screen=demo.screen, scene="wall", seconds=5, sort_order=0)
        ScreenScene.objects.create(screen=demo.screen, scene="results", seconds=5, sort_order=1)
        demo.screen.mode = ScreenMode.ROTATE
        demo.screen.save(update_fields=["mode"])

    outside_event_loop(rotate)
    screen.goto(demo.kiosk_url)
    wait_for_kiosk(screen)
    shown(screen, "wall")
    started = time.monotonic()
    expect(screen.locator("body")).to_have_attribute("data-scene", "results", timeout=8_000)
    assert time.monotonic() - started > 3, "the wall stayed its five seconds"
    expect(screen.locator("body")).to_have_attribute("data-scene", "wall", timeout=8_000)
    # The presenter's scene does not move a rotating screen.
    show(demo, "join")
    expect(screen.locator("body")).to_have_attribute("data-scene", re.compile("^(wall|results)$"))


def test_a_dropped_link_says_reconnecting_and_heals_from_the_snapshot(screen: Page, demo):
    links = {"blocked": False, "open": []}

    def route(socket):
        if links["blocked"]:
            socket.close()  # the venue's network is down: no socket gets through
            return
        links["open"].append(socket)
        socket.connect_to_server()

    screen.route_web_socket(re.compile(r"/ws/kiosk/"), route)
    show(demo, "results")
    screen.goto(demo.kiosk_url)
    wait_for_kiosk(screen)
    screen.evaluate("() => { window.__sameDocument = true; }")
    support = screen.locator(f'.scene--results [data-proposal="{demo.proposal.pk}"] dd[data-choice="support"]')
    before = int(support.text_content())

    links["blocked"] = True
    for socket in links["open"]:
        socket.close()
    status = screen.locator("#kiosk-status")
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_contain_text("reconnecting")
    expect(status).to_contain_text("may not be current")

    def vote_while_offline():
        device = services.device_participant(key=services.new_participant_key())
        services.cast_vote(voter=device, proposal=demo.proposal, choice="support", channel=Channel.PHONE)

    presenter_does(vote_while_offline)
    time.sleep(1)
    expect(status).to_have_attribute("data-state", "offline")  # still saying so, not pretending to be live

    links["blocked"] = False
    expect(status).to_have_attribute("data-state", "live", timeout=10_000)
    expect(support).to_have_text(str(before + 1))
    assert_not_reloaded(screen)


def test_a_screen_retired_in_the_admin_says_so_and_stops_retrying(
    request, screen: Page, browser, live_server_process, demo
):
    sockets = []
    screen.on("websocket", lambda socket: sockets.append(socket.url))
    screen.goto(demo.kiosk_url)
    wait_for_kiosk(screen)

    # Staff retire the screen in the admin: the server tells its socket, which closes with 4410.
    staff = open_screen(request, browser, live_server_process, {"width": 1280, "height": 900})
    admin = outside_event_loop(lambda: get_user_model().objects.get(username="admin"))
    client = Client()
    client.force_login(admin)
    staff.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_process.url}]
    )
    staff.goto(f"/admin/snippets/forum/screen/edit/{demo.screen.pk}/")
    staff.get_by_role("checkbox", name="Active").uncheck()
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messages")).to_contain_text("updated")

    expect(screen.get_by_role("heading", name="This device has been retired")).to_be_visible()
    expect(screen.locator("#kiosk-stage")).to_be_hidden()
    expect(screen.locator(".kiosk__badge")).to_be_hidden()
    attempts = len(sockets)
    time.sleep(4)
    assert len(sockets) == attempts, "a refused screen must not retry"

    # Opened again, the page itself says so (410).
    response = screen.goto(f"/kiosk/{demo.screen.slug}/")
    assert response.status == 410
    expect(screen.get_by_role("heading", level=1)).to_have_text("This device has been retired")
