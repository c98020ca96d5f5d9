"""A phone in the room (390x844, touch), in a real browser against a real server: it joins by the code on
the screen, answers, and follows the presenter live without reloading; where the venue's network blocks
sockets it polls instead; it never loses what someone is typing; and every state passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forum import services as forum_services
from participation import services
from participation.models import Channel, PollAnswer, Question, Vote
from tests.support.browser import (
    PageAudit,
    close_session,
    open_session,
    outside_event_loop,
    paste_text,
    screenshot,
    wait_for_phone,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
LIVE_POLL = "Was wünschen Sie sich am Wasser am meisten?"


@pytest.fixture
def phone(request, browser, live_server_process, demo):
    """A phone's browser, in the language the test asks for (English unless parametrized)."""
    language = getattr(request, "param", "en")
    session = open_session(browser, live_server_process.url, language=language, **PHONE)
    yield session.context.new_page()
    close_session(session, failed_test=request.node.name if getattr(request.node, "e2e_failed", False) else None)


def presenter_does(action, *args, **kwargs):
    """A presenter's action, from another thread as the console's request would be."""
    return outside_event_loop(action, *args, **kwargs)


def stays_the_same_document(page: Page) -> None:
    page.evaluate("() => { window.__sameDocument = true; }")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the phone reloaded instead of redrawing"


def show_the_proposal(phone: Page, demo) -> None:
    presenter_does(
        forum_services.show_in_room,
        presenter=demo.room.opened_by,
        room=demo.room,
        scene="proposal",
        proposal=demo.proposal,
    )
    expect(phone.get_by_role("heading", level=2)).to_have_text(demo.proposal.title)


def new_poll(demo, question: str, **fields):
    presenter = demo.room.opened_by
    poll = services.add_poll(presenter=presenter, consultation=demo.consultation, question=question, **fields)
    forum_services.show_in_room(presenter=presenter, room=demo.room, scene="poll", poll=poll, open_poll=True)
    return poll


def posts_to_the_api(page: Page) -> list[str]:
    """The addresses the page POSTs to from now on."""
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    return posted


def test_a_phone_joins_by_code_answers_and_follows_the_presenter(phone: Page, demo):
    posted = posts_to_the_api(phone)
    phone.goto("/live/")
    code = demo.room.code
    phone.get_by_label("Code shown on the screen").fill(f"{code[:3].lower()} {code[3:].lower()}")
    phone.get_by_role("button", name="Join").click()
    expect(phone).to_have_url(re.compile(rf"/live/{code}/$"))
    expect(phone.get_by_role("heading", level=2)).to_have_text(LIVE_POLL)
    wait_for_phone(phone)
    stays_the_same_document(phone)

    # The demo poll shows its results live: this phone's answer counts once it is committed.
    benches = phone.locator(".bars li", has_text="Sitzbänke am Ufer").locator(".bars__value")
    before = int(benches.inner_text().split()[0])
    phone.get_by_role("radio", name="Sitzbänke am Ufer").check()
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#room-notice")).to_have_text("Thank you, your answer has been counted.")
    expect(benches).to_have_text(re.compile(rf"^{before + 1} "))  # the frame after the commit
    answer = outside_event_loop(lambda: PollAnswer.objects.filter(channel=Channel.PHONE).latest("created_at"))
    assert answer.participant.kind == "device"

    # The presenter puts up a new poll with hidden results, then reveals them.
    poll = presenter_does(new_poll, demo, "Wie oft kommen Sie an den Platz?", options=["Täglich", "Selten"])
    expect(phone.get_by_role("heading", level=2)).to_have_text("Wie oft kommen Sie an den Platz?")
    expect(phone.locator(".room-results-hint")).to_contain_text("when the presenter reveals them")
    phone.get_by_role("radio", name="Täglich").check()
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#room-notice")).to_have_text("Thank you, your answer has been counted.")
    presenter_does(services.reveal_poll, presenter=demo.room.opened_by, poll=poll)
    expect(phone.locator(".bars li", has_text="Täglich")).to_contain_text("1 (100 %)")
    expect(phone.get_by_role("radio", name="Täglich")).to_be_checked()  # what this phone chose stays chosen

    # The presenter shows a proposal: the phone votes on it, counted with the online votes.
    show_the_proposal(phone, demo)
    phone.get_by_role("button", name="Support").click()
    expect(phone.locator("#room-notice")).to_have_text("Thank you, your vote has been counted.")
    expect(phone.get_by_role("button", name="Support")).to_have_attribute("aria-pressed", "true")
    # The demo's finished consultation has phone votes of its own: this proposal's is the one.
    vote = outside_event_loop(lambda: Vote.objects.filter(channel=Channel.PHONE, proposal=demo.proposal).get())
    assert vote.choice == "support" and vote.proposal_id == demo.proposal.pk
    assert_not_reloaded(phone)
    assert [url for url in posted if "/api/" in url] == []  # answers and the vote went over the live socket
    screenshot(phone, "phone-proposal-390x844")

    # The evening ends: the phone says so, and stops trying.
    presenter_does(forum_services.close_room, presenter=demo.room.opened_by, room=demo.room)
    expect(phone.get_by_role("alert")).to_contain_text("This room session has ended")


def test_where_sockets_are_blocked_the_phone_polls_and_still_follows(phone: Page, demo):
    # A venue proxy that accepts the socket and cuts it at once.
    phone.route_web_socket(re.compile(r"/ws/live/"), lambda socket: socket.close())
    phone.goto(f"/live/{demo.room.code}/")
    wait_for_phone(phone, "polling")
    stays_the_same_document(phone)
    presenter_does(new_poll, demo, "Ein Wort für den neuen Platz?", kind="words")
    expect(phone.get_by_role("heading", level=2)).to_have_text("Ein Wort für den neuen Platz?", timeout=10_000)
    phone.get_by_label("Your answer (a few words)").fill("Ruhe")
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#room-notice")).to_have_text("Thank you, your answer has been counted.")
    assert_not_reloaded(phone)


def test_a_text_over_the_limit_is_refused_with_a_message_not_cut(phone: Page, demo):
    phone.goto(f"/live/{demo.room.code}/")
    wait_for_phone(phone, "live")
    presenter_does(new_poll, demo, "Ein Wort für den neuen Platz?", kind="words")
    field = phone.get_by_label("Your answer (a few words)")
    expect(field).to_be_visible()
    assert field.get_attribute("maxlength") is None  # the browser would cut a paste without a word
    field.fill("Schatten")
    expect(phone.locator(".char-count").first).to_have_text("32 characters left")
    paste_text(phone, "input[name=text]", " und noch viel mehr Bäume an der Promenade")
    expect(phone.locator(".char-count--refused")).to_be_visible()
    expect(field).to_have_value("Schatten")

    presenter_does(new_poll, demo, "Ihre Fragen an das Planungsteam", kind="questions")
    question = phone.get_by_label("Your question")
    expect(question).to_be_visible()
    paste_text(phone, "textarea[name=text]", "x" * 301)
    expect(phone.locator(".char-count--refused")).to_contain_text("at most 300 characters")
    expect(question).to_have_value("")


def test_a_vote_the_socket_leaves_unanswered_goes_over_http_and_counts_once(phone: Page, demo):
    # A proxy that passes frames to the phone but swallows what the phone sends (pings pass).
    def swallow_votes(route):
        server = route.connect_to_server()
        route.on_message(lambda message: None if str(message).startswith("{") else server.send(message))

    phone.route_web_socket(re.compile(r"/ws/live/"), swallow_votes)
    posted = posts_to_the_api(phone)
    phone.goto(f"/live/{demo.room.code}/")
    wait_for_phone(phone)
    show_the_proposal(phone, demo)
    phone.get_by_role("button", name="Oppose").click()
    expect(phone.locator("#room-notice")).to_have_text("Thank you, your vote has been counted.", timeout=15_000)
    assert [url for url in posted if url.endswith("/vote/")] == [
        f"{phone.url.split('/live/')[0]}/api/v1/rooms/{demo.room.code}/vote/"
    ]
    # The demo's finished consultation has phone votes of its own: this proposal's is the one.
    vote = outside_event_loop(lambda: Vote.objects.filter(channel=Channel.PHONE, proposal=demo.proposal).get())
    assert vote.choice == "oppose"


def test_what_someone_types_survives_live_updates(phone: Page, demo):
    round_ = presenter_does(new_poll, demo, "Ihre Fragen an das Planungsteam", kind="questions")
    phone.goto(f"/live/{demo.room.code}/")
    wait_for_phone(phone)
    field = phone.get_by_label("Your question")
    field.fill("Wann beginnt der Umbau")
    field.focus()

    def someone_elses_question_is_approved():
        device = services.device_participant(key=services.new_participant_key())
        question = services.ask_question(participant=device, poll=round_, text="Wer bezahlt das?", channel="phone")
        services.moderate_question(moderator=demo.room.opened_by, question=question, state="approved")

    presenter_does(someone_elses_question_is_approved)
    expect(phone.get_by_text("Wer bezahlt das?")).to_be_visible()
    expect(field).to_have_value("Wann beginnt der Umbau")
    expect(field).to_be_focused()

    field.press("End")
    field.type("?")
    phone.get_by_role("button", name="Send question").click()
    expect(phone.locator("#room-notice")).to_contain_text("once the moderation has approved it")
    expect(field).to_have_value("")
    asked = outside_event_loop(lambda: list(Question.objects.values_list("text", "moderation_state")))
    assert ("Wann beginnt der Umbau?", "pending") in asked

    phone.get_by_role("button", name=re.compile("^Back the question: Wer bezahlt das")).click()
    expect(phone.get_by_role("button", name=re.compile("^Back the question: Wer bezahlt das"))).to_have_attribute(
        "aria-pressed", "true"
    )


@pytest.mark.parametrize("phone", ["de", "en"], indirect=True)
def test_every_state_of_the_phone_page_passes_axe(phone: Page, demo, request):
    language = request.node.callspec.params["phone"]
    audit = PageAudit()
    phone.goto("/live/")
    audit.check(phone, f"join [{language}]")
    phone.goto(f"/live/{demo.room.code}/")
    wait_for_phone(phone)
    audit.check(phone, f"live poll with results [{language}]")
    screenshot(phone, f"phone-poll-390x844-{language}")

    presenter = demo.room.opened_by
    steps = [
        ("question round", lambda: new_poll(demo, "Ihre Fragen?", kind="questions")),
        ("scale", lambda: new_poll(demo, "Wie gefällt Ihnen der Entwurf?", kind="scale")),
        (
            "proposal",
            lambda: forum_services.show_in_room(
                presenter=presenter, room=demo.room, scene="proposal", proposal=demo.proposal
            ),
        ),
        ("please wait", lambda: forum_services.show_in_room(presenter=presenter, room=demo.room, scene="wall")),
    ]
    for name, step in steps:
        before = phone.locator("#room-now h2").inner_text()
        presenter_does(step)
        expect(phone.locator("#room-now h2")).not_to_have_text(before)  # the frame has been drawn
        audit.check(phone, f"{name} [{language}]")
    presenter_does(forum_services.close_room, presenter=presenter, room=demo.room)
    # The phone reloads itself when the session ends; a goto here would race that reload.
    ended = "Diese Raumsitzung ist beendet" if language == "de" else "This room session has ended"
    expect(phone.get_by_text(re.compile(ended))).to_be_visible()
    audit.check(phone, f"ended [{language}]")
    audit.assert_clean()
