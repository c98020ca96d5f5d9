"""What a phone's or a terminal's write goes through, whichever entry point it comes from (a form, the API).

Check the limits (per device and per room, never per address: a whole room
shares one address behind the venue's Wi-Fi), resolve what the input names,
call the room's service, and say in the person's language what happened.
The phone page's forms, its script (through the rooms API) and the touch
terminals all call these, so a vote counts the same whichever way it came.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from forum import services
from forum.models import RoomSession, Scene
from forum.selectors import room_by_code
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.errors import InvalidInput, NotOpenNow, ServiceError
from participation.inputs import Limit, rate_limited
from participation.models import Channel, Poll, PollAnswer, PollKind, ProposalPage
from participation.numerals import ascii_number, is_id
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
    return too_many() if over_device or over_room else None


def too_many() -> RoomOutcome:
    """The answer to a write over a limit (in the language of the moment)."""
    return RoomOutcome(
        status=429,
        message=_("Many answers are arriving at once. Please wait a moment and send again."),
        retry_after=RETRY_AFTER,
    )


def _ids(value, field: str = "option") -> list[int] | int | None:
    """Option ids as forms (strings, lists of strings) and JSON (numbers, lists) send them."""
    if value in (None, "", []):
        return None
    values = value if isinstance(value, list | tuple) else [value]
    parsed = []
    for item in values:
        if isinstance(item, str):
            item = ascii_number(item)
        # Ids are positive 64-bit numbers: anything else names nothing (and must not reach the database).
        if not is_id(item):
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
    """A vote on the proposal shown (``{"proposal": id, "choice": ...}``, or ``"rating": 1-5`` where the
    consultation rates) or an answer to a poll
    (``{"option": id or [ids]}``, ``{"value": 1-5}``, ``{"text": "..."}``, with ``"poll": id`` optional)."""
    if voter is None:
        return RoomOutcome(status=400, message=_("Your phone is not registered yet. Please reload the page."))
    if over := _over_limit(request, room=room, limit_key=limit_key, limit_rate=limit_rate):
        return over
    try:
        if data.get("proposal") not in (None, ""):
            return _proposal_vote(room, voter, channel, data)
        return _poll_answer(room, voter, channel, data)
    except ServiceError as error:
        return _refused(error)


def _poll_answer(room: RoomSession, voter, channel: str, data: Mapping) -> RoomOutcome:
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
    return RoomOutcome(saved=answer, message=_("Thank you, your answer has been counted."))


def _proposal_vote(room: RoomSession, voter, channel: str, data: Mapping) -> RoomOutcome:
    proposal = _named_proposal(data, _proposals([data]))
    vote = services.vote_in_room(
        room=room,
        voter=voter,
        proposal=proposal,
        choice=str(data.get("choice") or ""),
        rating=_rating(data),
        channel=channel,
    )
    return RoomOutcome(saved=vote, message=_("Thank you, your vote has been counted."))


def _rating(data: Mapping) -> int | None:
    """The rating a vote gives (``"4"`` from a form, ``4`` from JSON); 0, which no method accepts, for anything
    else that was sent, so that the service says what to give."""
    value = data.get("rating")
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = ascii_number(value, digits=1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _proposals(inputs: Sequence[Mapping]) -> dict[int, ProposalPage]:
    """The published proposals the inputs name, in one query (names that are no id are left out)."""
    ids = set()
    for data in inputs:
        try:
            proposal_id = _ids(data.get("proposal"), field="proposal")
        except InvalidInput:
            continue
        if isinstance(proposal_id, int):
            ids.add(proposal_id)
    return {page.pk: page for page in participation_selectors.published_proposals().filter(pk__in=ids)}


def _named_proposal(data: Mapping, proposals: Mapping[int, ProposalPage]) -> ProposalPage:
    proposal_id = _ids(data.get("proposal"), field="proposal")
    proposal = proposals.get(proposal_id) if isinstance(proposal_id, int) else None
    if proposal is None:
        raise InvalidInput(_("There is no such proposal."), field="proposal")
    return proposal


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


# --- many phones at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneVote:
    """A vote or poll answer a phone sent over its room socket: the room's code, the phone's device key
    (from its signed cookie; None without one), what it sent (as ``submit_room_vote`` takes it) and the
    language its page speaks, for the answer."""

    code: str
    key: str | None
    data: Mapping
    language: str


@transaction.atomic
def submit_room_votes(*, writes: Sequence[PhoneVote]) -> list[RoomOutcome]:
    """The votes and poll answers of many phones, in one transaction: what a room sends within a few
    milliseconds after a question is written at once (a group commit), each with its own outcome.

    The same rules and messages as ``submit_room_vote``; the limits are the caller's (the sockets count
    them in memory: a vote must not wait for Redis). Proposal votes go into the database in one upsert
    per room and language, poll answers one by one, each in a savepoint of its own so one refusal spoils
    no other.
    """
    rooms = {code: room_by_code(code=code) for code in {write.code for write in writes}}
    voters = participation_services.device_participants(keys={write.key for write in writes if write.key})
    proposals = _proposals([write.data for write in writes])
    outcomes: list[RoomOutcome | None] = [None] * len(writes)
    ballots: dict[tuple[RoomSession, str], list[tuple[int, participation_services.Ballot]]] = defaultdict(list)
    for index, write in enumerate(writes):
        with translation.override(write.language):
            room = rooms[write.code]
            outcome = _refused_at_once(room, write, voters)
            if outcome is None:
                try:
                    if write.data.get("proposal") in (None, ""):
                        with transaction.atomic():
                            outcome = _poll_answer(room, voters[write.key], Channel.PHONE, write.data)
                    else:
                        ballot = _ballot_of(write, voters[write.key], proposals)
                        ballots[(room, write.language)].append((index, ballot))
                except ServiceError as error:
                    outcome = _refused(error)
            outcomes[index] = outcome
    for (room, language), indexed in ballots.items():
        with translation.override(language):
            written = services.votes_in_room(room=room, ballots=[ballot for _index, ballot in indexed])
            for (index, _given), vote in zip(indexed, written, strict=True):
                outcomes[index] = (
                    _refused(vote)
                    if isinstance(vote, ServiceError)
                    else RoomOutcome(saved=vote, message=_("Thank you, your vote has been counted."))
                )
    return outcomes


def _refused_at_once(room: RoomSession | None, write: PhoneVote, voters: Mapping) -> RoomOutcome | None:
    """A write refused before anything is read for it: no open room, no phone."""
    if room is None or not room.consultation.live or not room.is_open:
        message = _("There is no open room with this code. Please check it and try again.")
        return RoomOutcome(status=404, message=message)
    if voters.get(write.key) is None:
        return RoomOutcome(status=400, message=_("Your phone is not registered yet. Please reload the page."))
    return None


def _ballot_of(write: PhoneVote, voter, proposals: Mapping[int, ProposalPage]) -> participation_services.Ballot:
    proposal = _named_proposal(write.data, proposals)
    choice = str(write.data.get("choice") or "")
    return participation_services.Ballot(
        voter=voter, proposal=proposal, choice=choice, rating=_rating(write.data), channel=Channel.PHONE
    )


def answer_of(outcome: RoomOutcome) -> dict:
    """What a phone is told of a counted vote or answer (the rooms API and the socket say the same)."""
    saved, body = outcome.saved, {"counted": True, "message": outcome.message}
    if isinstance(saved, PollAnswer):
        return {**body, "poll": saved.poll_id, "round": saved.round}
    if saved.rating is not None:  # a rating from 1 to 5 (a rated consultation)
        return {**body, "proposal": saved.proposal_id, "choice": saved.choice, "rating": saved.rating}
    return {**body, "proposal": saved.proposal_id, "choice": saved.choice}
