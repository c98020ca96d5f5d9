"""The room sessions in the admin: the open ones with code, address and QR code, the recent ones,
opening a session for a published consultation and closing one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from forum import selectors, services
from forum.admin_views.forms import OpenRoomForm
from participation import selectors as participation_selectors
from participation.admin_views.base import StaffView, require_permission, staff_view
from participation.errors import ServiceError

PERMISSION = "participation.present"


def room_or_404(request, pk: int):
    """The room session (else 404), if of a consultation the presenter manages (else 403)."""
    room = selectors.room_by_id(pk=pk)
    if room is None:
        raise Http404
    require_permission(request, PERMISSION, room)
    return room


def open_room_choices(user):
    """The published consultations ``user`` manages, to open a room session for."""
    return participation_selectors.managed_published_consultations(user=user)


class RoomListView(StaffView):
    permission = PERMISSION
    template_name = "forum/admin/rooms.html"
    page_title = gettext_lazy("Forum room")
    header_icon = "desktop"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        open_rooms = list(selectors.open_rooms(user=user))
        busy = {room.consultation_id for room in open_rooms}
        consultations = open_room_choices(user).exclude(pk__in=busy)
        context.update(
            {
                "open_rooms": [(room, selectors.join_url(room)) for room in open_rooms],
                "recent_rooms": [room for room in selectors.recent_rooms(user=user) if not room.is_open],
                "form": form or OpenRoomForm(consultations=consultations),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = OpenRoomForm(request.POST, consultations=open_room_choices(request.user))
        if form.is_valid():
            try:
                room = services.open_room(
                    presenter=request.user,
                    consultation=form.cleaned_data["consultation"],
                    title=form.cleaned_data["title"],
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The room is open with the code %(code)s.") % {"code": room.code})
                return redirect("forum_console", pk=room.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_POST
@staff_view(PERMISSION)
def close(request, pk: int):
    room = room_or_404(request, pk)
    try:
        services.close_room(presenter=request.user, room=room)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The room session %(code)s is closed.") % {"code": room.code})
    return redirect("forum_rooms")
