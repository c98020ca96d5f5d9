"""The room in the admin: the presenter's console (room sessions), and the room's devices: screens (with
their rotation) and terminals, each with "New key".

Saving or deleting a device tells its open sockets through the service layer: a retired or deleted one
closes them with the reason, any other change makes its page reload what it shows.

And the accounts' avatars in the admin: initials drawn here, never a picture from another host.
"""

import re
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import StatusFlagColumn
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet, SnippetViewSetGroup

from forum import selectors, services
from forum.admin_views import console, console_actions, devices, rooms
from forum.admin_views.forms import DeviceForm
from forum.models import RegisteredDevice, Screen, Terminal
from forum.rules import allows
from participation import selectors as participation_selectors
from participation.models import ConsultationPage
from participation.numerals import ascii_number


def _new_key_button(device, user) -> Button | None:
    if not allows("forum.manage_devices", user, device):
        return None
    url = reverse("forum_device_new_key", args=[selectors.device_kind(device), device.pk])
    return Button(_("New key"), url=url, icon_name="key", priority=20)


class ManagedDeviceMixin:
    """Another site's device is refused (403): staff change the devices of the consultations they manage."""

    def get_object(self, queryset=None):
        device = super().get_object(queryset)
        if not allows("forum.manage_devices", self.request.user, device):
            raise PermissionDenied
        return device


class DeviceDeleteView(ManagedDeviceMixin, DeleteView):
    pass


class DeviceEditView(ManagedDeviceMixin, EditView):
    """A device's edit page, with "New key" beside "Delete"."""

    @cached_property
    def header_more_buttons(self):
        button = _new_key_button(self.object, self.request.user)
        return [*super().header_more_buttons, *([button] if button else [])]


class ScreenCreateView(CreateView):
    """A new screen: for the consultation "Show on a screen" came from, and once saved, straight to its key
    (a screen without a key shows nothing), so a consultation is on a screen in one go."""

    def get_initial_form_instance(self):
        consultation_id = ascii_number(self.request.GET.get("consultation", ""))
        managed = participation_selectors.managed_published_consultations(user=self.request.user)
        consultation = managed.filter(pk=consultation_id).first() if consultation_id else None
        return Screen(consultation=consultation) if consultation else super().get_initial_form_instance()

    def get_success_url(self):
        return reverse("forum_device_new_key", args=["screen", self.object.pk])


DEVICE_PANELS = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("consultation"), FieldPanel("is_active")]


class DeviceViewSet(SnippetViewSet):
    """Screens and terminals: listed, created and changed for the consultations the user manages (their sites')."""

    edit_view_class = DeviceEditView
    delete_view_class = DeviceDeleteView

    def get_queryset(self, request):
        return selectors.devices_managed_by(model=self.model, user=request.user)


# Whether a device may connect, in words (a raw field would show "True").
IS_ACTIVE = StatusFlagColumn(
    "is_active", label=_("Active"), true_label=_("active"), false_label=_("retired"), sort_key="is_active"
)


class ScreenViewSet(DeviceViewSet):
    model = Screen
    add_view_class = ScreenCreateView
    icon = "desktop"
    menu_label = _("Kiosk screens")
    list_display = ["name", "slug", "consultation", "mode", IS_ACTIVE, "token_issued_at"]
    edit_handler = ObjectList(
        [
            *DEVICE_PANELS,
            FieldPanel("mode"),
            InlinePanel("rotation", label=_("Rotation (for the mode 'Rotate through scenes')"), heading=_("Rotation")),
        ],
        base_form_class=DeviceForm,
    )


class TerminalViewSet(DeviceViewSet):
    model = Terminal
    icon = "tablet-alt"
    menu_label = _("Touch terminals")
    list_display = ["name", "slug", "consultation", IS_ACTIVE, "token_issued_at"]
    edit_handler = ObjectList(DEVICE_PANELS, base_form_class=DeviceForm)


class DeviceViewSetGroup(SnippetViewSetGroup):
    items = (ScreenViewSet, TerminalViewSet)
    menu_icon = "desktop"
    menu_label = _("Room devices")
    menu_order = 270


register_snippet(DeviceViewSetGroup)


@hooks.register("register_page_header_buttons")
def show_on_a_screen_button(page, user, view_name, next_url=None):
    """On a published consultation's admin pages: "Show on a screen", the kiosk set-up for it."""
    if (
        page.live
        and page.specific_class is ConsultationPage
        and allows("forum.add_screen", user, page.specific_deferred)
    ):
        url = reverse("wagtailsnippets_forum_screen:add") + f"?consultation={page.pk}"
        yield Button(_("Show on a screen"), url=url, icon_name="desktop", priority=80)


@hooks.register("register_admin_urls")
def device_urls():
    return [path("devices/<str:kind>/<id:pk>/new-key/", devices.new_key, name="forum_device_new_key")]


def _is_device(instance) -> bool:
    return isinstance(instance, RegisteredDevice)


@hooks.register("register_snippet_listing_buttons")
def new_key_button(snippet, user, next_url=None):
    button = _new_key_button(snippet, user) if _is_device(snippet) else None
    if button is not None:
        yield button


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def tell_device_sockets(request, instance):
    if _is_device(instance):
        services.device_changed(device=instance)


@hooks.register("before_delete_snippet")
def tell_deleted_device_sockets(request, instances):
    # Before: once deleted, a device has no id left to name its sockets by. The sockets hear it after the commit.
    if request.method == "POST":
        for instance in instances:
            if _is_device(instance):
                services.device_removed(device=instance)


@hooks.register("register_admin_urls")
def room_urls():
    return [
        path("room/", rooms.RoomListView.as_view(), name="forum_rooms"),
        path("room/<id:pk>/", console.ConsoleView.as_view(), name="forum_console"),
        path("room/<id:pk>/status/", console.status, name="forum_console_status"),
        path("room/<id:pk>/close/", rooms.close, name="forum_room_close"),
        path("room/<id:pk>/show/", console_actions.show, name="forum_room_show"),
        path("room/<id:pk>/polls/<id:poll_id>/", console_actions.poll_action, name="forum_room_poll"),
        path("room/<id:pk>/questions/<id:question_id>/", console_actions.question_action, name="forum_room_question"),
    ]


class RoomMenuItem(MenuItem):
    def is_shown(self, request):
        return allows("participation.present", request.user)


@hooks.register("register_admin_menu_item")
def room_menu_item():
    return RoomMenuItem(_("Forum room"), reverse("forum_rooms"), icon_name="desktop", order=240)


AVATAR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#0b4f8a"/>'
    '<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="26" '
    'font-weight="bold" fill="#fff">{initials}</text></svg>'
)


def initials(user) -> str:
    """Up to two letters for an account: of its full name, else of its username or the name of its address."""
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    name = full_name or getattr(user, "username", "") or getattr(user, "email", "").split("@")[0]
    words = [word for word in re.split(r"[\s._+-]+", name) if word]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """The admin's avatars are the account's initials, as an image inside the page (a data: address): no
    request at all, and none to gravatar.com (WAGTAIL_GRAVATAR_PROVIDER_URL is None). A picture the user
    uploaded in their account settings is theirs to show (None lets Wagtail show it)."""
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None
    return "data:image/svg+xml," + quote(AVATAR_SVG.format(initials=escape(initials(user))))


@hooks.register("after_unpublish_page")
def screens_show_nothing_of_an_unpublished_consultation(request, page):
    if isinstance(page.specific, ConsultationPage):
        services.consultation_unpublished(consultation=page.specific)
