"""The admin's list and chooser of twin objects, searched like the site searches them: by name, address,
what they are ("Kirche", "church") and twin id (the model has no search index: imports write in bulk)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views import chooser, snippets

from participation import selectors


class TwinObjectIndexView(snippets.IndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(pk__in=selectors.ranked_search(self.search_query).values("pk"))


class TwinSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Name, address, street, what it is or id"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = selectors.ranked_search(query, objects)
            self.is_searching, self.search_query = True, query
        return objects


class TwinObjectChooseView(chooser.ChooseView):
    filter_form_class = TwinSearchForm


class TwinObjectChooseResultsView(chooser.ChooseResultsView):
    filter_form_class = TwinSearchForm


class TwinObjectChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = TwinObjectChooseView
    choose_results_view_class = TwinObjectChooseResultsView
