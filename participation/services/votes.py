"""Votes: one row per participant and proposal, changed in place while voting is open.

``cast_votes`` writes many at once (a room's phones within a few milliseconds of each other): one
transaction, one upsert, one revision bump per consultation. ``cast_vote`` is the same for one vote.

What a vote holds follows its consultation's method: a choice (support, oppose, abstain) or a rating
from 1 to 5; a ballot of the other method is refused with a message saying what to give instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import InvalidInput, ServiceError
from participation.models import RATING_VALUES, Channel, Participant, ProposalPage, Vote, VoteChoice, VotingMethod
from participation.rules import require
from participation.selectors import consultation_of
from participation.services.participants import participant_of
from participation.services.results import publish_after_commit


@dataclass(frozen=True)
class Ballot:
    """One vote to write: who (an account, or a participant such as a room phone), on what, how, from where.

    ``choice`` for a consultation voted on with support/oppose/abstain, ``rating`` (1 to 5) for one rated.
    """

    voter: object
    proposal: ProposalPage
    choice: str = ""
    channel: str = Channel.ONLINE
    rating: int | None = None


def _checked(ballot: Ballot) -> Participant:
    """The participant the ballot counts for, or the refusal (raised) in the voter's language."""
    consultation = consultation_of(ballot.proposal)
    require("participation.vote", ballot.voter, consultation)
    if consultation.voting_method == VotingMethod.RATING:
        if ballot.choice:
            raise InvalidInput(
                _("This consultation is rated from 1 to 5, not voted on with support or oppose."), field="rating"
            )
        if not _is_rating(ballot.rating):
            raise InvalidInput(_("Please choose a rating from 1 to 5."), field="rating")
    else:
        if ballot.rating is not None:
            raise InvalidInput(
                _("This consultation is voted on with support, oppose or abstain, not with a rating."), field="choice"
            )
        if ballot.choice not in VoteChoice.values:
            raise InvalidInput(_("Please choose support, oppose or abstain."), field="choice")
    if ballot.channel not in Channel.values or ballot.channel == Channel.ANALOG:
        raise InvalidInput(_("Paper votes are entered as counts."), field="channel")
    return participant_of(ballot.voter)


# No savepoint when nested (a batch of a room's votes): only a database error leaves it, ending all anyway.
@transaction.atomic(savepoint=False)
def cast_votes(*, ballots: Sequence[Ballot]) -> list[Vote | ServiceError]:
    """Record or change votes on proposals; one row per participant and proposal, whatever the channel.

    Returns, per ballot in order, the vote as written or why it was refused. Of
    two ballots of one participant on one proposal the later counts, as if they
    had come one after the other. A changed vote's ``created_at`` stays that of
    its first version; its choice and channel are the latest.
    """
    outcomes: list[Vote | ServiceError | tuple[int, int]] = []
    latest: dict[tuple[int, int], tuple[Ballot, Participant]] = {}
    for ballot in ballots:
        try:
            participant = _checked(ballot)
        except ServiceError as error:
            outcomes.append(error)
            continue
        key = (ballot.proposal.pk, participant.pk)
        latest[key] = (ballot, participant)
        outcomes.append(key)
    if not latest:
        return outcomes
    written = _upsert(list(latest.values()))
    for consultation_id in sorted({consultation_of(ballot.proposal).pk for ballot, _p in latest.values()}):
        publish_after_commit(consultation_id)
    return [written[outcome] if isinstance(outcome, tuple) else outcome for outcome in outcomes]


def _is_rating(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in RATING_VALUES


def _upsert(rows: list[tuple[Ballot, Participant]]) -> dict[tuple[int, int], Vote]:
    """One upsert for all rows: concurrent votes of one participant end in one row, never an error."""
    now = timezone.now()
    votes = Vote.objects.bulk_create(
        [
            Vote(
                proposal=ballot.proposal,
                participant=participant,
                choice=ballot.choice,
                rating=ballot.rating,
                channel=ballot.channel,
                created_at=now,
                updated_at=now,
            )
            for ballot, participant in rows
        ],
        update_conflicts=True,
        unique_fields=["proposal", "participant"],
        update_fields=["choice", "rating", "channel", "updated_at"],
    )
    if any(vote.pk is None for vote in votes):  # engines that return no ids from an upsert
        keys = {(vote.proposal_id, vote.participant_id) for vote in votes}
        stored = Vote.objects.filter(proposal_id__in={p for p, _ in keys}, participant_id__in={p for _, p in keys})
        votes = [vote for vote in stored if (vote.proposal_id, vote.participant_id) in keys]
    return {(vote.proposal_id, vote.participant_id): vote for vote in votes}


def cast_vote(
    *, voter, proposal: ProposalPage, choice: str = "", rating: int | None = None, channel: str = Channel.ONLINE
) -> Vote:
    """Record or change one vote (``cast_votes`` for one ballot): a ``choice``, or a ``rating`` from 1 to 5 in a
    rated consultation; raises the refusal."""
    ballot = Ballot(voter=voter, proposal=proposal, choice=choice, rating=rating, channel=channel)
    [outcome] = cast_votes(ballots=[ballot])
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome
