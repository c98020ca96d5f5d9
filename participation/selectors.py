"""Every read the domain offers: results, lists and map data.

Each selector runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import Page

from participation.models import (
    ConsultationPage,
    Contribution,
    ProposalPage,
    ResultsRevision,
    Vote,
    VoteChoice,
)

Totals = dict[str, int]


def consultation_of(proposal: ProposalPage) -> ConsultationPage:
    """The consultation a proposal belongs to: one query, remembered on the proposal."""
    if getattr(proposal, "_consultation", None) is None:
        proposal._consultation = ConsultationPage.objects.get(path=proposal.path[: -Page.steplen])
    return proposal._consultation


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


def proposals_of(consultation: ConsultationPage, *, live_only: bool = True):
    pages = ProposalPage.objects.child_of(consultation).order_by("path")
    return pages.live() if live_only else pages


def proposals_with_results(*, consultation: ConsultationPage) -> list[ProposalPage]:
    """The consultation's published proposals, each with ``.totals`` set."""
    proposals = list(proposals_of(consultation))
    results = proposal_results(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.totals = results[proposal.pk]
    return proposals


def visible_contributions(*, consultation: ConsultationPage, proposal: ProposalPage | None = None):
    """Published top-level comments with their published replies, oldest first."""
    replies = Contribution.objects.visible().select_related("author").order_by("created_at", "id")
    contributions = (
        Contribution.objects.visible()
        .filter(consultation=consultation, parent__isnull=True)
        .select_related("author", "proposal")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )
    if proposal is not None:
        contributions = contributions.filter(proposal=proposal)
    return contributions


def located_contributions(*, consultation_id: int | None = None, bbox: tuple[float, float, float, float] | None = None):
    """Published comments with a map pin, optionally inside a (min_lon, min_lat, max_lon, max_lat) box."""
    # Comments of a withdrawn (unpublished) consultation leave the public map with it.
    contributions = Contribution.objects.visible().located().filter(consultation__live=True).select_related("proposal")
    if consultation_id is not None:
        contributions = contributions.filter(consultation_id=consultation_id)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        contributions = contributions.filter(
            longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat
        )
    return contributions.order_by("id")


def contribution_feature(contribution: Contribution) -> dict:
    """A published, located comment as a GeoJSON feature: no personal data."""
    return {
        "type": "Feature",
        "id": contribution.pk,
        "geometry": {"type": "Point", "coordinates": [contribution.longitude, contribution.latitude]},
        "properties": {
            "text": contribution.text,
            "consultation": contribution.consultation_id,
            "proposal": contribution.proposal_id,
            "created_at": contribution.created_at.isoformat(),
        },
    }


def feature_collection(contributions: Iterable[Contribution]) -> dict:
    return {"type": "FeatureCollection", "features": [contribution_feature(c) for c in contributions]}


def open_consultations():
    """Published consultations whose participation or voting is open now or ahead, soonest ending first."""
    now = timezone.now()
    return (
        ConsultationPage.objects.live()
        .filter(Q(participation_ends__gt=now) | Q(voting_ends__gt=now))
        .order_by("participation_ends", "pk")
    )


def results_snapshot(*, consultation_id: int) -> dict:
    """The live aggregate of a consultation: what kiosk screens draw. Five queries."""
    revision = ResultsRevision.objects.filter(pk=consultation_id).values_list("value", flat=True).first() or 0
    consultation = ConsultationPage.objects.get(pk=consultation_id)
    proposals = proposals_with_results(consultation=consultation)
    comment_count = Contribution.objects.visible().filter(consultation_id=consultation_id).count()
    return {
        "consultation": consultation_id,
        "revision": revision,
        "title": consultation.title,
        "comments": comment_count,
        "proposals": [
            {"id": p.pk, "title": p.title, "totals": p.totals, "total": sum(p.totals.values())} for p in proposals
        ],
    }


def with_results(proposals: Iterable[ProposalPage]) -> list[ProposalPage]:
    """Set ``.totals`` and ``.consultation_id`` on proposals from any consultations: two queries."""
    proposals = list(proposals)
    parent_paths = {p.path[: -Page.steplen] for p in proposals}
    consultation_ids = dict(ConsultationPage.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    results = proposal_results(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.totals = results[proposal.pk]
        proposal.consultation_id = consultation_ids.get(proposal.path[: -Page.steplen])
    return proposals


def published_proposals(*, consultation_id: int | None = None):
    """Live proposals of live consultations (Wagtail does not unpublish children with their parent)."""
    proposals = (
        ProposalPage.objects.live()
        .annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
        .filter(parent_path__in=ConsultationPage.objects.live().values("path"))
        .order_by("path")
    )
    if consultation_id is not None:
        consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
        if consultation is None:
            return proposals.none()
        proposals = proposals.child_of(consultation)
    return proposals


def contributions_for_moderation(*, state: str | None = None):
    """Contributions for the moderation queue, newest first, with what a moderator needs to judge them."""
    contributions = (
        Contribution.objects.filter(deleted_at__isnull=True)
        .select_related("author", "consultation", "proposal", "parent")
        .order_by("-created_at", "-id")
    )
    if state:
        contributions = contributions.filter(moderation_state=state)
    return contributions
