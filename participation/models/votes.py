"""Votes on proposals, and the revision counter of a consultation's results."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.contributions import Channel
from participation.models.pages import ConsultationPage, ProposalPage
from participation.models.participants import Participant


class VoteChoice(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    ABSTAIN = "abstain", _("Abstain")


class RatingValue(models.IntegerChoices):
    """A rating from 1 (worst) to 5 (best), with words for each value so that no one has to guess the scale."""

    VERY_POOR = 1, _("1 (very poor)")
    POOR = 2, _("2 (poor)")
    FAIR = 3, _("3 (fair)")
    GOOD = 4, _("4 (good)")
    VERY_GOOD = 5, _("5 (very good)")


RATING_VALUES = RatingValue.values


class Vote(models.Model):
    """One vote per participant per proposal, whatever the channel; changing it updates the same row.

    An account that votes online and again on a phone in the room keeps one
    row: the latest choice, with the channel it came from. A vote holds what
    its consultation's method asks for: a choice (support, oppose, abstain) or
    a rating from 1 to 5, never both.
    """

    proposal = models.ForeignKey(ProposalPage, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("choice"), max_length=10, choices=VoteChoice.choices, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=RatingValue.choices, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "participant"], name="one_vote_per_participant_and_proposal"),
            models.CheckConstraint(
                condition=models.Q(choice__in=VoteChoice.values, rating__isnull=True)
                | models.Q(choice="", rating__isnull=False),
                name="vote_is_a_choice_or_a_rating",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="vote_rating_from_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.choice or self.rating} ({self.proposal_id})"


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
