"""Votes: one row per participant and proposal, changed in place while voting is open."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import InvalidInput
from participation.models import Channel, Participant, ProposalPage, Vote, VoteChoice
from participation.rules import require
from participation.selectors import consultation_of
from participation.services.participants import participant_of
from participation.services.results import publish_after_commit


@transaction.atomic
def cast_vote(*, voter, proposal: ProposalPage, choice: str, channel: str = Channel.ONLINE) -> Vote:
    """Record or change a vote on a proposal; one row per participant and proposal, whatever the channel.

    ``voter`` is an account (online, or logged in on a phone) or a participant
    (a room phone, a terminal session). The latest vote counts, with the
    channel it came from. Returns the vote as written: a changed vote's stored
    ``created_at`` stays that of its first version.
    """
    consultation = consultation_of(proposal)
    require("participation.vote", voter, consultation)
    if choice not in VoteChoice.values:
        raise InvalidInput(_("Please choose support, oppose or abstain."), field="choice")
    if channel not in Channel.values or channel == Channel.ANALOG:
        raise InvalidInput(_("Paper votes are entered as counts."), field="channel")
    participant: Participant = participant_of(voter)
    now = timezone.now()
    # One upsert: concurrent votes of the same participant end in one row, never an error.
    [vote] = Vote.objects.bulk_create(
        [
            Vote(
                proposal=proposal,
                participant=participant,
                choice=choice,
                channel=channel,
                created_at=now,
                updated_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["proposal", "participant"],
        update_fields=["choice", "channel", "updated_at"],
    )
    publish_after_commit(consultation.pk)
    if vote.pk is None:  # engines that return no ids from an upsert
        vote = Vote.objects.get(proposal=proposal, participant=participant)
    return vote
