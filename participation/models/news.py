"""News of a consultation: what staff tell its participants as it goes on (a child page of the consultation)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from participation.blocks import BodyBlock
from participation.models.pages import ServedByView
from participation.page_forms import PageForm


class NewsPage(ServedByView, Page):
    """One news item of a consultation: listed on the consultation's page, newest first, and mailed to the
    citizens who follow it and asked for news (``participation.services.notifications``)."""

    base_form_class = PageForm

    date = models.DateTimeField(_("date"), default=timezone.now, help_text=_("Shown with the news; newest first."))
    intro = models.TextField(_("intro"), max_length=600, help_text=_("A short summary shown in lists and mails."))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = [*Page.search_fields, index.SearchField("intro")]
    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["participation.ConsultationPage"]
    subpage_types: list[str] = []
    template = "participation/news_page.html"

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")
