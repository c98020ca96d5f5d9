"""The website around the consultations: home, standard pages, site settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from participation.blocks import BodyBlock
from participation.page_forms import PageForm
from participation.selectors import home_site_of, open_consultations, site_profile_for_request, site_scope_for_request


class HomePage(Page):
    """The start page: a welcome and the consultations open now."""

    base_form_class = PageForm

    intro = models.TextField(_("intro"), blank=True, max_length=1000)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["participation.ConsultationPage", "cms.StandardPage", "cms.PrivacyPage"]
    # One per site, at the top: an installation for several municipalities has a home page for each.
    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = site_scope_for_request(request)
        consultations = list(open_consultations(site=site))
        for consultation in consultations:
            consultation.home_site = home_site_of(consultation, site=site)  # a joint one lives on another site
        context["consultations"] = consultations
        return context


class StandardPage(Page):
    """A plain content page: about, imprint, privacy and the like."""

    base_form_class = PageForm

    intro = models.TextField(_("intro"), blank=True, max_length=1000)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.StandardPage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class PrivacyPage(StandardPage):
    """The privacy statement. What the system stores, why and for how long is written out by its template
    (templates/cms/privacy_page.html) from the running configuration, in the visitor's language; staff say
    who is responsible, who the data protection officer is and how long backups are kept, and may add
    sections in the body (the intro and body of a standard page)."""

    controller = models.TextField(
        _("who is responsible"),
        blank=True,
        help_text=_(
            "Name and address of the body responsible for the data. Empty: the city, with the contact address "
            "of the site settings and a link to the imprint."
        ),
    )
    data_protection_officer = models.TextField(
        _("data protection officer"), blank=True, help_text=_("How to reach the data protection officer.")
    )
    backups = models.TextField(
        _("backups"),
        blank=True,
        help_text=_("How long backups of the database and the uploaded files are kept, as the operator set them up."),
    )

    content_panels = [
        *StandardPage.content_panels,
        FieldPanel("controller"),
        FieldPanel("data_protection_officer"),
        FieldPanel("backups"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1  # one per site
    template = "cms/privacy_page.html"

    class Meta:
        verbose_name = _("privacy page")

    def get_context(self, request, *args, **kwargs):
        from cms.privacy import facts  # it reads participation's page cache, which needs the models loaded

        context = super().get_context(request, *args, **kwargs)
        # The tiles of the site the page is asked on (its CityProfile, or MAP_TILE_URL).
        context["privacy"] = facts(tile_url=site_profile_for_request(request).tile_url)
        return context


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """What every page's footer links to; the law requires these pages of a public body in Germany."""

    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imprint page"),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy page"),
    )
    # Public bodies in Germany must publish one (BITV 2.0, § 7), linked from every page.
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accessibility statement"),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)

    panels = [
        FieldPanel("imprint_page"),
        FieldPanel("privacy_page"),
        FieldPanel("accessibility_page"),
        FieldPanel("contact_email"),
    ]
    select_related = ["imprint_page", "privacy_page", "accessibility_page"]

    class Meta:
        verbose_name = _("site settings")
