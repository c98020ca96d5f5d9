"""Twin objects: their pages, the links staff made, and what citizens said about each."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from participation.geometry import intersects as shapes_meet
from participation.models import (
    ConsultationPage,
    ConsultationTwinFeature,
    ProposalPage,
    ProposalTwinFeature,
    TwinFeature,
)
from participation.selectors.boxes import BBox, box_meets, point_in
from participation.selectors.contributions import located, public_contributions
from participation.selectors.pages import live_consultations, parent_path, published_proposals
from participation.selectors.results import empty_distribution, empty_totals, proposal_tallies, rating_of
from participation.selectors.site_scope import twin_features_on_site
from participation.selectors.sites import EVERY_SITE, SiteScope

# Columns of a twin object a list or the map needs; the attributes (often large) stay in the database.
TWIN_HEAVY_FIELDS = ("attributes",)
TWIN_FEATURE_FIELDS = (
    "id",
    "twin_id",
    "source",
    "kind",
    "name",
    "address",
    "function",
    "height",
    "storeys",
    "geometry",
)


def twin_feature(*, pk: int, site: SiteScope = EVERY_SITE) -> TwinFeature | None:
    """A twin object of the datasets the site shows."""
    return twin_features_on_site(TwinFeature.objects.filter(pk=pk), site=site).first()


def twin_feature_choice(*, pk: int, site: SiteScope = EVERY_SITE) -> TwinFeature | None:
    """A twin object (of the datasets the site shows) for a list or a form, without its (often large)
    attributes."""
    return twin_features_on_site(TwinFeature.objects.filter(pk=pk), site=site).defer(*TWIN_HEAVY_FIELDS).first()


def twin_feature_is_linked(*, feature: TwinFeature, consultation: ConsultationPage, proposal=None) -> bool:
    """True if staff tied the object to the consultation or to the proposal."""
    if ConsultationTwinFeature.objects.filter(page=consultation, twin_feature=feature).exists():
        return True
    return proposal is not None and ProposalTwinFeature.objects.filter(page=proposal, twin_feature=feature).exists()


def linked_twin_features(page) -> list[TwinFeature]:
    """The twin objects staff tied to a consultation or proposal, in their order: one query."""
    links = page.twin_feature_links.select_related("twin_feature").defer(
        *(f"twin_feature__{name}" for name in TWIN_HEAVY_FIELDS)
    )
    return [link.twin_feature for link in links.order_by("sort_order")]


def twin_feature_contributions(*, feature: TwinFeature, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Public comments about a twin object in any consultation the site shows, newest first."""
    return (
        public_contributions(site=site)
        .filter(twin_feature=feature)
        .select_related("author", "consultation", "proposal")
        .defer("consultation__body", "proposal__body")
        .order_by("-created_at", "-id")
    )


def twin_feature_proposals(*, feature: TwinFeature, site: SiteScope = EVERY_SITE) -> list[ProposalPage]:
    """Published proposals tied to a twin object, each with its results (``.totals``, ``.rating``, ``.method``:
    see ``proposals_with_results``) and its consultation: three queries."""
    proposals = list(published_proposals(site=site).filter(twin_feature_links__twin_feature=feature).defer("body"))
    parents = ConsultationPage.objects.filter(path__in={parent_path(p) for p in proposals}).defer("body")
    by_path = {consultation.path: consultation for consultation in parents}
    tallies = proposal_tallies(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.consultation = proposal._consultation = by_path[parent_path(proposal)]
        tally = tallies[proposal.pk]
        proposal.method = proposal.consultation.voting_method
        proposal.totals, proposal.rating, proposal.vote_count = tally["totals"], tally["rating"], tally["total"]
    return proposals


def twin_feature_consultations(*, feature: TwinFeature, site: SiteScope = EVERY_SITE) -> list[ConsultationPage]:
    """Published consultations about a twin object: tied to it, or with an area it meets. One query."""
    tied = ConsultationTwinFeature.objects.filter(twin_feature=feature).values("page_id")
    feature_box = (feature.min_lon, feature.min_lat, feature.max_lon, feature.max_lat)
    candidates = (
        live_consultations(site=site)
        .filter(Q(pk__in=tied) | box_meets(feature_box, prefix="area_"))
        .annotate(is_tied=Exists(tied.filter(page_id=OuterRef("pk"))))
        .defer("body")
        .order_by("-participation_starts", "pk")
    )
    return [c for c in candidates if c.is_tied or shapes_meet(c.area, feature.geometry)]


def twin_feature_rows(*, bbox: BBox | None = None, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Every twin object as plain rows (TWIN_FEATURE_FIELDS), ordered by id: one query.

    ``bbox`` keeps those whose own bounding box (indexed columns) overlaps the box.
    """
    rows = TwinFeature.objects.all() if bbox is None else TwinFeature.objects.filter(box_meets(bbox))
    return twin_features_on_site(rows, site=site).order_by("id").values(*TWIN_FEATURE_FIELDS)


def twin_features_extent(*, site: SiteScope = EVERY_SITE) -> BBox | None:
    """The bounding box of every twin object the site shows, or None if there are none: one query."""
    found = twin_features_on_site(TwinFeature.objects.all(), site=site).aggregate(
        west=Min("min_lon"), south=Min("min_lat"), east=Max("max_lon"), north=Max("max_lat")
    )
    return None if found["west"] is None else (found["west"], found["south"], found["east"], found["north"])


def twin_feature_participation(*, twin_feature_ids: Iterable[int], site: SiteScope = EVERY_SITE) -> dict[int, dict]:
    """What citizens said about each twin object: three queries, whatever the number of objects.

    ``{id: {"contributions": n, "votes": {"support": s, "oppose": o, "abstain": a}, "rating": {"count": c,
    "average": 3.5, "distribution": {"1": 0, ..., "5": 2}}}}``: the public contributions tied to it, and the
    votes on the published proposals tied to it, summed (choices, and the ratings of rated consultations).
    """
    ids = list(twin_feature_ids)
    participation = {pk: {"contributions": 0, "votes": empty_totals(), "rating": empty_distribution()} for pk in ids}
    if not ids:
        return participation
    counts = (
        located(public_contributions(site=site))
        .filter(twin_feature_id__in=ids)
        .values("twin_feature_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in counts:
        participation[row["twin_feature_id"]]["contributions"] = row["count"]
    links = list(
        ProposalTwinFeature.objects.filter(
            twin_feature_id__in=ids, page__in=published_proposals(site=site).values("pk")
        ).values_list("twin_feature_id", "page_id")
    )
    tallies = proposal_tallies(proposal_ids={proposal_id for _, proposal_id in links})
    for twin_feature_id, proposal_id in links:
        votes, distribution = participation[twin_feature_id]["votes"], participation[twin_feature_id]["rating"]
        for choice, count in tallies[proposal_id]["totals"].items():
            votes[choice] += count
        for value, count in tallies[proposal_id]["rating"]["distribution"].items():
            distribution[value] += count
    for counted in participation.values():
        counted["rating"] = rating_of(counted["rating"])
    return participation


def twin_source_imported_at(*, source: str):
    """When the objects of a source were last imported (or updated), None if it has none."""
    return TwinFeature.objects.filter(source=source).aggregate(latest=Max("updated_at"))["latest"]


def twin_features_of_source(*, source: str, bbox: BBox) -> QuerySet:
    """A source's objects whose centroid lies in ``bbox``, by twin id."""
    return TwinFeature.objects.filter(point_in(bbox), source=source).order_by("twin_id")
