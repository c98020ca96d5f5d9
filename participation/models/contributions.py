"""Contributions: comments, ideas and replies, with their place and moderation state. Never hard-deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.pages import ConsultationPage, ProposalPage


class Channel(models.TextChoices):
    """Where a vote, an answer or a contribution was made; every total is split by it and summed."""

    ONLINE = "online", _("online")
    PHONE = "phone", _("phone in the room")
    TERMINAL = "terminal", _("room terminal")
    ANALOG = "analog", _("on paper")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    APPROVED = "approved", _("published")
    HIDDEN = "hidden", _("hidden by moderation")


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
    # Who wrote it, whatever the channel: an account, a room phone (audience
    # questions) or a terminal session. Staff transcribing paper leave it empty.
    participant = models.ForeignKey(
        "participation.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("participant"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # Typed in from paper: where the card came from, and who typed it (staff, not shown in public).
    paper_source = models.CharField(_("paper source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
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
    # Changed by its author after posting (within CONTRIBUTION_EDIT_MINUTES): the earlier texts are its revisions.
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Withdrawn by its author (or with the deleted account): gone from every public read, kept for moderation.
    deleted_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "moderation_state", "created_at"]),
            models.Index(fields=["latitude", "longitude"]),
            # The map's clusters of a consultation: read from the index alone, without the rows. The
            # proposal and the parent are in it for the visibility rule (selectors.contributions).
            models.Index(
                fields=["consultation", "moderation_state", "latitude", "longitude", "proposal", "parent"],
                condition=models.Q(deleted_at__isnull=True),
                name="contribution_map_public",
            ),
            # The few contributions that are not shown (waiting, hidden, deleted): their replies are not public.
            models.Index(
                fields=["id"],
                condition=~models.Q(moderation_state="approved", deleted_at__isnull=True),
                name="contribution_not_shown",
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


class ContributionRevision(models.Model):
    """An earlier text of a contribution, kept when its author changed it: what it said, and from when to when."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("contribution")
    )
    text = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written"))
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier text of a contribution")
        verbose_name_plural = _("earlier texts of contributions")
        ordering = ["contribution", "replaced_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class OfficialAnswer(models.Model):
    """The city's answer to a contribution ("Stellungnahme der Stadt"), written by staff; who wrote and who last
    changed it, and when, are kept."""

    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, related_name="official_answer", verbose_name=_("contribution")
    )
    text = models.TextField(_("text"), max_length=settings.CONTRIBUTION_MAX_LENGTH * 2)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("official answer")
        verbose_name_plural = _("official answers")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def was_changed(self) -> bool:
        return self.updated_at > self.created_at
