"""What a phone's or a terminal's write goes through, whichever entry point it comes from (a form, the API).

Check the limits (per device and per room, never per address: a whole room
shares one address behind the venue's Wi-Fi), resolve what the input names,
call the room's service, and say in the person's language what happened.
The phone page's forms, its script (through the rooms API) and the touch
terminals all call these, so a vote counts the same whichever way it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from forum import services
from forum.models import RoomSession, Scene
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.errors import InvalidInput, NotOpenNow, ServiceError
from participation.inputs import Limit, rate_limited
from participation.models import Channel, Poll, PollKind
from participation.rules import has_confirmed_email

# How long a phone is asked to wait when it hits a limit, in seconds (the limits count per minute).
RETRY_AFTER = 60
# The rate-limit counters of phones, terminals and accounts in the room (keyed by ``limit_key``).
DEVICE_LIMIT_GROUP = "room-device"


@dataclass
class RoomOutcome:
    """What was written (``saved``), or why not: the status to answer, a message, and the field it is about."""

    saved: Any = None
    status: int = 200
    message: str = ""
    field: str | None = None
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return self.saved is not None


def phone_identity(request, *, key: str | None) -> dict:
    """Who a phone's write counts for, on which channel, and what its limit counts against.

    The account when logged in with a confirmed address (so a person who voted
    online and again in the room counts once), else the phone's device (None
    without a device key); the limit counts per account or device, never per address.
    """
    if has_confirmed_email(request.user):
        return {"voter": request.user, "channel": Channel.PHONE, "limit_key": f"account:{request.user.pk}"}
    voter = participation_services.device_participant(key=key) if key else None
    return {"voter": voter, "channel": Channel.PHONE, "limit_key": f"device:{key}"}


def terminal_identity(*, terminal, key: str) -> dict:
    """Who a touch terminal's write counts for: the walk-in of its current terminal session, on channel
    terminal; the limit counts per terminal (``RATELIMIT_TERMINAL``), whoever stands at it."""
    return {
        "voter": participation_services.terminal_participant(key=key),
        "channel": Channel.TERMINAL,
        "limit_key": f"terminal:{terminal.pk}",
        "limit_rate": settings.RATELIMIT_TERMINAL,
    }


def terminal_limit(identity: dict) -> Limit:
    """A terminal identity's limit, for the writes that go through ``participation.submissions``: the same
    counter as its room answers."""
    return Limit(group=DEVICE_LIMIT_GROUP, key=identity["limit_key"], rate=identity["limit_rate"])


def _refused(error: ServiceError) -> RoomOutcome:
    return RoomOutcome(status=error.status, message=error.message, field=error.field)


def _over_limit(request, *, room: RoomSession, limit_key: str, limit_rate: str | None = None) -> RoomOutcome | None:
    """Counts this write for the device (or terminal, or account) and for the room; an outcome once over either."""
    over_device = rate_limited(
        request,
        group=DEVICE_LIMIT_GROUP,
        rate=limit_rate or settings.RATELIMIT_ROOM_DEVICE,
        key=lambda _group, _request: limit_key,
    )
    over_room = rate_limited(
        request, group="room", rate=settings.RATELIMIT_ROOM, key=lambda _group, _request: room.code
    )
    if over_device or over_room:
        return RoomOutcome(
            status=429,
            message=_("Many answers are arriving at once. Please wait a moment and send again."),
            retry_after=RETRY_AFTER,
        )
    return None


def _ids(value, field: str = "option") -> list[int] | int | None:
    """Option ids as forms (strings, lists of strings) and JSON (numbers, lists) send them."""
    if value in (None, "", []):
        return None
    values = value if isinstance(value, list | tuple) else [value]
    parsed = []
    for item in values:
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item)
        # Ids are positive 64-bit numbers: anything else names nothing (and must not reach the database).
        if not isinstance(item, int) or isinstance(item, bool) or not 0 < item < 2**63:
            raise InvalidInput(_("Please choose from the options shown."), field=field)
        parsed.append(item)
    return parsed if isinstance(value, list | tuple) else parsed[0]


def _shown_or_named_poll(room: RoomSession, poll_id) -> Poll:
    """The poll the input names (it may have been answered just as the presenter moved on), else the one shown."""
    if poll_id not in (None, ""):
        poll_id = _ids(poll_id, field="poll")
        poll = participation_selectors.poll_by_id(pk=poll_id) if isinstance(poll_id, int) else None
        if poll is None or poll.consultation_id != room.consultation_id:
            raise InvalidInput(_("This poll is not part of this room."), field="poll")
        return poll
    if room.scene != Scene.POLL or room.poll is None:
        raise NotOpenNow(_("No poll is open right now. Please wait for the next question."))
    return room.poll


def submit_room_vote(
    request, *, room: RoomSession, voter, channel: str, data: Mapping, limit_key: str, limit_rate: str | None = None
) -> RoomOutcome:
    """A vote on the proposal shown (``{"proposal": id, "choice": ...}``) or an answer to a poll
    (``{"option": id or [ids]}``, ``{"value": 1-5}``, ``{"text": "..."}``, with ``"poll": id`` optional)."""
    if voter is None:
        return RoomOutcome(status=400, message=_("Your phone is not registered yet. Please reload the page."))
    if over := _over_limit(request, room=room, limit_key=limit_key, limit_rate=limit_rate):
        return over
    try:
        if data.get("proposal") not in (None, ""):
            return _proposal_vote(room, voter, channel, data)
        poll = _shown_or_named_poll(room, data.get("poll"))
        if poll.kind == PollKind.QUESTIONS:
            raise InvalidInput(_("Please send your question with the question form."), field="text")
        answer = services.answer_in_room(
            room=room,
            participant=voter,
            poll=poll,
            channel=channel,
            options=_ids(data.get("option")),
            value=data.get("value"),
            text=data.get("text"),
        )
    except ServiceError as error:
        return _refused(error)
    return RoomOutcome(saved=answer, message=_("Thank you, your answer has been counted."))


def _proposal_vote(room: RoomSession, voter, channel: str, data: Mapping) -> RoomOutcome:
    proposal_id = _ids(data.get("proposal"), field="proposal")
    proposal = (
        participation_selectors.published_proposals().filter(pk=proposal_id).first()
        if isinstance(proposal_id, int)
        else None
    )
    if proposal is None:
        raise InvalidInput(_("There is no such proposal."), field="proposal")
    vote = services.vote_in_room(
        room=room, voter=voter, proposal=proposal, choice=str(data.get("choice") or ""), channel=channel
    )
    return RoomOutcome(saved=vote, message=_("Thank you, your vote has been counted."))


def submit_room_question(
    request, *, room: RoomSession, voter, channel: str, data: Mapping, limit_key: str, limit_rate: str | None = None
) -> RoomOutcome:
    """A question for the room's open question round (``{"text": ..., "poll": id optional}``)."""
    if voter is None:
        return RoomOutcome(status=400, message=_("Your phone is not registered yet. Please reload the page."))
    if over := _over_limit(request, room=room, limit_key=limit_key, limit_rate=limit_rate):
        return over
    try:
        poll = _shown_or_named_poll(room, data.get("poll"))
        if poll.kind != PollKind.QUESTIONS:
            raise NotOpenNow(_("Questions are taken only while a question round is open."))
        question = services.ask_in_room(
            room=room, participant=voter, poll=poll, text=str(data.get("text") or ""), channel=channel
        )
    except ServiceError as error:
        return _refused(error)
    return RoomOutcome(
        saved=question, message=_("Thank you! Your question will be shown once the moderation has approved it.")
    )


def submit_room_upvote(
    request, *, room: RoomSession, voter, channel: str, question_id, limit_key: str, limit_rate: str | None = None
) -> RoomOutcome:
    """Backing one of the questions shown; once per participant."""
    if voter is None:
        return RoomOutcome(status=400, message=_("Your phone is not registered yet. Please reload the page."))
    if over := _over_limit(request, room=room, limit_key=limit_key, limit_rate=limit_rate):
        return over
    try:
        question_id = _ids(question_id, field="question")
        question = participation_selectors.question_by_id(pk=question_id) if isinstance(question_id, int) else None
        if question is None or question.poll.consultation_id != room.consultation_id:
            raise InvalidInput(_("This question is not shown."), field="question")
        services.upvote_in_room(room=room, participant=voter, question=question)
    except ServiceError as error:
        return _refused(error)
    return RoomOutcome(saved=question, message=_("You back this question."))
