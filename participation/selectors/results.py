"""Vote totals and the live aggregate of a consultation that kiosk screens draw."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from participation.models import ConsultationPage, ProposalPage, ResultsRevision, Vote, VoteChoice
from participation.selectors.contributions import public_contributions
from participation.selectors.pages import parent_path, proposals_of

Totals = dict[str, int]


def empty_totals() -> Totals:
    return dict.fromkeys(VoteChoice.values, 0)


def proposal_results(*, proposal_ids: Iterable[int]) -> dict[int, Totals]:
    """Vote totals per proposal, e.g. ``{7: {"support": 3, "oppose": 1, "abstain": 0}}``."""
    proposal_ids = list(proposal_ids)
    results = {pk: empty_totals() for pk in proposal_ids}
    rows = (
        Vote.objects.filter(proposal_id__in=proposal_ids)
        .values("proposal_id", "choice")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in rows:
        results[row["proposal_id"]][row["choice"]] = row["count"]
    return results


def proposals_with_results(*, consultation: ConsultationPage) -> list[ProposalPage]:
    """The consultation's published proposals, each with ``.totals`` set."""
    proposals = list(proposals_of(consultation))
    results = proposal_results(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.totals = results[proposal.pk]
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
    """The choice a citizen made on a proposal, or None (also for visitors)."""
    if not voter.is_authenticated:
        return None
    return Vote.objects.filter(proposal=proposal, voter=voter).values_list("choice", flat=True).first()


def results_snapshot(*, consultation_id: int) -> dict:
    """The live aggregate of a consultation: what kiosk screens draw. Five queries."""
    revision = ResultsRevision.objects.filter(pk=consultation_id).values_list("value", flat=True).first() or 0
    consultation = ConsultationPage.objects.get(pk=consultation_id)
    proposals = proposals_with_results(consultation=consultation)
    comment_count = public_contributions(consultation_id=consultation_id).count()
    return {
        "consultation": consultation_id,
        "revision": revision,
        "title": consultation.title,
        "comments": comment_count,
        "proposals": [
            {"id": p.pk, "title": p.title, "totals": p.totals, "total": sum(p.totals.values())} for p in proposals
        ],
    }
