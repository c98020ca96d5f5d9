from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forum.models import Screen


class ScreenViewSet(SnippetViewSet):
    model = Screen
    icon = "desktop"
    menu_label = _("Kiosk screens")
    add_to_admin_menu = True
    list_display = ["name", "slug", "consultation", "is_active"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("consultation"), FieldPanel("is_active")]


register_snippet(ScreenViewSet)
