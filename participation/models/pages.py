"""Consultations and proposals: the Wagtail pages staff curate."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from participation import geometry
from participation.blocks import BodyBlock
from participation.page_forms import ConsultationPageForm, PageForm
from participation.widgets import AreaWidget


class Phase(models.TextChoices):
    INFORM = "inform", _("Information")
    PARTICIPATE = "participate", _("Participation")
    VOTE = "vote", _("Voting")
    EVALUATE = "evaluate", _("Evaluation")


class VotingMethod(models.TextChoices):
    NONE = "none", _("No voting")
    SUPPORT_OPPOSE = "support_oppose", _("Support, oppose or abstain")
    RATING = "rating", _("Rating from 1 to 5")


class ModerationMode(models.TextChoices):
    POST = "post", _("Publish at once, moderate afterwards")
    PRE = "pre", _("Publish after approval by a moderator")


class ServedByView:
    """A page whose requests (GET, POST, previews) a view of the app answers.

    The page holds content; the view binds forms, calls services and renders. Views register
    themselves with ``serve_with`` when the app is ready (``ParticipationConfig.ready``), so that
    the models import no views.
    """

    _page_view = None

    @classmethod
    def serve_with(cls, view) -> None:
        cls._page_view = staticmethod(view)

    def _view(self, request):
        if type(self)._page_view is None:
            raise RuntimeError(f"No view is registered for {type(self).__name__}.")
        return type(self)._page_view(request, self)

    def serve(self, request, *args, **kwargs):
        request.is_preview = False
        return self._view(request)

    def serve_preview(self, request, mode_name):
        # Wagtail marks the request as a preview; the view renders the draft with everything around it.
        return self._view(request)


class ConsultationPage(ServedByView, Page):
    """A consultation: what the city asks, where, and when citizens may take part."""

    base_form_class = ConsultationPageForm

    intro = models.TextField(_("intro"), max_length=600, help_text=_("A short summary shown in lists."))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    area = models.JSONField(
        _("area"),
        null=True,
        blank=True,
        help_text=_("The area the consultation is about. Map pins must lie inside it."),
    )
    # Bounding box of the area, kept in columns so map queries can use indexes.
    area_min_lon = models.FloatField(null=True, editable=False)
    area_min_lat = models.FloatField(null=True, editable=False)
    area_max_lon = models.FloatField(null=True, editable=False)
    area_max_lat = models.FloatField(null=True, editable=False)

    participation_starts = models.DateTimeField(_("participation starts"))
    participation_ends = models.DateTimeField(_("participation ends"))
    voting_starts = models.DateTimeField(_("voting starts"), null=True, blank=True)
    voting_ends = models.DateTimeField(_("voting ends"), null=True, blank=True)

    allow_comments = models.BooleanField(_("citizens may comment"), default=True)
    allow_map_pins = models.BooleanField(_("citizens may pin comments to the map"), default=True)
    voting_method = models.CharField(
        _("voting method"), max_length=20, choices=VotingMethod.choices, default=VotingMethod.SUPPORT_OPPOSE
    )
    moderation_mode = models.CharField(
        _("moderation"), max_length=10, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    results_published = models.BooleanField(
        _("publish the results"),
        default=False,
        help_text=_(
            "Possible once the consultation has ended (evaluation phase): the results dashboard appears on the "
            "site, and an anonymised open data download (CSV and GeoJSON) is made."
        ),
    )
    # A joint consultation of several municipalities: it lives under one site's home page and is listed, mapped
    # and served by the API on these sites too (participation.selectors.site_scope).
    shared_with_sites = ParentalManyToManyField(
        "wagtailcore.Site",
        blank=True,
        related_name="shared_consultations",
        verbose_name=_("also shown on"),
        help_text=_(
            "A joint consultation: the other sites of this installation that list it, show it on their map and "
            "in their API. Its page stays on its own site."
        ),
    )

    search_fields = [*Page.search_fields, index.SearchField("intro")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("area", widget=AreaWidget),
        MultiFieldPanel(
            [
                FieldPanel("participation_starts"),
                FieldPanel("participation_ends"),
                FieldPanel("voting_starts"),
                FieldPanel("voting_ends"),
            ],
            heading=_("Phases"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("allow_comments"),
                FieldPanel("allow_map_pins"),
                FieldPanel("voting_method"),
                FieldPanel("moderation_mode"),
            ],
            heading=_("What is allowed"),
        ),
        InlinePanel("twin_feature_links", heading=_("Twin objects under discussion"), label=_("Twin object")),
        MultiFieldPanel([FieldPanel("results_published")], heading=_("Results")),
    ]
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("shared_with_sites", widget=forms.CheckboxSelectMultiple),
    ]
    subpage_types = ["participation.ProposalPage", "participation.NewsPage"]
    template = "participation/consultation_page.html"

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if (
            self.participation_starts
            and self.participation_ends
            and self.participation_ends <= self.participation_starts
        ):
            errors["participation_ends"] = _("The participation phase must end after it starts.")
        if bool(self.voting_starts) != bool(self.voting_ends):
            errors["voting_ends"] = _("Give both the start and the end of the voting phase, or neither.")
        elif self.voting_starts and self.voting_ends <= self.voting_starts:
            errors["voting_ends"] = _("The voting phase must end after it starts.")
        if self.voting_method != VotingMethod.NONE and not self.voting_starts:
            errors["voting_starts"] = _("A consultation with voting needs a voting phase.")
        if self.results_published and not errors and self.phase_at(timezone.now()) != Phase.EVALUATE:
            errors["results_published"] = _("Results can be published once the consultation has ended.")
        if self.pk and self._voting_method_locked():
            errors["voting_method"] = _(
                "The voting method cannot be changed once votes have been cast or paper counts entered."
            )
        if self.area:
            try:
                self.area = geometry.clean_area(self.area)
            except geometry.GeometryError as exc:
                errors["area"] = exc.message
        if errors:
            raise ValidationError(errors)
        # Wagtail cleans every page before saving it, so the bbox columns
        # always mirror the stored area.
        bbox = geometry.bbox(self.area) if self.area else (None, None, None, None)
        self.area_min_lon, self.area_min_lat, self.area_max_lon, self.area_max_lat = bbox

    def _voting_method_locked(self) -> bool:
        """The method differs from the stored one, and votes or paper counts under the stored one exist."""
        stored = ConsultationPage.objects.filter(pk=self.pk).values_list("voting_method", flat=True).first()
        if stored is None or stored == self.voting_method:
            return False
        proposals = ProposalPage.objects.child_of(self)
        return proposals.filter(models.Q(votes__isnull=False) | models.Q(analog_entries__isnull=False)).exists()

    @property
    def has_voting(self) -> bool:
        return self.voting_method != VotingMethod.NONE and self.voting_starts is not None

    def phase_at(self, moment: dt.datetime) -> Phase:
        if moment < self.participation_starts:
            return Phase.INFORM
        if self.has_voting and self.voting_starts <= moment < self.voting_ends:
            return Phase.VOTE
        if moment < self.participation_ends:
            return Phase.PARTICIPATE
        if self.has_voting and moment < self.voting_starts:
            return Phase.INFORM  # between discussion and vote
        return Phase.EVALUATE

    @cached_property
    def current_phase(self) -> Phase:
        return self.phase_at(timezone.now())

    @property
    def results_are_public(self) -> bool:
        """Staff published the results of this published consultation, and it has ended: its dashboard is on
        the site and its open data download is made. (Dates moved back later take them off again.)"""
        return self.live and self.results_published and self.current_phase == Phase.EVALUATE

    def is_participation_open(self, moment: dt.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return self.participation_starts <= moment < self.participation_ends

    def is_voting_open(self, moment: dt.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return self.has_voting and self.voting_starts <= moment < self.voting_ends

    def next_phase_date(self, moment: dt.datetime) -> dt.datetime | None:
        """The first of its phase dates after ``moment``: until then, its phase and what is open stay as they are."""
        dates = (self.participation_starts, self.participation_ends, self.voting_starts, self.voting_ends)
        return min((date for date in dates if date is not None and date > moment), default=None)


class ProposalPage(ServedByView, Page):
    """What staff put up for comment and vote inside a consultation."""

    base_form_class = PageForm

    summary = models.TextField(_("summary"), max_length=600)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("twin_feature_links", heading=_("Twin objects this proposal changes"), label=_("Twin object")),
    ]
    parent_page_types = ["participation.ConsultationPage"]
    subpage_types: list[str] = []
    template = "participation/proposal_page.html"

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")


class PhaseAnnouncement(models.Model):
    """The phase of a consultation last announced to screens, phones and followers (``services.switch_phases``).

    The phase itself follows from the dates and the clock (``phase_at``); this row says which one the live
    state was last published for, so the periodic run sees a date pass exactly once. Kept apart from the
    page so that publishing a page revision never rewinds it.
    """

    consultation = models.OneToOneField(
        ConsultationPage, on_delete=models.CASCADE, primary_key=True, related_name="phase_announcement"
    )
    phase = models.CharField(max_length=20, choices=Phase.choices)
    announced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.phase}"
