"""Vote totals, split by channel and summed, and the live aggregate of a consultation that kiosk screens draw.

Every surface (pages, the API, the OGC API, screens, exports) reads totals
here: votes online, from phones in the room and at terminals, and the counts
typed in from paper, which a correction replaces.

A consultation votes by one method: support/oppose/abstain (``Totals``: a
count per choice) or a rating from 1 to 5 (``Rating``: the number of
ratings, their average and how many gave each value). ``proposal_tallies``
has both for every proposal, per channel and summed, from one query; the
older ``proposal_channel_results`` and ``proposal_results`` are its choice
counts, in the shape they always had.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.db.models import CharField, Count, F, Sum, Value

from participation.models import (
    RATING_VALUES,
    AnalogCount,
    Channel,
    ConsultationPage,
    Participant,
    ProposalPage,
    ResultsRevision,
    Vote,
    VoteChoice,
    VotingMethod,
)
from participation.selectors.contributions import comment_wall, public_contributions
from participation.selectors.pages import parent_path, proposals_of

Totals = dict[str, int]
ChannelTotals = dict[str, Totals]
Distribution = dict[str, int]  # rating value ("1" to "5", as in JSON) -> how many gave it


class Rating(TypedDict):
    count: int
    average: float | None  # rounded to two decimals; None without ratings
    distribution: Distribution


class Tally(TypedDict):
    """All a proposal's votes: choice counts and ratings, per channel and summed; ``total`` counts both."""

    totals: Totals
    by_channel: ChannelTotals
    rating: Rating
    rating_by_channel: dict[str, Rating]
    total: int


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


def empty_distribution() -> Distribution:
    return {str(value): 0 for value in RATING_VALUES}


def rating_of(distribution: Distribution) -> Rating:
    """The number of ratings, their average (two decimals, None without any) and the distribution."""
    count = sum(distribution.values())
    points = sum(int(value) * n for value, n in distribution.items())
    average = round(points / count, 2) if count else None
    return {"count": count, "average": average, "distribution": dict(distribution)}


def _tally(by_channel: ChannelTotals, ratings: dict[str, Distribution]) -> Tally:
    totals = summed(by_channel)
    distribution = empty_distribution()
    for channel_distribution in ratings.values():
        for value, count in channel_distribution.items():
            distribution[value] += count
    rating = rating_of(distribution)
    return {
        "totals": totals,
        "by_channel": by_channel,
        "rating": rating,
        "rating_by_channel": {channel: rating_of(d) for channel, d in ratings.items()},
        "total": sum(totals.values()) + rating["count"],
    }


def proposal_tallies(*, proposal_ids: Iterable[int]) -> dict[int, Tally]:
    """Every proposal's votes, paper included, per channel and summed, whatever the method: one query.

    ``{7: {"totals": {"support": 3, ...}, "by_channel": {"online": {"support": 2, ...}, ...},
    "rating": {"count": 4, "average": 3.5, "distribution": {"1": 0, ..., "5": 1}},
    "rating_by_channel": {"online": {"count": ..., "average": ..., "distribution": ...}, ...}, "total": 7}}``.
    The votes counted per channel, choice and rating, and the paper counts of the entries no correction
    has replaced (a rated proposal's paper counts are per value), summed by the database.
    """
    proposal_ids = list(proposal_ids)
    choices = {pk: empty_channel_totals() for pk in proposal_ids}
    ratings = {pk: {channel: empty_distribution() for channel in Channel.values} for pk in proposal_ids}
    votes = (
        Vote.objects.filter(proposal_id__in=proposal_ids)
        .values_list("proposal_id", "channel", "choice", "rating")
        .annotate(count=Count("id"))
        .order_by()
    )
    paper = (
        AnalogCount.objects.filter(entry__proposal_id__in=proposal_ids, entry__superseded_by__isnull=True)
        .annotate(proposal=F("entry__proposal_id"), paper=Value(Channel.ANALOG.value, output_field=CharField()))
        .values_list("proposal", "paper", "choice", "value")
        .annotate(count=Sum("count"))
        .order_by()
    )
    for proposal_id, channel, choice, rating, count in votes.union(paper, all=True):
        if choice:
            choices[proposal_id][channel][choice] += count
        elif rating is not None:
            ratings[proposal_id][channel][str(rating)] += count
    return {pk: _tally(choices[pk], ratings[pk]) for pk in proposal_ids}


def proposal_channel_results(*, proposal_ids: Iterable[int]) -> dict[int, ChannelTotals]:
    """Choice counts per proposal and channel, paper included: ``{7: {"online": {"support": 3, ...}, ...}}``.

    One query (``proposal_tallies``, whose ``by_channel`` this is); ratings are in ``proposal_tallies``.
    """
    return {pk: tally["by_channel"] for pk, tally in proposal_tallies(proposal_ids=proposal_ids).items()}


def proposal_results(*, proposal_ids: Iterable[int]) -> dict[int, Totals]:
    """Choice counts per proposal, all channels summed, e.g. ``{7: {"support": 3, "oppose": 1, "abstain": 0}}``."""
    return {pk: tally["totals"] for pk, tally in proposal_tallies(proposal_ids=proposal_ids).items()}


def _set_results(proposal: ProposalPage, tally: Tally, method: str) -> None:
    proposal.method = method
    proposal.by_channel = tally["by_channel"]
    proposal.totals = tally["totals"]
    proposal.rating = tally["rating"]
    proposal.rating_by_channel = tally["rating_by_channel"]
    proposal.vote_count = tally["total"]


def proposals_with_results(*, consultation: ConsultationPage) -> list[ProposalPage]:
    """The consultation's published proposals, each with its results set: ``.method`` (the consultation's
    voting method), ``.totals`` and ``.by_channel`` (choice counts), ``.rating`` and ``.rating_by_channel``
    (``Rating``) and ``.vote_count`` (all votes)."""
    proposals = list(proposals_of(consultation))
    tallies = proposal_tallies(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        _set_results(proposal, tallies[proposal.pk], consultation.voting_method)
    return proposals


def with_results(proposals: Iterable[ProposalPage]) -> list[ProposalPage]:
    """Set the results (as ``proposals_with_results``) and ``.consultation_id`` on proposals from any
    consultations: two queries."""
    proposals = list(proposals)
    consultations = {
        path: (pk, method)
        for path, pk, method in ConsultationPage.objects.filter(
            path__in={parent_path(p) for p in proposals}
        ).values_list("path", "pk", "voting_method")
    }
    tallies = proposal_tallies(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        consultation_id, method = consultations.get(parent_path(proposal), (None, VotingMethod.NONE))
        _set_results(proposal, tallies[proposal.pk], method)
        proposal.consultation_id = consultation_id
    return proposals


def own_vote(*, voter, proposal: ProposalPage) -> str | int | None:
    """The choice (or, in a rated consultation, the rating 1-5) an account or a participant gave a proposal,
    or None (also for visitors)."""
    if isinstance(voter, Participant):
        votes = Vote.objects.filter(participant=voter)
    elif voter.is_authenticated:
        votes = Vote.objects.filter(participant__user=voter)
    else:
        return None
    row = votes.filter(proposal=proposal).values_list("choice", "rating").first()
    return (row[0] or row[1]) if row else None


def own_votes(*, participant: Participant | None, proposal_ids: Iterable[int]) -> dict[int, str | int]:
    """A participant's choices (or ratings 1-5) on these proposals, by proposal id (to show them as chosen):
    one query."""
    if participant is None:
        return {}
    rows = Vote.objects.filter(participant=participant, proposal_id__in=list(proposal_ids))
    return {pk: choice or rating for pk, choice, rating in rows.values_list("proposal_id", "choice", "rating")}


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
        "method": consultation.voting_method,
        "comments": comment_count,
        "wall": comment_wall(consultation_id=consultation_id),
        "proposals": [
            {
                "id": p.pk,
                "title": p.title,
                "method": p.method,
                "totals": p.totals,
                "by_channel": p.by_channel,
                "rating": p.rating,
                "rating_by_channel": p.rating_by_channel,
                "total": p.vote_count,
            }
            for p in proposals
        ],
    }
