"""Touch terminals (/terminal/<slug>/): walk-in visitors comment, vote on proposals and answer the room's poll.

Opened once by the terminal's token (``views.devices.device_access``). Each
visitor gets a terminal session of their own (``forum.terminal_sessions``);
"Fertig" or ``TERMINAL_IDLE_SECONDS`` without input ends it, and the next
person starts afresh. Every page works without JavaScript (plain forms, POST
then redirect); the script adds the idle reset, keeps the session alive while
someone types, and follows the room's poll over the terminal's socket.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum import terminal_sessions
from forum.models import Scene, Terminal
from forum.selectors import open_room, room_group, terminal_access
from forum.submissions import RoomOutcome, submit_room_vote, terminal_identity, terminal_limit
from forum.terminal_sessions import TerminalSession
from forum.views.devices import device_access
from participation import selectors as participation_selectors
from participation.forms import CommentForm
from participation.live import publisher
from participation.models import Channel, ModerationState, ParticipantKind, PollKind, VotingMethod
from participation.numerals import ascii_number
from participation.rules import allows, refusal
from participation.submissions import submit_comment, submit_vote
from participation.views.maps import map_context
from participation.views.pages import twin_picker


def socket_path(slug: str) -> str:
    return f"/ws/terminal/{slug}/"


def _terminal(request, slug: str) -> Terminal | HttpResponse:
    """The terminal this request comes from (by its token), or the page that refuses it (403/404/410)."""
    access = device_access(
        request, slug=slug, access=terminal_access, url_name="terminal", socket_path=socket_path(slug)
    )
    return access if isinstance(access, HttpResponse) else access.device


def _room_frame(terminal: Terminal) -> dict:
    """The room's newest frame, as the terminal's socket sends it (from the cache when current)."""
    cid = terminal.consultation_id
    return json.loads(publisher.current_frame_text(room_group(cid), cid))


def shown_poll(frame: dict) -> dict | None:
    """The poll the room shows now, if a terminal can answer it (question rounds go by phone)."""
    room = frame.get("room") or {}
    poll = room.get("poll")
    if room.get("scene") != Scene.POLL or not poll or poll["kind"] == PollKind.QUESTIONS:
        return None
    return poll


def poll_key(poll: dict | None) -> str:
    """What the page was drawn for; the script redraws when the room's frame says otherwise (same in terminal.js)."""
    return f"{poll['id']}:{poll['round']}:{poll['state']}" if poll else ""


def _participant(session: TerminalSession):
    """The session's participant if it has taken part yet (read, never made)."""
    return participation_selectors.known_participant(key=session.key, kind=ParticipantKind.TERMINAL_SESSION)


def _config(request, terminal: Terminal, *, session: TerminalSession | None, frame: dict, poll: dict | None) -> dict:
    """What the page's script needs: addresses, the CSRF token, the idle time and its words."""
    slug = terminal.slug
    return {
        "session": session is not None,
        "idleSeconds": settings.TERMINAL_IDLE_SECONDS,
        "csrfToken": get_token(request),
        "revision": frame["revision"],
        "pollKey": poll_key(poll),
        "urls": {
            "start": reverse("terminal", args=[slug]),
            "done": reverse("terminal-done", args=[slug]),
            "alive": reverse("terminal-alive", args=[slug]),
            "state": reverse("terminal-state", args=[slug]),
            "socket": socket_path(slug),
        },
        "labels": {
            "clearsIn": _("This terminal starts over for the next person in %(seconds)s seconds.")
            % {"seconds": "{seconds}"},
            "pollChanged": _("The room shows a new poll."),
        },
    }


def _render(request, terminal: Terminal, template: str, context: dict, *, session=None, status: int = 200):
    frame = context.pop("frame", None) or _room_frame(terminal)
    poll = shown_poll(frame)
    notice = terminal_sessions.take_notice(request, terminal) if session else None
    page = {
        "terminal": terminal,
        "consultation": terminal.consultation,
        "content_lang": terminal.consultation.locale.language_code,
        "session": session,
        "room_poll": poll,
        "notice": notice,
        "config": _config(request, terminal, session=session, frame=frame, poll=poll),
        **context,
    }
    return render(request, f"forum/terminal/{template}", page, status=status)


def _start_screen(request, terminal: Terminal, *, error: str = "", status: int = 200) -> HttpResponse:
    return _render(request, terminal, "start.html", {"error": error}, status=status)


def terminal_view(view):
    """A page of the terminal at ``<slug>``, opened by its token; the refusal page for any other device."""

    @wraps(view)
    @never_cache
    def wrapper(request, slug: str, **kwargs):
        terminal = _terminal(request, slug)
        if isinstance(terminal, HttpResponse):
            return terminal
        return view(request, terminal, **kwargs)

    return wrapper


def visitor_view(view):
    """A page or a write of the visitor at a terminal: the terminal by its token, the visitor's live session.

    Without one (never started, ended by "Fertig", lapsed), pages lead to the start screen and writes
    are refused with 409: the next person can neither see nor change what the last one did.
    """

    @wraps(view)
    @terminal_view
    def wrapper(request, terminal: Terminal, **kwargs):
        found = terminal_sessions.current(request, terminal)
        if found.session is None:
            if request.method != "POST":
                return redirect("terminal", slug=terminal.slug)
            message = (
                _("Nothing was saved: this terminal started over after a while without input. Please start again.")
                if found.expired
                else _("Nothing was saved. Please press “Start” first.")
            )
            return _start_screen(request, terminal, error=message, status=409)
        terminal_sessions.touch(request, terminal, found.session)
        return view(request, terminal, found.session, **kwargs)

    return wrapper


# --- start, overview, end -------------------------------------------------------------------


@require_GET
@terminal_view
def terminal(request, found: Terminal):
    """The start screen, inviting the next person in; or, while someone is at it, their overview."""
    session = terminal_sessions.current(request, found).session
    if session is None:
        return _start_screen(request, found)
    terminal_sessions.touch(request, found, session)
    stand_in = session.participant_stand_in()
    consultation = found.consultation
    context = {
        "can_comment": allows("participation.comment", stand_in, consultation),
        "can_vote": allows("participation.vote", stand_in, consultation),
        "voting_offered": consultation.voting_method != VotingMethod.NONE,
    }
    return _render(request, found, "menu.html", context, session=session)


@require_POST
@terminal_view
def terminal_start(request, found: Terminal):
    terminal_sessions.start(request, found)
    return redirect("terminal", slug=found.slug)


@require_POST
@terminal_view
def terminal_done(request, found: Terminal):
    """ "Fertig": the visitor's terminal session ends (also a lapsed one), and the language goes back to the default."""
    terminal_sessions.end(request)
    response = redirect("terminal", slug=found.slug)
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@require_POST
@visitor_view
def terminal_alive(request, terminal: Terminal, session: TerminalSession):
    """The script says someone is typing or reading: the idle time starts again (``visitor_view`` touched it)."""
    return HttpResponse(status=204)


@require_GET
@never_cache
def terminal_state(request, slug: str):
    """The room's newest frame, when the script missed one (its heartbeat says so)."""
    found = _terminal(request, slug)
    if isinstance(found, HttpResponse):
        return JsonResponse({"type": "refused", "status": found.status_code}, status=found.status_code)
    cid = found.consultation_id
    return HttpResponse(publisher.current_frame_text(room_group(cid), cid), content_type="application/json")


# --- comment --------------------------------------------------------------------------------


def _comment_page(request, terminal: Terminal, session: TerminalSession, form: CommentForm, *, status: int = 200):
    consultation = terminal.consultation
    stand_in = session.participant_stand_in()
    linked = participation_selectors.linked_twin_features(consultation)
    can_pin = allows("participation.pin_to_map", stand_in, consultation)
    context = {
        "comment_form": form,
        "can_comment": allows("participation.comment", stand_in, consultation),
        "comment_refusal": refusal("participation.comment", stand_in, consultation),
        "can_pin": can_pin,
        "twin_links": linked,
        **map_context(consultation, linked, participation_selectors.site_profile_for_request(request)),
    }
    if can_pin:
        context.update(twin_picker(form, consultation, linked))
    return _render(request, terminal, "comment.html", context, session=session, status=status)


def _proposals(terminal: Terminal) -> list:
    return list(participation_selectors.published_proposals(consultation_id=terminal.consultation_id))


@require_http_methods(["GET", "POST"])
@visitor_view
def terminal_comment(request, terminal: Terminal, session: TerminalSession):
    proposals = _proposals(terminal)
    if request.method == "GET":
        return _comment_page(request, terminal, session, CommentForm(proposals=proposals))
    if request.POST.get("twin_search"):
        # "Search" without the script: the page again with what was found and what was written; nothing sent.
        form = CommentForm(initial=request.POST.dict(), proposals=proposals)
        return _comment_page(request, terminal, session, form)
    identity = terminal_identity(terminal=terminal, key=session.key)
    outcome = submit_comment(
        request,
        consultation=terminal.consultation,
        proposals=proposals,
        channel=Channel.TERMINAL,
        author=identity["voter"],
        limit=terminal_limit(identity),
    )
    if not outcome.ok:
        return _comment_page(request, terminal, session, outcome.form, status=outcome.status)
    if outcome.saved.moderation_state == ModerationState.APPROVED:
        terminal_sessions.flash(request, terminal, _("Thank you! Your comment is published."))
    else:
        terminal_sessions.flash(
            request, terminal, _("Thank you! Your comment will be published once a moderator has reviewed it.")
        )
    return redirect("terminal", slug=terminal.slug)


# --- vote on the proposals ------------------------------------------------------------------


def _vote_page(request, terminal: Terminal, session: TerminalSession, *, error: str = "", error_for=None, status=200):
    consultation = terminal.consultation
    stand_in = session.participant_stand_in()
    proposals = participation_selectors.proposals_with_results(consultation=consultation)
    mine = participation_selectors.own_votes(participant=_participant(session), proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.mine = mine.get(proposal.pk)
    context = {
        "proposals": proposals,
        "can_vote": allows("participation.vote", stand_in, consultation),
        "vote_refusal": refusal("participation.vote", stand_in, consultation),
        "error": error,
        "error_for": error_for,
    }
    return _render(request, terminal, "vote.html", context, session=session, status=status)


def _proposal_id(value) -> int | None:
    return ascii_number(value) or None


@require_http_methods(["GET", "POST"])
@visitor_view
def terminal_vote(request, terminal: Terminal, session: TerminalSession):
    if request.method == "GET":
        return _vote_page(request, terminal, session)
    proposal_id = _proposal_id(request.POST.get("proposal"))
    published = participation_selectors.published_proposals(consultation_id=terminal.consultation_id)
    proposal = published.filter(pk=proposal_id).first() if proposal_id else None
    if proposal is None:
        return _vote_page(request, terminal, session, error=_("There is no such proposal."), status=400)
    identity = terminal_identity(terminal=terminal, key=session.key)
    outcome = submit_vote(
        request, proposal=proposal, channel=Channel.TERMINAL, voter=identity["voter"], limit=terminal_limit(identity)
    )
    if not outcome.ok:
        error = " ".join(str(message) for messages in outcome.form.errors.values() for message in messages)
        return _vote_page(request, terminal, session, error=error, error_for=proposal.pk, status=outcome.status)
    terminal_sessions.flash(request, terminal, _("Thank you, your vote has been counted."))
    return redirect(reverse("terminal-vote", args=[terminal.slug]) + f"#proposal-{proposal.pk}")


# --- the room's poll ------------------------------------------------------------------------


def _poll_page(request, terminal: Terminal, session: TerminalSession, *, outcome=None, status: int = 200):
    frame = _room_frame(terminal)
    poll = shown_poll(frame)
    answer = None
    if poll is not None:
        polled = participation_selectors.poll_by_id(pk=poll["id"])
        answer = participation_selectors.answered(poll=polled, participant=_participant(session)) if polled else None
    context = {
        "frame": frame,
        "poll": poll,
        "mine": {"answer": answer},
        "outcome": outcome,
        "typed": request.POST.get("text", "") if outcome is not None else "",
        "answer_url": reverse("terminal-poll", args=[terminal.slug]),
    }
    return _render(request, terminal, "poll.html", context, session=session, status=status)


@require_http_methods(["GET", "POST"])
@visitor_view
def terminal_poll(request, terminal: Terminal, session: TerminalSession):
    if request.method == "GET":
        return _poll_page(request, terminal, session)
    room = open_room(consultation_id=terminal.consultation_id)
    if room is None or not room.consultation.live:
        return _poll_page(request, terminal, session, outcome=_nothing_open(), status=409)
    fields = ("poll", "value", "text")
    data = {name: request.POST.get(name) for name in fields} | {"option": request.POST.getlist("option")}
    outcome = submit_room_vote(request, room=room, data=data, **terminal_identity(terminal=terminal, key=session.key))
    if not outcome.ok:
        response = _poll_page(request, terminal, session, outcome=outcome, status=outcome.status)
        if outcome.retry_after:
            response["Retry-After"] = str(outcome.retry_after)
        return response
    terminal_sessions.flash(request, terminal, outcome.message)
    return redirect("terminal-poll", slug=terminal.slug)


def _nothing_open() -> RoomOutcome:
    return RoomOutcome(status=409, message=_("No poll is open right now. Please wait for the next question."))
