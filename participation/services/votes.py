"""Votes: one row per voter and proposal, changed in place while voting is open."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import InvalidInput
from participation.models import Channel, ProposalPage, Vote, VoteChoice
from participation.rules import require
from participation.selectors import consultation_of
from participation.services.results import publish_after_commit


@transaction.atomic
def cast_vote(*, voter, proposal: ProposalPage, choice: str, channel: str = Channel.ONLINE) -> Vote:
    """Record or change a citizen's vote on a proposal; one row per voter and proposal."""
    consultation = consultation_of(proposal)
    require("participation.vote", voter, consultation)
    if choice not in VoteChoice.values:
        raise InvalidInput(_("Please choose support, oppose or abstain."), field="choice")
    now = timezone.now()
    # One upsert: concurrent votes of the same citizen end in one row, never an error.
    Vote.objects.bulk_create(
        [Vote(proposal=proposal, voter=voter, choice=choice, channel=channel, created_at=now, updated_at=now)],
        update_conflicts=True,
        unique_fields=["proposal", "voter"],
        update_fields=["choice", "channel", "updated_at"],
    )
    publish_after_commit(consultation.pk)
    return Vote.objects.get(proposal=proposal, voter=voter)
