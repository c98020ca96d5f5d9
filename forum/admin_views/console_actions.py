"""The presenter's actions: plain POST forms that call one service each and return to the console
with a message. The services publish after the commit, so every screen and phone follows at once."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from forum import services
from forum.admin_views.console import console_url
from forum.admin_views.rooms import PERMISSION, room_or_404
from forum.models import Scene
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.admin_views.base import staff_view
from participation.errors import ServiceError
from participation.models import ModerationState, PollState
from participation.numerals import ascii_number


def _id(request, name: str) -> int | None:
    return ascii_number(request.POST.get(name, ""))


def _done(request, room, action: Callable[[], object], success: str, anchor: str = ""):
    """Run one service; its refusal becomes an error message, never an error page."""
    try:
        action()
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(console_url(room, anchor))


@require_POST
@staff_view(PERMISSION)
def show(request, pk: int):
    """Put a slide, a poll (``open``: and open it) or a proposal on every screen and phone."""
    room = room_or_404(request, pk)
    scene = request.POST.get("scene", "")
    poll = proposal = None
    if scene == Scene.POLL:
        poll = participation_selectors.poll_by_id(pk=_id(request, "poll") or 0)
    elif scene == Scene.PROPOSAL:
        proposal = (
            participation_selectors.published_proposals(consultation_id=room.consultation_id)
            .filter(pk=_id(request, "proposal") or 0)
            .first()
        )
    label = dict(Scene.choices).get(scene, "")
    return _done(
        request,
        room,
        lambda: services.show_in_room(
            presenter=request.user,
            room=room,
            scene=scene,
            poll=poll,
            proposal=proposal,
            open_poll=request.POST.get("open") == "1",
        ),
        _("Shown in the room now: %(scene)s") % {"scene": label},
        "shown",
    )


POLL_ACTIONS = {
    "open": (
        lambda user, poll: participation_services.set_poll_state(presenter=user, poll=poll, state=PollState.OPEN),
        gettext_lazy("The poll is open."),
    ),
    "close": (
        lambda user, poll: participation_services.set_poll_state(presenter=user, poll=poll, state=PollState.CLOSED),
        gettext_lazy("The poll is closed."),
    ),
    "reveal": (
        lambda user, poll: participation_services.reveal_poll(presenter=user, poll=poll),
        gettext_lazy("Results revealed."),
    ),
    "hide": (
        lambda user, poll: participation_services.reveal_poll(presenter=user, poll=poll, revealed=False),
        gettext_lazy("Results hidden."),
    ),
    "reset": (
        lambda user, poll: participation_services.reset_poll(presenter=user, poll=poll),
        gettext_lazy("The poll starts again; the earlier answers are kept and no longer count."),
    ),
}


@require_POST
@staff_view(PERMISSION)
def poll_action(request, pk: int, poll_id: int):
    room = room_or_404(request, pk)
    poll = participation_selectors.poll_by_id(pk=poll_id)
    if poll is None or poll.consultation_id != room.consultation_id:
        raise Http404
    action = POLL_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest(_("Unknown action."))
    service, success = action
    return _done(request, room, lambda: service(request.user, poll), str(success), f"poll-{poll.pk}")


@require_POST
@staff_view(PERMISSION)
def question_action(request, pk: int, question_id: int):
    """Approve or reject an audience question, or mark it (or none: ``done``) as being answered."""
    room = room_or_404(request, pk)
    question = participation_selectors.question_by_id(pk=question_id)
    if question is None or question.poll.consultation_id != room.consultation_id:
        raise Http404
    user, action = request.user, request.POST.get("action", "")
    if action in ("approve", "reject"):
        state = ModerationState.APPROVED if action == "approve" else ModerationState.HIDDEN
        run = lambda: participation_services.moderate_question(moderator=user, question=question, state=state)  # noqa: E731
        success = _("The question is shown.") if action == "approve" else _("The question is rejected.")
    elif action in ("answer", "done"):
        chosen = question if action == "answer" else None
        run = lambda: participation_services.answer_question_now(presenter=user, question=chosen, poll=question.poll)  # noqa: E731
        success = _("Marked as being answered.") if chosen else _("No question is marked as being answered.")
    else:
        return HttpResponseBadRequest(_("Unknown action."))
    return _done(request, room, run, success, f"questions-{question.poll_id}")
