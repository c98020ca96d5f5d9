"""The domain: consultations, proposals, contributions and votes.

Models hold data and the invariants the database can keep (constraints,
field validation). Rules about who may do what live in ``rules.py``; every
write goes through ``services.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from participation import geometry
from participation.blocks import BodyBlock
from participation.widgets import AreaWidget


class Phase(models.TextChoices):
    INFORM = "inform", _("Information")
    PARTICIPATE = "participate", _("Participation")
    VOTE = "vote", _("Voting")
    EVALUATE = "evaluate", _("Evaluation")


class VotingMethod(models.TextChoices):
    NONE = "none", _("No voting")
    SUPPORT_OPPOSE = "support_oppose", _("Support, oppose or abstain")


class ModerationMode(models.TextChoices):
    POST = "post", _("Publish at once, moderate afterwards")
    PRE = "pre", _("Publish after approval by a moderator")


class FormPageMixin:
    """Pages that take citizens' input and show it again, bound, when it is refused."""

    def render_with(self, request, *, status: int = 200, **forms) -> TemplateResponse:
        return TemplateResponse(request, self.get_template(request), self.get_context(request, **forms), status=status)


class ConsultationPage(FormPageMixin, Page):
    """A consultation: what the city asks, where, and when citizens may take part."""

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
    ]
    subpage_types = ["participation.ProposalPage"]
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

    def is_participation_open(self, moment: dt.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return self.participation_starts <= moment < self.participation_ends

    def is_voting_open(self, moment: dt.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return self.has_voting and self.voting_starts <= moment < self.voting_ends

    def get_context(self, request, *args, **kwargs):
        from participation.views import consultation_context

        context = super().get_context(request, *args)
        context.update(consultation_context(request, self, **kwargs))
        return context

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            from participation.views import handle_comment

            return handle_comment(request, consultation=self, proposal=None, page=self)
        return super().serve(request, *args, **kwargs)


class ProposalPage(FormPageMixin, Page):
    """What staff put up for comment and vote inside a consultation."""

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

    def get_context(self, request, *args, **kwargs):
        from participation.views import proposal_context

        context = super().get_context(request, *args)
        context.update(proposal_context(request, self, **kwargs))
        return context

    def serve(self, request, *args, **kwargs):
        from participation.selectors import consultation_of

        # Wagtail routes to a live child of an unpublished page; the proposal
        # is public only while its consultation is (previews stay possible).
        if not consultation_of(self).live and not getattr(request, "is_preview", False):
            raise Http404
        if request.method == "POST":
            from participation.views import handle_proposal_post

            return handle_proposal_post(request, proposal=self)
        return super().serve(request, *args, **kwargs)


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    TERMINAL = "terminal", _("room terminal")
    ANALOG = "analog", _("analog entry")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    APPROVED = "approved", _("published")
    HIDDEN = "hidden", _("hidden by moderation")


class ContributionQuerySet(models.QuerySet):
    def visible(self) -> ContributionQuerySet:
        return self.filter(moderation_state=ModerationState.APPROVED, deleted_at__isnull=True)

    def located(self) -> ContributionQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Contribution(models.Model):
    """A comment on a consultation or proposal, or a reply to one. Never hard-deleted."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("consultation")
    )
    proposal = models.ForeignKey(
        ProposalPage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("proposal"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("author"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    text = models.TextField(_("text"), max_length=settings.CONTRIBUTION_MAX_LENGTH)
    # Where the contribution is: a point, line or area as GeoJSON (WGS84), and
    # its representative point in latitude/longitude for map queries; or, as
    # well, the twin object it is about.
    geometry = models.JSONField(_("geometry"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    twin_feature = models.ForeignKey(
        "participation.TwinFeature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("twin object"),
    )
    moderation_state = models.CharField(
        _("moderation state"), max_length=10, choices=ModerationState.choices, default=ModerationState.APPROVED
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "moderation_state", "created_at"]),
            models.Index(fields=["latitude", "longitude"]),
            # The map's clusters of a consultation: read from the index alone, without the rows.
            models.Index(
                fields=["consultation", "moderation_state", "latitude", "longitude"],
                condition=models.Q(deleted_at__isnull=True),
                name="contribution_map",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # SQL checks pass on NULL: without the explicit "is not null",
                # a point with only one coordinate would get through.
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (
                    models.Q(latitude__isnull=False, longitude__isnull=False)
                    & models.Q(latitude__gte=-90, latitude__lte=90)
                    & models.Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="contribution_point_complete_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class VoteChoice(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    """One vote per citizen per proposal; changing it updates the same row."""

    proposal = models.ForeignKey(ProposalPage, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("choice"), max_length=10, choices=VoteChoice.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="one_vote_per_voter_and_proposal"),
            models.CheckConstraint(condition=models.Q(choice__in=VoteChoice.values), name="vote_choice_is_known"),
        ]

    def __str__(self) -> str:
        return f"{self.choice} ({self.proposal_id})"


class ResultsRevision(models.Model):
    """A counter bumped in every transaction that changes a consultation's results.

    Live frames carry it so screens can drop frames older than what they show,
    whichever server process sent them. Kept apart from the page so that
    publishing a page revision never rewinds it.
    """

    consultation = models.OneToOneField(
        ConsultationPage, on_delete=models.CASCADE, primary_key=True, related_name="results_revision"
    )
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.value}"


class TwinKind(models.TextChoices):
    BUILDING = "building", _("Building")
    BUILDING_PART = "building_part", _("Building part")
    ROAD = "road", _("Road")
    STREET = "street", _("Street")
    SQUARE = "square", _("Square")
    PARK = "park", _("Park")
    LAND_USE = "land_use", _("Land use")
    PLANT_COVER = "plant_cover", _("Vegetation")
    WATER = "water", _("Water")
    BRIDGE = "bridge", _("Bridge")
    CITY_FURNITURE = "city_furniture", _("City furniture")
    OTHER = "other", _("Other")


class TwinFeature(models.Model):
    """One object of the city's digital twin, imported from CityGML, CityJSON or GeoJSON.

    Rows are updated in place on re-import (by source and twin id) and removed
    only on request, so that contributions can point at them with PROTECT.
    """

    source = models.CharField(_("source"), max_length=255, help_text=_("The dataset the object came from."))
    twin_id = models.CharField(_("twin id"), max_length=255, help_text=_("The object's id in its dataset."))
    kind = models.CharField(_("kind"), max_length=20, choices=TwinKind.choices, default=TwinKind.OTHER)
    name = models.CharField(_("name"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    function = models.CharField(_("function"), max_length=255, blank=True)
    roof_type = models.CharField(_("roof type"), max_length=100, blank=True)
    height = models.FloatField(_("height (m)"), null=True, blank=True)
    storeys = models.PositiveSmallIntegerField(_("storeys above ground"), null=True, blank=True)
    # GeoJSON geometry in WGS84, lon/lat order: the footprint of solids, the line of a street.
    geometry = models.JSONField(_("geometry"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # Bounding box in columns so that map queries ("what lies in this view") use indexes.
    # One index per column: PostgreSQL combines them (bitmap AND) for a view's four conditions.
    min_lon = models.FloatField(db_index=True)
    min_lat = models.FloatField(db_index=True)
    max_lon = models.FloatField(db_index=True)
    max_lat = models.FloatField(db_index=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("first imported"), default=timezone.now)
    updated_at = models.DateTimeField(_("last imported"), default=timezone.now)

    class Meta:
        verbose_name = _("twin feature")
        verbose_name_plural = _("twin features")
        ordering = ["source", "twin_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "twin_id"], name="twin_feature_unique_per_source"),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="twin_feature_centroid"),
        ]

    def __str__(self) -> str:
        return self.name or self.address or self.twin_id

    @property
    def label(self) -> str:
        """How pages name the object: its name or address, else its kind and twin id."""
        if self.name or self.address:
            return self.name or self.address
        return f"{self.get_kind_display()} {self.twin_id}"


class TwinFeatureLink(Orderable):
    """A twin object tied to a page: what the consultation or proposal is about."""

    twin_feature = models.ForeignKey(
        TwinFeature, on_delete=models.PROTECT, related_name="+", verbose_name=_("twin object")
    )
    panels = [FieldPanel("twin_feature")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return str(self.twin_feature)


class ConsultationTwinFeature(TwinFeatureLink):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="twin_feature_links")

    class Meta(TwinFeatureLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "twin_feature"], name="consultation_twin_feature_once"),
        ]


class ProposalTwinFeature(TwinFeatureLink):
    page = ParentalKey(ProposalPage, on_delete=models.CASCADE, related_name="twin_feature_links")

    class Meta(TwinFeatureLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "twin_feature"], name="proposal_twin_feature_once"),
        ]


class TwinImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _twin_import_upload_to(job: TwinImportJob, filename: str) -> str:
    import uuid  # here, not at the top: this block is appended to the file

    # A folder per upload keeps the file's own name (and its ".city.json") intact.
    return f"twin-imports/{uuid.uuid4().hex}/{filename}"


class TwinImportJob(models.Model):
    """One twin file uploaded in the admin and imported by a Celery task (participation.tasks.run_twin_import).

    Progress counts the objects the importer has handled (created, updated or
    skipped) against the number a quick scan of the file counted beforehand.
    """

    file = models.FileField(_("file"), upload_to=_twin_import_upload_to, max_length=500)
    file_name = models.CharField(_("file name"), max_length=255, help_text=_("The name of the uploaded file."))
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    source = models.CharField(_("source"), max_length=255, help_text=_("The dataset's name; re-imports update it."))
    crs = models.CharField(_("coordinate reference system"), max_length=100, blank=True)
    prune = models.BooleanField(_("remove objects no longer in the file"), default=False)
    # The language of whoever started the job: the importer's messages are stored in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TwinImportStatus.choices, default=TwinImportStatus.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField(_("objects handled"), default=0)
    progress_total = models.PositiveIntegerField(_("objects in the file"), null=True, blank=True)
    summary = models.JSONField(_("summary"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("twin import")
        verbose_name_plural = _("twin imports")
        ordering = ["-created_at", "-id"]
        # "participation.import_twin": given to staff (e.g. the Editors group) in the admin's group settings.
        permissions = [("import_twin", _("Can import twin files"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {TwinImportStatus.DONE, TwinImportStatus.FAILED}

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == TwinImportStatus.DONE else None
        return min(100, round(100 * self.progress_done / self.progress_total))
