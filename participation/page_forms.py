"""The admin's form for our page types: Wagtail's, saying which page holds a slug that is taken.

Wagtail autosaves a new page as a draft as soon as an editor types; left unfinished, that draft keeps
its slug, and the next try with the same title is refused with "already in use" and no hint why.
This form names the page in the way and, for a draft that was never published, says what it likely is
and links to it.

A consultation's form offers to share it with the other sites only: not with its own, and not at all on an
installation of one site.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page


class PageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.errors and self.parent_page is not None:
            holder = self._slug_holder(cleaned_data.get("slug") or self.data.get("slug", ""))
            if holder is not None:
                self.errors["slug"] = self.error_class([_slug_taken_message(holder)])
        return cleaned_data

    def _slug_holder(self, slug: str) -> Page | None:
        siblings = Page.objects.child_of(self.parent_page).filter(slug=slug)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        return siblings.first()


class ConsultationPageForm(PageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("shared_with_sites")
        if field is None:
            return
        own_site = self.parent_page.get_site() if self.parent_page is not None else None
        others = field.queryset.exclude(pk=own_site.pk) if own_site is not None else field.queryset
        if others.exists():
            field.queryset = others
        else:
            del self.fields["shared_with_sites"]  # Wagtail leaves out a panel whose field is not in the form


def _slug_taken_message(holder: Page) -> str:
    edit_url = reverse("wagtailadmin_pages:edit", args=[holder.pk])
    if holder.live or holder.first_published_at:
        return format_html(
            _('This address is taken by the page <a href="{url}">“{title}”</a>. Please choose another one.'),
            url=edit_url,
            title=holder.title,
        )
    return format_html(
        _(
            'This address is taken by a draft that was never published: <a href="{url}">“{title}”</a>, last '
            "saved {saved}. The admin saves a new page as a draft while it is being written, so it may be one "
            "that was started and left. Open it to go on with it or to delete it, or choose another address."
        ),
        url=edit_url,
        title=holder.title,
        saved=_when(holder.latest_revision_created_at),
    )


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"
