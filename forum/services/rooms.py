"""Room sessions: a moderator opens one for a consultation, shows polls, proposals and slides, and closes it.

Every change bumps the consultation's live revision in its transaction and
asks for frames after the commit, like a vote: screens and phones follow at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, RoomSession, Scene
from forum.rules import require
from participation import services as participation_services
from participation.errors import InvalidInput
from participation.models import ConsultationPage, Poll, PollState, ProposalPage
from participation.services.texts import clean_text

CODE_ATTEMPTS = 20


def new_room_code() -> str:
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


@transaction.atomic
def open_room(*, presenter, consultation: ConsultationPage, title: str = "") -> RoomSession:
    """The consultation's open room session, else a new one with a fresh code, showing how to join."""
    require("participation.present", presenter)
    existing = RoomSession.objects.filter(consultation=consultation, closed_at__isnull=True).first()
    if existing is not None:
        return existing
    title = clean_text(title, limit=RoomSession._meta.get_field("title").max_length) if title.strip() else ""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                room = RoomSession.objects.create(
                    consultation=consultation, title=title, code=new_room_code(), opened_by=presenter
                )
        except IntegrityError:
            # The code was taken, or a colleague opened the room a moment earlier.
            existing = RoomSession.objects.filter(consultation=consultation, closed_at__isnull=True).first()
            if existing is not None:
                return existing
            continue
        participation_services.publish_after_commit(consultation.pk)
        return room
    raise InvalidInput(_("No free room code was found. Please try again."), field="code")


def _locked(room: RoomSession) -> RoomSession:
    return RoomSession.objects.select_for_update().select_related("consultation").get(pk=room.pk)


@transaction.atomic
def close_room(*, presenter, room: RoomSession) -> RoomSession:
    """End the evening: phones say so, screens go back to the consultation's results."""
    require("participation.present", presenter)
    room = _locked(room)
    if room.closed_at is None:
        room.closed_at = timezone.now()
        room.save(update_fields=["closed_at"])
        participation_services.publish_after_commit(room.consultation_id)
    return room


def _checked_target(room: RoomSession, scene: str, poll: Poll | None, proposal: ProposalPage | None) -> None:
    if scene not in Scene.values:
        raise InvalidInput(_("Unknown scene."), field="scene")
    if scene == Scene.POLL and (poll is None or poll.consultation_id != room.consultation_id):
        raise InvalidInput(_("Please choose a poll of this consultation."), field="poll")
    if scene == Scene.PROPOSAL and (
        proposal is None or not proposal.path.startswith(room.consultation.path) or not proposal.live
    ):
        raise InvalidInput(_("Please choose a published proposal of this consultation."), field="proposal")


@transaction.atomic
def show_in_room(
    *,
    presenter,
    room: RoomSession,
    scene: str,
    poll: Poll | None = None,
    proposal: ProposalPage | None = None,
    open_poll: bool = False,
) -> RoomSession:
    """Put a scene on every screen and phone of the room; with ``open_poll``, the poll opens with it."""
    require("participation.present", presenter)
    room = _locked(room)
    if room.closed_at is not None:
        raise InvalidInput(_("This room session has ended."), field="room")
    _checked_target(room, scene, poll, proposal)
    room.scene = scene
    room.poll = poll if scene == Scene.POLL else room.poll  # the last poll stays at hand for screens
    room.proposal = proposal if scene == Scene.PROPOSAL else None
    room.save(update_fields=["scene", "poll", "proposal"])
    if scene == Scene.POLL and open_poll and poll.state != PollState.OPEN:
        participation_services.set_poll_state(presenter=presenter, poll=poll, state=PollState.OPEN)
    participation_services.publish_after_commit(room.consultation_id)
    return room


@transaction.atomic
def poll_on_the_spot(
    *,
    presenter,
    room: RoomSession,
    question: str,
    kind: str,
    options: Sequence[str] = (),
    max_choices: int = 1,
    results_hidden: bool = True,
    show_now: bool = True,
) -> Poll:
    """A poll made during the evening; with ``show_now`` it goes up on every screen and phone, open, at once.

    ``add_poll`` makes it; this adds the room's part in the same transaction, so a poll
    that cannot be shown (the session ended meanwhile) is not left behind half made.
    """
    require("participation.present", presenter)
    if room.closed_at is not None:
        raise InvalidInput(_("This room session has ended."), field="room")
    poll = participation_services.add_poll(
        presenter=presenter,
        consultation=room.consultation,
        question=question,
        kind=kind,
        options=options,
        max_choices=max_choices,
        results_hidden=results_hidden,
    )
    if show_now:
        show_in_room(presenter=presenter, room=room, scene=Scene.POLL, poll=poll, open_poll=True)
    return poll
