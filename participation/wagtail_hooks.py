from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from participation import admin_views
from participation.rules import allows


@hooks.register("register_admin_urls")
def moderation_urls():
    return [
        path("moderation/", admin_views.ModerationQueue.as_view(), name="participation_moderation"),
        path("moderation/<int:pk>/", admin_views.moderate, name="participation_moderate"),
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return allows("participation.moderate", request.user)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModerationMenuItem(_("Moderation"), reverse("participation_moderation"), icon_name="comment", order=250)
