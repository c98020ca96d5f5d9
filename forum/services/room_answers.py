"""Taking part in the room: a phone or a walk-in votes on what the presenter put up, answers a poll, asks.

Each goes through the room's rules (the session is open, the proposal is the
one shown, the poll is the room's) and then through the same write path as
online: ``cast_votes``, ``answer_poll``, ``ask_question``, ``upvote_question``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from forum.models import RoomSession
from forum.rules import require
from participation import services as participation_services
from participation.errors import ServiceError
from participation.models import Channel, Poll, PollAnswer, ProposalPage, Question, Vote
from participation.services import Ballot


# No savepoint when nested (a batch of a room's votes): only a database error leaves it, ending all anyway.
@transaction.atomic(savepoint=False)
def votes_in_room(*, room: RoomSession, ballots: Sequence[Ballot]) -> list[Vote | ServiceError]:
    """Votes on the proposal shown in the room, many at once (a room's phones within a few milliseconds);
    per ballot in order, the vote as written or why not. One vote per participant, the same row as online."""
    outcomes: list[Vote | ServiceError | None] = []
    allowed: list[Ballot] = []
    for ballot in ballots:
        try:
            require("forum.vote_in_room", ballot.voter, (room, ballot.proposal))
        except ServiceError as error:
            outcomes.append(error)
            continue
        outcomes.append(None)
        allowed.append(ballot)
    written = iter(participation_services.cast_votes(ballots=allowed))
    return [next(written) if outcome is None else outcome for outcome in outcomes]


def vote_in_room(
    *,
    room: RoomSession,
    voter,
    proposal: ProposalPage,
    choice: str = "",
    rating: int | None = None,
    channel: str = Channel.PHONE,
) -> Vote:
    """A vote on the proposal shown in the room (``votes_in_room`` for one): a choice, or a rating 1-5 where
    the consultation rates; raises the refusal."""
    ballot = Ballot(voter=voter, proposal=proposal, choice=choice, rating=rating, channel=channel)
    [outcome] = votes_in_room(room=room, ballots=[ballot])
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome


@transaction.atomic
def answer_in_room(
    *,
    room: RoomSession,
    participant,
    poll: Poll,
    channel: str = Channel.PHONE,
    options: Sequence[int] | int | None = None,
    value: int | None = None,
    text: str | None = None,
) -> PollAnswer:
    """An answer to one of the room's polls while it is open; once per participant and round."""
    require("forum.answer_in_room", participant, (room, poll))
    return participation_services.answer_poll(
        participant=participant, poll=poll, channel=channel, options=options, value=value, text=text
    )


@transaction.atomic
def ask_in_room(*, room: RoomSession, participant, poll: Poll, text: str, channel: str = Channel.PHONE) -> Question:
    """An audience question for the room's open question round; shown once a moderator approves it."""
    require("forum.answer_in_room", participant, (room, poll))
    return participation_services.ask_question(participant=participant, poll=poll, text=text, channel=channel)


@transaction.atomic
def upvote_in_room(*, room: RoomSession, participant, question: Question) -> bool:
    """Back a shown question of the room; True if this upvote is new."""
    require("forum.answer_in_room", participant, (room, question.poll))
    return participation_services.upvote_question(participant=participant, question=question)
