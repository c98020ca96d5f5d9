"""Room sessions: which one is open, what it shows now, and the frame phones and screens draw."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from forum.models import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, RoomSession, Scene
from forum.selectors.site import public_url
from participation import selectors as participation_selectors
from participation.models import ConsultationPage, Poll, PollKind, ProposalPage
from participation.selectors import EVERY_SITE, SiteScope


def normalised_code(text: str) -> str:
    """A room code as people type it (lower case, spaces, a dash) in the form it is stored."""
    return "".join(text.split()).replace("-", "").upper()


def is_room_code(code: str) -> bool:
    return len(code) == ROOM_CODE_LENGTH and all(char in ROOM_CODE_ALPHABET for char in code)


def join_url(room: RoomSession) -> str:
    """The public address of a room's phone page at its consultation's site (the default one: BASE_URL), for QR
    codes and screens: the room is found on that site only."""
    site_id = participation_selectors.site_id_of_page(room.consultation)
    return public_url(reverse("live-room", args=[room.code]), site_id=site_id)


def _rooms() -> QuerySet:
    return RoomSession.objects.select_related("consultation", "poll", "proposal")


def room_by_code(*, code: str, site: SiteScope = EVERY_SITE) -> RoomSession | None:
    """The room session with this code of a consultation the site shows, open or closed; None for anything that
    is no code."""
    code = normalised_code(code or "")
    if not is_room_code(code):
        return None
    return participation_selectors.on_site(_rooms().filter(code=code), site=site).first()


def room_by_id(*, pk: int) -> RoomSession | None:
    return _rooms().filter(pk=pk).first()


def open_room(*, consultation_id: int) -> RoomSession | None:
    return _rooms().filter(consultation_id=consultation_id, closed_at__isnull=True).first()


def _managed(rooms: QuerySet, user) -> QuerySet:
    """With ``user``: the room sessions of the consultations they manage (their sites') only."""
    if user is None or user.is_superuser:
        return rooms
    return rooms.filter(consultation__in=participation_selectors.consultations_managed_by(user=user))


def open_rooms(*, user=None, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Open room sessions of published consultations the site shows, newest first; with ``user``, of those they
    manage."""
    rooms = _rooms().filter(closed_at__isnull=True, consultation__live=True)
    return _managed(participation_selectors.on_site(rooms, site=site), user)


def recent_rooms(*, limit: int = 20, user=None) -> QuerySet:
    return _managed(_rooms(), user)[:limit]


def room_group(consultation_id: int) -> str:
    """The channel-layer group of the room of a consultation: phones, screens and terminals join it."""
    return f"consultation.{consultation_id}.room"


def poll_state(poll: Poll) -> dict:
    """A poll as phones and screens show it: the results only once they may be seen."""
    state = {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "max_choices": poll.max_choices,
        "state": poll.state,
        "round": poll.round,
        "results_visible": poll.results_visible,
        "options": participation_selectors.poll_options(poll=poll),
    }
    if poll.kind == PollKind.QUESTIONS:
        state["questions"] = participation_selectors.shown_questions(poll=poll)
        return state
    results = participation_selectors.poll_results(poll=poll)
    state["answers"] = results["participants"]  # how many answered tells nothing of how
    if poll.results_visible:
        state["results"] = results
    return state


def proposal_state(proposal: ProposalPage, consultation: ConsultationPage) -> dict:
    tally = participation_selectors.proposal_tallies(proposal_ids=[proposal.pk])[proposal.pk]
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "summary": proposal.summary,
        "voting_open": consultation.is_voting_open(),
        "method": consultation.voting_method,
        "totals": tally["totals"],
        "by_channel": tally["by_channel"],
        "rating": tally["rating"],
        "rating_by_channel": tally["rating_by_channel"],
        "total": tally["total"],
    }


def shown_now(room: RoomSession) -> dict:
    """What the presenter shows: the scene, the room's current poll (screens may rotate to it), the proposal up."""
    shown: dict = {"scene": room.scene, "poll": None, "proposal": None}
    if room.poll is not None:
        shown["poll"] = poll_state(room.poll)
    if room.scene == Scene.PROPOSAL and room.proposal is not None and room.proposal.live:
        shown["proposal"] = proposal_state(room.proposal, room.consultation)
    if (room.scene == Scene.POLL and shown["poll"] is None) or (
        room.scene == Scene.PROPOSAL and shown["proposal"] is None
    ):
        shown["scene"] = Scene.PAUSE  # what it was about is gone (deleted, unpublished)
    return shown


def room_snapshot(*, consultation_id: int) -> dict:
    """The room's frame: its code and what it shows now; ``room`` is None while no session is open."""
    revision = participation_selectors.results_revision(consultation_id=consultation_id)
    room = open_room(consultation_id=consultation_id)
    frame: dict = {"type": "room", "consultation": consultation_id, "revision": revision, "room": None}
    if room is not None and room.consultation.live:
        frame["room"] = {
            "code": room.code,
            "title": room.title,
            "join_url": join_url(room),
            **shown_now(room),
        }
    return frame
