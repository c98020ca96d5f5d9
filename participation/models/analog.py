"""What came on paper: counts from dot-voting boards and ballot cards, typed in by staff.

Entries are append-only. A correction is a new entry that supersedes the old
one; the old one stays, with who entered it and when, for the audit trail.
Totals count the entries nobody has superseded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.pages import ConsultationPage, ProposalPage
from participation.models.polls import Poll, PollOption
from participation.models.votes import VoteChoice


class AnalogEntry(models.Model):
    """One batch of paper counts for one proposal or one poll, from one source at one event."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="analog_entries", verbose_name=_("consultation")
    )
    proposal = models.ForeignKey(
        ProposalPage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analog_entries",
        verbose_name=_("proposal"),
    )
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, null=True, blank=True, related_name="analog_entries", verbose_name=_("poll")
    )
    event = models.CharField(_("event"), max_length=200, help_text=_("e.g. 'Bürgerforum, 12 November'"))
    source = models.CharField(_("source"), max_length=200, help_text=_("e.g. 'Pin board in the foyer'"))
    note = models.TextField(_("note"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo of the sheet"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="analog_entries",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )

    class Meta:
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper entries")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=False, poll__isnull=True)
                | models.Q(proposal__isnull=True, poll__isnull=False),
                name="analog_entry_counts_a_proposal_or_a_poll",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.event})"


class AnalogCount(models.Model):
    """One number of an entry: votes for a choice on a proposal, ticks of a poll option, or marks at a scale value."""

    entry = models.ForeignKey(AnalogEntry, on_delete=models.CASCADE, related_name="counts")
    choice = models.CharField(_("choice"), max_length=10, choices=VoteChoice.choices, blank=True)
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(choice__gt="") & models.Q(option__isnull=True, value__isnull=True))
                | (models.Q(choice="") & models.Q(option__isnull=False, value__isnull=True))
                | (models.Q(choice="") & models.Q(option__isnull=True, value__gte=1, value__lte=5)),
                name="analog_count_names_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.choice or self.option_id or self.value}: {self.count}"
