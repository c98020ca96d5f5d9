"""The presenter's console of one room session: what is shown now, the polls, the proposals and the
audience questions, with live counters that the page's script polls from ``status`` every two seconds.

Every action is a plain POST form (``console_actions``) that works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forum import selectors, services
from forum.admin_views.forms import PollForm
from forum.admin_views.rooms import PERMISSION, room_or_404
from forum.live import connected
from forum.models import Scene
from participation import selectors as participation_selectors
from participation.admin_views.base import StaffView, require_permission, staff_view
from participation.errors import ServiceError
from participation.models import ModerationState, PollKind, PollState

# The scenes that need nothing chosen: one button each.
SLIDES = [Scene.JOIN, Scene.PAUSE, Scene.RESULTS, Scene.WALL, Scene.MAP, Scene.TWIN]


def console_url(room, anchor: str = "") -> str:
    return reverse("forum_console", args=[room.pk]) + (f"#{anchor}" if anchor else "")


def status_of(room) -> dict:
    """The console's counters: the shown poll's answers (database) and the sockets connected (cache)."""
    return {**selectors.console_status(room), "connected": connected(consultation_id=room.consultation_id)}


def _labels() -> dict:
    """The words the console's script writes, in the page's language."""
    return {
        "scenes": dict(Scene.choices),
        "states": dict(PollState.choices),
        "revealed": _("Results revealed to the room"),
        "hidden": _("Results hidden from the room"),
        "noPoll": _("No poll is shown."),
        "stale": _("The counters could not be updated; retrying."),
        "waiting": _("New audience questions are waiting."),
        "reload": _("Reload the console to moderate them"),
        "answers": pgettext("counter", "Answers"),
        "average": _("Average"),
    }


class ConsoleView(StaffView):
    permission = PERMISSION
    template_name = "forum/admin/console.html"
    header_icon = "desktop"

    def dispatch(self, request, *args, **kwargs):
        require_permission(request, self.permission)
        self.room = room_or_404(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Room %(code)s") % {"code": self.room.code}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse_lazy("forum_rooms"), "label": _("Forum room")},
            {"url": "", "label": self.room.code},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        room = self.room
        polls = list(selectors.console_polls(consultation_id=room.consultation_id))
        question_rounds = [
            (poll, selectors.console_questions(poll=poll)) for poll in polls if poll.kind == PollKind.QUESTIONS
        ]
        status = status_of(room)
        shown_id = status["poll"]["id"] if status["poll"] else None
        results = (status["poll"] or {}).get("results") or {}
        context.update(
            {
                "room": room,
                "join_url": selectors.join_url(room),
                "status": status,
                "scene_label": Scene(room.scene).label,
                "slides": [(scene.value, scene.label) for scene in SLIDES],
                "polls": polls,
                "shown_rows": results.get("options") or results.get("scale") or results.get("words") or [],
                "shown_poll": next((poll for poll in polls if poll.pk == shown_id), None),
                "proposals": participation_selectors.proposals_of(room.consultation),
                "question_rounds": question_rounds,
                "waiting": sum(poll.questions_waiting for poll in polls),
                "form": form or PollForm(),
                "moderation": ModerationState,
                "config": {
                    "status": reverse("forum_console_status", args=[room.pk]),
                    "interval": 2000,
                    "labels": _labels(),
                },
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        """A poll made on the spot (and, ticked by default, shown and opened at once)."""
        form = PollForm(request.POST)
        if form.is_valid():
            try:
                poll = services.poll_on_the_spot(presenter=request.user, room=self.room, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                shown = form.cleaned_data["show_now"]
                message = _("The poll is shown and open.") if shown else _("The poll is ready.")
                messages.success(request, message)
                return redirect(console_url(self.room, f"poll-{poll.pk}"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


@never_cache
@require_GET
@staff_view(PERMISSION)
def status(request, pk: int):
    """The counters, polled by the console's script: a fixed number of queries, whatever the room's size."""
    return JsonResponse(status_of(room_or_404(request, pk)))
