"""The phone page of a room session (the target of its QR code): what the presenter shows now, as forms.

Server-rendered and complete without JavaScript: every answer is a plain
form POST (CSRF, then back to the page with what happened). The page's
script makes it live (a read-only socket, or polling ``state`` where
sockets are blocked) and sends answers through the rooms API instead.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from forum.cookies import device_key, device_key_or_new, remember_device
from forum.models import RoomSession, Scene
from forum.selectors import room_by_code, room_group
from forum.submissions import (
    RoomOutcome,
    phone_identity,
    submit_room_question,
    submit_room_upvote,
    submit_room_vote,
)
from forum.views.script_labels import plural_forms
from participation import selectors as participation_selectors
from participation.live import publisher
from participation.models import PollKind, RatingValue
from participation.rules import has_confirmed_email


def room_frame(room: RoomSession) -> dict:
    """The room's newest frame, as its socket sends it (from the cache when current)."""
    return json.loads(publisher.current_frame_text(room_group(room.consultation_id), room.consultation_id))


def _mine(request, room: RoomSession, key: str | None) -> dict:
    """What this phone (or account) answered to what is shown: to show it as chosen."""
    user = request.user if has_confirmed_email(request.user) else None
    participant = participation_selectors.known_participant(user=user, key=key)
    if participant is None:
        return {}
    if room.scene == Scene.POLL and room.poll is not None and room.poll.kind == PollKind.QUESTIONS:
        return {"upvoted": participation_selectors.upvoted_questions(poll=room.poll, participant=participant)}
    if room.scene == Scene.POLL and room.poll is not None:
        return {"answer": participation_selectors.answered(poll=room.poll, participant=participant)}
    if room.scene == Scene.PROPOSAL and room.proposal is not None:
        return {"choice": participation_selectors.own_vote(voter=participant, proposal=room.proposal)}
    return {}


def _no_room(request, code: str, *, ended: bool = False) -> HttpResponse:
    message = (
        _("This room session has ended. Thank you for taking part!")
        if ended
        else _("There is no open room with this code. Please check it and try again.")
    )
    return render(
        request, "forum/live/join.html", {"error": message, "code": code, "ended": ended}, status=410 if ended else 404
    )


@require_GET
@never_cache
def live_join(request):
    """Where people type the code shown on the screens, if they cannot scan the QR code."""
    code = request.GET.get("code")
    if code is None:
        return render(request, "forum/live/join.html", {"code": ""})
    room = room_by_code(code=code, site=participation_selectors.site_scope_for_request(request))
    if room is None or not room.consultation.live:
        return _no_room(request, code)
    if not room.is_open:
        return _no_room(request, code, ended=True)
    return redirect("live-room", code=room.code)


def _labels() -> dict:
    """Every word the page's script shows, in the page's language (the script has none of its own)."""
    return {
        "status": {
            "connecting": _("Connecting…"),
            "live": pgettext("connection", "Live"),
            "offline": _("Connection lost, reconnecting…"),
            "polling": _("Live (updated every few seconds)"),
            "static": _("Reload to see what is shown now"),
        },
        "wait": _("Please wait"),
        "waitPause": _("The next question comes in a moment. This page updates by itself."),
        "waitScreen": _("Please look at the screen in the room. The next question appears here by itself."),
        "pollClosed": _("This poll is closed."),
        "answered": _("Your answer has been counted. You can change it while the poll is open."),
        "chooseOne": _("Choose one answer."),
        "chooseUpTo": plural_forms("Choose up to %(counter)s answer.", "Choose up to %(counter)s answers."),
        "scaleHint": _("From 1 (not at all) to 5 (very much)."),
        "wordsLabel": _("Your answer (a few words)"),
        "changeAnswer": _("Change answer"),
        "sendAnswer": _("Send answer"),
        "resultsLater": _("The results are shown on the screen when the presenter reveals them."),
        "results": _("Results"),
        "average": _("Average: %(average)s") % {"average": "{average}"},
        "noAnswers": _("No answers yet."),
        "answers": plural_forms(
            "%(counter)s answer from the room and online", "%(counter)s answers from the room and online"
        ),
        "questionLabel": _("Your question"),
        "questionHint": _("It is shown once the moderation has approved it. Please do not write your name."),
        "sendQuestion": _("Send question"),
        "roundClosed": _("This question round is closed."),
        "questionsHeading": _("Questions from the room"),
        "noQuestions": _("No questions are shown yet."),
        "backQuestion": _("Back the question: %(text)s") % {"text": "{text}"},
        "backed": _("Backed"),
        "meToo": _("Me too"),
        "backers": plural_forms("%(counter)s backs it", "%(counter)s back it"),
        "beingAnswered": _("Being answered now"),
        "yourVote": _("Your vote"),
        "choices": {"support": _("Support"), "oppose": _("Oppose"), "abstain": _("Abstain")},
        "yourRating": _("Your rating"),
        "ratingHint": _("From 1 (very poor) to 5 (very good)."),
        "ratings": {str(value): str(label) for value, label in RatingValue.choices},
        "ratingAverage": _("Average rating: %(average)s of 5") % {"average": "{average}"},
        "ratingCount": plural_forms("%(counter)s rating", "%(counter)s ratings"),
        "noRatings": _("No ratings yet."),
        "voted": _("Your vote has been counted. You can change it while voting is open."),
        "votingClosed": _("Voting on this proposal is not open."),
        "allChannels": _("Online, in the room and on paper together."),
        "sending": _("Sending…"),
        "retrying": _("The connection is slow. Sending again…"),
        "notCounted": _("Your answer could not be sent and has not been counted. Please try again."),
        "counted": _("Thank you, your answer has been counted."),
    }


def _script_config(request, room: RoomSession, mine: dict) -> dict:
    """What the page's script needs: addresses, the CSRF token, this phone's choices, the words it shows."""
    code = room.code
    return {
        "code": code,
        "contentLang": room.consultation.locale.language_code,
        "csrfToken": get_token(request),
        # Votes over the socket count for the phone's device; a logged-in account's go over HTTP, as its own.
        "socketVotes": not has_confirmed_email(request.user),
        # What this phone chose in what is shown now (the poll and its round, or the proposal it is about).
        "mine": {
            "poll": [room.poll_id, room.poll.round] if room.poll_id else None,
            "proposal": room.proposal_id,
            "answer": mine.get("answer"),
            "choice": mine.get("choice"),
            "upvoted": sorted(mine.get("upvoted", ())),
        },
        "urls": {
            "socket": f"/ws/live/{code}/",
            "state": reverse("live-state", args=[code]),
            "answer": reverse("live-answer", args=[code]),
            "question": reverse("live-question", args=[code]),
            "upvote": reverse("live-upvote", args=[code, 0]),
            "api": reverse("room-vote", args=[code]),
            "apiQuestions": reverse("room-questions", args=[code]),
            "apiUpvote": reverse("room-upvote", args=[code, 0]),
        },
        "labels": _labels(),
    }


def _room_page(request, room: RoomSession, *, status: int = 200, outcome: RoomOutcome | None = None) -> HttpResponse:
    key, new = device_key_or_new(request)
    frame = room_frame(room)
    poll = (frame["room"] or {}).get("poll") or {}
    mine = _mine(request, room, None if new else key)
    context = {
        "room": room,
        "frame": frame,
        "mine": mine,
        "config": _script_config(request, room, mine),
        "outcome": outcome,
        "typed": request.POST.get("text", "") if outcome is not None and not outcome.ok else "",
        # Where a refused text can go back into its field; elsewhere the page shows it, so nothing typed is lost.
        "text_field_shown": frame["room"] is not None
        and frame["room"]["scene"] == Scene.POLL
        and poll.get("state") == "open"
        and poll.get("kind") in ("words", "questions"),
    }
    response = render(request, "forum/live/room.html", context, status=status)
    if new:
        remember_device(response, key)  # the first visit: from now on this phone counts once
    return response


@require_GET
@never_cache
def live_room(request, code: str):
    room = room_by_code(code=code, site=participation_selectors.site_scope_for_request(request))
    if room is None or not room.consultation.live:
        return _no_room(request, code)
    if not room.is_open:
        return _no_room(request, code, ended=True)
    if room.code != code:
        return redirect("live-room", code=room.code)  # typed in lower case or with spaces
    return _room_page(request, room)


@require_GET
@never_cache
def live_state(request, code: str):
    """The room's newest frame, for phones whose network blocks sockets: one small query when cached."""
    room = room_by_code(code=code, site=participation_selectors.site_scope_for_request(request))
    if room is None or not room.consultation.live:
        return HttpResponse(json.dumps({"type": "gone", "status": 404}), status=404, content_type="application/json")
    text = publisher.current_frame_text(room_group(room.consultation_id), room.consultation_id)
    return HttpResponse(text, content_type="application/json")


def _after_post(request, room: RoomSession, outcome: RoomOutcome) -> HttpResponse:
    if outcome.ok:
        messages.success(request, outcome.message)
        return redirect("live-room", code=room.code)
    response = _room_page(request, room, status=outcome.status, outcome=outcome)
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


def _phone_post(request, code: str, submit, **fields) -> HttpResponse:
    """A phone's form: to the open room its code names, as this phone (or its logged-in account)."""
    room = room_by_code(code=code, site=participation_selectors.site_scope_for_request(request))
    if room is None or not room.consultation.live:
        return _no_room(request, code)
    if not room.is_open:
        return _no_room(request, code, ended=True)
    outcome = submit(request, room=room, **fields, **phone_identity(request, key=device_key(request)))
    return _after_post(request, room, outcome)


@require_POST
def live_answer(request, code: str):
    """A vote on the proposal shown, or an answer to the poll shown, sent as a form."""
    fields = ("poll", "value", "text", "proposal", "choice", "rating")
    data = {name: request.POST.get(name) for name in fields} | {"option": request.POST.getlist("option")}
    return _phone_post(request, code, submit_room_vote, data=data)


@require_POST
def live_question(request, code: str):
    data = {"poll": request.POST.get("poll"), "text": request.POST.get("text")}
    return _phone_post(request, code, submit_room_question, data=data)


@require_POST
def live_upvote(request, code: str, question_id: int):
    return _phone_post(request, code, submit_room_upvote, question_id=question_id)
