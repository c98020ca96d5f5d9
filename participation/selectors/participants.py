"""Participants as they are known before they take part again: found, never made, by a read."""

from __future__ import annotations

from participation.models import Participant, ParticipantKind


def known_participant(*, user=None, key: str | None = None, kind: str = ParticipantKind.DEVICE) -> Participant | None:
    """The participant of an account (if logged in) or of a key, if it has taken part before; None otherwise."""
    if user is not None and user.is_authenticated:
        return Participant.objects.filter(user=user).first()
    if key:
        return Participant.objects.filter(key=key, kind=kind).first()
    return None
