"""Participants: the identity a vote counts once for, made when it first takes part."""

from __future__ import annotations

import secrets
from collections.abc import Collection

from django.db import transaction

from participation.models import Participant, ParticipantKind


def new_participant_key() -> str:
    """A random key for a phone or a terminal session: 192 bits, nothing derived from the person."""
    return secrets.token_urlsafe(24)


def participant_of(actor) -> Participant | None:
    """The participant an actor acts as: itself, or its account's (made on first use); None for a visitor.

    get_or_create retries the read when a concurrent first vote of the same
    account created the row first, so two tabs end with one participant (and
    is atomic by itself: a participant passed in costs no savepoint).
    """
    if isinstance(actor, Participant):
        return actor
    if actor is None or not actor.is_authenticated:
        return None
    participant, _created = Participant.objects.get_or_create(user=actor, defaults={"kind": ParticipantKind.ACCOUNT})
    return participant


def device_participant(*, key: str) -> Participant:
    """The phone known by ``key`` (from its signed cookie), made on its first answer."""
    return device_participants(keys=[key])[key]


# No savepoint when nested (a batch of a room's votes): only a database error leaves it, ending all anyway.
@transaction.atomic(savepoint=False)
def device_participants(*, keys: Collection[str]) -> dict[str, Participant]:
    """The phones known by ``keys``, made on their first answer: two queries, three for new phones.

    A key that is another kind's (a terminal session's) is left out. A phone made
    at the same moment by another process is read back, never an error.
    """
    phones = Participant.objects.filter(kind=ParticipantKind.DEVICE)
    known = {participant.key: participant for participant in phones.filter(key__in=keys)}
    missing = [key for key in keys if key not in known]
    if missing:
        Participant.objects.bulk_create(
            [Participant(key=key, kind=ParticipantKind.DEVICE) for key in missing], ignore_conflicts=True
        )
        known.update({participant.key: participant for participant in phones.filter(key__in=missing)})
    return known


@transaction.atomic
def terminal_participant(*, key: str) -> Participant:
    """The walk-in known by ``key`` (held by the terminal for one person), made on their first answer."""
    participant, _created = Participant.objects.get_or_create(key=key, kind=ParticipantKind.TERMINAL_SESSION)
    return participant


@transaction.atomic
def start_terminal_session() -> Participant:
    """A new walk-in at a terminal: nothing links it to the person before or after."""
    return Participant.objects.create(kind=ParticipantKind.TERMINAL_SESSION, key=new_participant_key())
