from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forum.admin_views import console, console_actions, rooms
from forum.models import Screen
from participation.rules import allows


class ScreenViewSet(SnippetViewSet):
    model = Screen
    icon = "desktop"
    menu_label = _("Kiosk screens")
    add_to_admin_menu = True
    list_display = ["name", "slug", "consultation", "is_active"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("consultation"), FieldPanel("is_active")]


register_snippet(ScreenViewSet)


@hooks.register("register_admin_urls")
def room_urls():
    return [
        path("room/", rooms.RoomListView.as_view(), name="forum_rooms"),
        path("room/<int:pk>/", console.ConsoleView.as_view(), name="forum_console"),
        path("room/<int:pk>/status/", console.status, name="forum_console_status"),
        path("room/<int:pk>/close/", rooms.close, name="forum_room_close"),
        path("room/<int:pk>/show/", console_actions.show, name="forum_room_show"),
        path("room/<int:pk>/polls/<int:poll_id>/", console_actions.poll_action, name="forum_room_poll"),
        path("room/<int:pk>/questions/<int:question_id>/", console_actions.question_action, name="forum_room_question"),
    ]


class RoomMenuItem(MenuItem):
    def is_shown(self, request):
        return allows("participation.present", request.user)


@hooks.register("register_admin_menu_item")
def room_menu_item():
    return RoomMenuItem(_("Forum room"), reverse("forum_rooms"), icon_name="desktop", order=240)
