from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.account import BaseSettingsPanel, notifications_tab
from wagtail.models import Page
from wagtail.signals import page_published, workflow_approved
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from participation import page_cache, selectors, services
from participation.admin_views import exports, moderation, official_answers, paper, results, twin_import, twin_objects
from participation.models import ConsultationPage, NewsPage, ProposalPage, TwinFeature
from participation.rules import allows


@hooks.register("register_admin_urls")
def moderation_urls():
    return [
        path("moderation/", moderation.ModerationQueue.as_view(), name="participation_moderation"),
        path("moderation/<id:pk>/", moderation.moderate, name="participation_moderate"),
        path("moderation/<id:pk>/hide/", moderation.hide, name="participation_moderation_hide"),
        path("moderation/bulk/", moderation.bulk, name="participation_moderation_bulk"),
        path(
            "participation/contributions/<id:pk>/answer/",
            official_answers.OfficialAnswerView.as_view(),
            name="participation_answer",
        ),
    ]


class ModerationMenuItem(MenuItem):
    """ "Moderation (3)": the number of contributions waiting (new or flagged) in the consultations the user manages,
    counted at most every 30 s."""

    def is_shown(self, request):
        return allows("participation.moderate", request.user)

    def render_component(self, request):
        waiting = selectors.waiting_count_kept(user=request.user)
        label = f"{self.label} ({waiting})" if waiting else self.label
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class ModeratorMailPanel(BaseSettingsPanel):
    """In a moderator's own account settings (Notifications): a mail when contributions wait, or none."""

    name = "moderation_mail"
    title = _("Moderation")
    tab = notifications_tab
    order = 200
    form_class = moderation.ModeratorMailForm

    def is_active(self):
        return allows("participation.moderate", self.user)


@hooks.register("register_account_settings_panel")
def moderator_mail_panel(request, user, profile):
    return ModeratorMailPanel(request, user, profile)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModerationMenuItem(_("Moderation"), reverse("participation_moderation"), icon_name="comment", order=250)


class TwinFeatureViewSet(SnippetViewSet):
    """Twin objects: browsed and chosen (e.g. for a consultation) by name, address, what they are or id."""

    model = TwinFeature
    index_view_class = twin_objects.TwinObjectIndexView
    chooser_viewset_class = twin_objects.TwinObjectChooserViewSet
    icon = "site"
    menu_label = _("Twin objects")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["__str__", "kind", Column("category", label=_("What it is")), "address", "height", "source"]
    list_filter = ["kind", "source"]
    # Searched in the database (no search index: imports write rows in bulk), as the site searches.
    search_fields = ["name", "address", "twin_id"]
    search_backend_name = None


register_snippet(TwinFeatureViewSet)


@hooks.register("register_admin_urls")
def twin_import_urls():
    return [
        path("twin-import/", twin_import.TwinImportView.as_view(), name="participation_twin_import"),
        path("twin-import/<id:pk>/", twin_import.TwinImportJobView.as_view(), name="participation_twin_import_job"),
        path("twin-import/<id:pk>/status/", twin_import.twin_import_status, name="participation_twin_import_status"),
    ]


class TwinImportMenuItem(MenuItem):
    def is_shown(self, request):
        return allows("participation.import_twin", request.user)


@hooks.register("register_admin_menu_item")
def twin_import_menu_item():
    return TwinImportMenuItem(_("Twin import"), reverse("participation_twin_import"), icon_name="upload", order=261)


@hooks.register("register_permissions")
def twin_import_permission():
    """The permission "Can import twin files" in the admin's group settings (Editors have it by a migration)."""
    return Permission.objects.filter(content_type__app_label="participation", codename="import_twin")


@hooks.register("register_admin_urls")
def paper_urls():
    return [
        path("paper/", paper.PaperIndexView.as_view(), name="participation_paper"),
        path(
            "paper/<id:consultation>/", paper.PaperConsultationView.as_view(), name="participation_paper_consultation"
        ),
        path(
            "paper/<id:consultation>/proposal/<id:proposal>/",
            paper.SheetView.as_view(),
            name="participation_paper_proposal",
        ),
        path("paper/<id:consultation>/poll/<id:poll>/", paper.SheetView.as_view(), name="participation_paper_poll"),
    ]


class PaperMenuItem(MenuItem):
    def is_shown(self, request):
        return allows("participation.enter_paper", request.user)


@hooks.register("register_admin_menu_item")
def paper_menu_item():
    return PaperMenuItem(_("Paper entries"), reverse("participation_paper"), icon_name="doc-full", order=251)


@hooks.register("register_admin_urls")
def export_urls():
    return [
        path("exports/<id:consultation>/", exports.ExportView.as_view(), name="participation_export"),
        path("exports/job/<id:pk>/", exports.ExportJobView.as_view(), name="participation_export_job"),
        path("exports/job/<id:pk>/status/", exports.export_status, name="participation_export_status"),
        path("exports/job/<id:pk>/download/", exports.export_download, name="participation_export_download"),
    ]


class ExportButton(PageMenuItem):
    """ "Export" in a consultation's menus (page header and listing), for who may export it."""

    label = _("Export")
    icon_name = "download"
    url_name = "participation_export"
    priority = 45

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, ConsultationPage) and allows(
            "participation.export", user, self.page.specific_deferred
        )


@hooks.register("register_page_header_buttons")
def export_header_button(page, user, view_name, next_url=None):
    yield ExportButton(page=page)


@hooks.register("register_page_listing_more_buttons")
def export_listing_button(page, user, next_url=None):
    yield ExportButton(page=page)


@hooks.register("register_admin_urls")
def results_urls():
    return [path("results/<id:consultation>/", results.ResultsView.as_view(), name="participation_results")]


class ResultsButton(ExportButton):
    """ "Results" (the dashboard) in a consultation's menus, for who may export it."""

    label = _("Results")
    icon_name = "table"
    url_name = "participation_results"
    priority = 46


@hooks.register("register_page_header_buttons")
def results_header_button(page, user, view_name, next_url=None):
    yield ResultsButton(page=page)


@hooks.register("register_page_listing_more_buttons")
def results_listing_button(page, user, next_url=None):
    yield ResultsButton(page=page)


@hooks.register("after_publish_page")
@hooks.register("after_unpublish_page")
def live_state_follows_pages(request, page):
    # Screens and phones show proposal titles and lists: a published change reaches them at once.
    services.page_changed(page=page)
    # A consultation's open data download follows the publication of its results.
    services.open_data_changed(page=page)


def news_published(sender, instance, **kwargs):
    """A consultation's news page published: its followers who asked for news are told (once per page).

    Wagtail's ``after_publish_page`` hook runs only for the editor's own "Publish"; an approval in the
    moderators' workflow and scheduled publishing send this signal instead, as the editor's publish does."""
    services.notify_news(news_page_id=instance.pk)


page_published.connect(news_published, sender=NewsPage, dispatch_uid="participation.news_published")


def live_state_follows_approvals(sender, instance, **kwargs):
    """A moderator's approval publishes the page at the end of its workflow, where the admin runs no
    ``after_publish_page`` hook: the live state follows it as it follows publishing by hand. (Scheduled
    publishing tells it itself: ``services.publish_scheduled_pages``.)"""
    page = instance.content_object
    if isinstance(page, Page):
        services.page_changed(page=page)


workflow_approved.connect(live_state_follows_approvals, dispatch_uid="participation-live-state-follows-approvals")


@hooks.register("on_serve_page")
def consultation_pages_kept(serve):
    """Consultation and proposal pages rendered for visitors without a session are kept for the next ones
    (``participation.page_cache``); Wagtail has checked view restrictions before this chain runs."""

    def serve_page(page, request, args, kwargs):
        if isinstance(page, ConsultationPage):
            consultation = page
        elif isinstance(page, ProposalPage):
            consultation = selectors.consultation_of(page)
        else:
            return serve(page, request, args, kwargs)
        return page_cache.rendered_and_kept(
            request,
            serve=lambda: serve(page, request, args, kwargs),
            consultation_id=consultation.pk,
            next_change=consultation.next_phase_date,
        )

    return serve_page
