"""Vote totals, split by channel and summed, and the live aggregate of a consultation that kiosk screens draw.

Every surface (pages, the API, the OGC API, screens, exports) reads totals
here: votes online, from phones in the room and at terminals, and the counts
typed in from paper, which a correction replaces.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Count, F, Sum, Value

from participation.models import (
    AnalogCount,
    Channel,
    ConsultationPage,
    Participant,
    ProposalPage,
    ResultsRevision,
    Vote,
    VoteChoice,
)
from participation.selectors.contributions import comment_wall, public_contributions
from participation.selectors.pages import parent_path, proposals_of

Totals = dict[str, int]
ChannelTotals = dict[str, Totals]


def empty_totals() -> Totals:
    return dict.fromkeys(VoteChoice.values, 0)


def empty_channel_totals() -> ChannelTotals:
    return {channel: empty_totals() for channel in Channel.values}


def summed(by_channel: ChannelTotals) -> Totals:
    totals = empty_totals()
    for channel_totals in by_channel.values():
        for choice, count in channel_totals.items():
            totals[choice] += count
    return totals


def proposal_channel_results(*, proposal_ids: Iterable[int]) -> dict[int, ChannelTotals]:
    """Vote totals per proposal and channel, paper included: ``{7: {"online": {"support": 3, ...}, ...}}``.

    One query: the votes counted per channel, and the paper counts of the
    entries no correction has replaced, summed by the database.
    """
    proposal_ids = list(proposal_ids)
    results = {pk: empty_channel_totals() for pk in proposal_ids}
    votes = (
        Vote.objects.filter(proposal_id__in=proposal_ids)
        .values_list("proposal_id", "channel", "choice")
        .annotate(count=Count("id"))
        .order_by()
    )
    paper = (
        AnalogCount.objects.filter(entry__proposal_id__in=proposal_ids, entry__superseded_by__isnull=True)
        .annotate(proposal=F("entry__proposal_id"), paper=Value(Channel.ANALOG.value, output_field=CharField()))
        .values_list("proposal", "paper", "choice")
        .annotate(count=Sum("count"))
        .order_by()
    )
    for proposal_id, channel, choice, count in votes.union(paper, all=True):
        results[proposal_id][channel][choice] += count
    return results


def proposal_results(*, proposal_ids: Iterable[int]) -> dict[int, Totals]:
    """Vote totals per proposal, all channels summed, e.g. ``{7: {"support": 3, "oppose": 1, "abstain": 0}}``."""
    return {pk: summed(by_channel) for pk, by_channel in proposal_channel_results(proposal_ids=proposal_ids).items()}


def proposals_with_results(*, consultation: ConsultationPage) -> list[ProposalPage]:
    """The consultation's published proposals, each with ``.totals`` set."""
    proposals = list(proposals_of(consultation))
    results = proposal_channel_results(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.by_channel = results[proposal.pk]
        proposal.totals = summed(proposal.by_channel)
    return proposals


def with_results(proposals: Iterable[ProposalPage]) -> list[ProposalPage]:
    """Set ``.totals`` and ``.consultation_id`` on proposals from any consultations: two queries."""
    proposals = list(proposals)
    consultation_ids = dict(
        ConsultationPage.objects.filter(path__in={parent_path(p) for p in proposals}).values_list("path", "pk")
    )
    results = proposal_results(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.totals = results[proposal.pk]
        proposal.consultation_id = consultation_ids.get(parent_path(proposal))
    return proposals


def own_vote(*, voter, proposal: ProposalPage) -> str | None:
    """The choice an account or a participant made on a proposal, or None (also for visitors)."""
    if isinstance(voter, Participant):
        votes = Vote.objects.filter(participant=voter)
    elif voter.is_authenticated:
        votes = Vote.objects.filter(participant__user=voter)
    else:
        return None
    return votes.filter(proposal=proposal).values_list("choice", flat=True).first()


def own_votes(*, participant: Participant | None, proposal_ids: Iterable[int]) -> dict[int, str]:
    """A participant's choices on these proposals, by proposal id (to show them as chosen): one query."""
    if participant is None:
        return {}
    rows = Vote.objects.filter(participant=participant, proposal_id__in=list(proposal_ids))
    return dict(rows.values_list("proposal_id", "choice"))


def results_revision(*, consultation_id: int) -> int:
    """The revision of a consultation's live state (0 before its first write): one query."""
    return ResultsRevision.objects.filter(pk=consultation_id).values_list("value", flat=True).first() or 0


def results_revisions(*, consultation_ids: Iterable[int]) -> dict[int, int]:
    """The revision of each consultation: one query, whatever their number."""
    consultation_ids = list(consultation_ids)
    found = dict(ResultsRevision.objects.filter(pk__in=consultation_ids).values_list("pk", "value"))
    return {pk: found.get(pk, 0) for pk in consultation_ids}


def results_snapshot(*, consultation_id: int) -> dict:
    """The live aggregate of a consultation: what kiosk screens draw, the comment wall included. Six queries."""
    revision = results_revision(consultation_id=consultation_id)
    consultation = ConsultationPage.objects.get(pk=consultation_id)
    proposals = proposals_with_results(consultation=consultation)
    comment_count = public_contributions(consultation_id=consultation_id).count()
    return {
        "consultation": consultation_id,
        "revision": revision,
        "title": consultation.title,
        # What is open follows the clock; a phase date passing moves the revision on (``services.switch_phases``).
        "phase": consultation.current_phase.value,
        "voting_open": consultation.is_voting_open(),
        "comments": comment_count,
        "wall": comment_wall(consultation_id=consultation_id),
        "proposals": [
            {
                "id": p.pk,
                "title": p.title,
                "totals": p.totals,
                "by_channel": p.by_channel,
                "total": sum(p.totals.values()),
            }
            for p in proposals
        ],
    }
