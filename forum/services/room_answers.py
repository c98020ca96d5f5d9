"""Taking part in the room: a phone or a walk-in votes on what the presenter put up, answers a poll, asks.

Each goes through the room's rules (the session is open, the proposal is the
one shown, the poll is the room's) and then through the same write path as
online: ``cast_vote``, ``answer_poll``, ``ask_question``, ``upvote_question``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from forum.models import RoomSession
from forum.rules import require
from participation import services as participation_services
from participation.models import Channel, Poll, PollAnswer, ProposalPage, Question, Vote


@transaction.atomic
def vote_in_room(
    *, room: RoomSession, voter, proposal: ProposalPage, choice: str, channel: str = Channel.PHONE
) -> Vote:
    """A vote on the proposal shown in the room; one per participant, the same row as an online vote."""
    require("forum.vote_in_room", voter, (room, proposal))
    return participation_services.cast_vote(voter=voter, proposal=proposal, choice=choice, channel=channel)


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
