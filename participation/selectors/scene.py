"""The 3D scene of a consultation: the twin's buildings and what citizens said about them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from participation import geojson
from participation.models import ConsultationPage, ProposalPage, ProposalTwinFeature, TwinFeature, TwinKind, VoteChoice
from participation.selectors.boxes import area_box, box_meets
from participation.selectors.contributions import public_contributions
from participation.selectors.results import (
    Distribution,
    Rating,
    Totals,
    empty_distribution,
    empty_totals,
    proposals_with_results,
    rating_of,
)
from participation.selectors.site_scope import twin_features_on_site
from participation.selectors.sites import EVERY_SITE, SiteScope

SCENE_KINDS = (TwinKind.BUILDING, TwinKind.BUILDING_PART)
SCENE_LIMIT = 5000


@dataclass
class SceneBuilding:
    """A building of the twin in a consultation's scene, with the comments and votes tied to it."""

    feature: TwinFeature
    contributions: int = 0
    proposals: list[ProposalPage] = field(default_factory=list)
    totals: Totals = field(default_factory=empty_totals)
    ratings: Distribution = field(default_factory=empty_distribution)  # of rated proposals (a rating 1-5)

    @property
    def rating(self) -> Rating:
        """The ratings of the proposals tied to it: count, average (None without any) and distribution."""
        return rating_of(self.ratings)

    @property
    def support_share(self) -> float | None:
        """Support among the support and oppose votes (abstentions left out), 0..1; None without such votes."""
        decided = self.totals[VoteChoice.SUPPORT] + self.totals[VoteChoice.OPPOSE]
        return self.totals[VoteChoice.SUPPORT] / decided if decided else None

    @property
    def has_voices(self) -> bool:
        return bool(self.contributions or self.proposals)


@dataclass
class Scene:
    buildings: list[SceneBuilding]
    truncated: bool  # more buildings in the area than the limit


def twin_buildings_in_area(
    *, consultation: ConsultationPage, limit: int = SCENE_LIMIT, site: SiteScope = EVERY_SITE
) -> QuerySet:
    """The twin's buildings and building parts whose bounding box meets the consultation area's bounding box."""
    bbox = area_box(consultation)
    if bbox is None:
        return TwinFeature.objects.none()
    buildings = twin_features_on_site(TwinFeature.objects.filter(box_meets(bbox), kind__in=SCENE_KINDS), site=site)
    return buildings.order_by("id")[: limit + 1]


def consultation_scene(
    *, consultation: ConsultationPage, limit: int = SCENE_LIMIT, site: SiteScope = EVERY_SITE
) -> Scene:
    """The buildings of a consultation's area (at most ``limit``), each with the public comments of the
    consultation tied to it and the votes on the consultation's published proposals tied to it. Five queries."""
    features = list(twin_buildings_in_area(consultation=consultation, limit=limit, site=site))
    truncated = len(features) > limit
    buildings = {feature.pk: SceneBuilding(feature=feature) for feature in features[:limit]}
    if not buildings:
        return Scene(buildings=[], truncated=False)
    comment_counts = (
        public_contributions(consultation_id=consultation.pk)
        .filter(twin_feature__isnull=False)
        .values_list("twin_feature_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for feature_id, count in comment_counts:
        if feature_id in buildings:
            buildings[feature_id].contributions = count
    proposals = {proposal.pk: proposal for proposal in proposals_with_results(consultation=consultation)}
    # Bounded by the consultation's links, not by the buildings in the area: no list of thousands of ids.
    links = (
        ProposalTwinFeature.objects.filter(page_id__in=list(proposals))
        .values_list("twin_feature_id", "page_id")
        .order_by("page__path")
    )
    for feature_id, proposal_id in links:
        if feature_id not in buildings:
            continue
        building, proposal = buildings[feature_id], proposals[proposal_id]
        building.proposals.append(proposal)
        for choice, count in proposal.totals.items():
            building.totals[choice] += count
        for value, count in proposal.rating["distribution"].items():
            building.ratings[value] += count
    return Scene(buildings=list(buildings.values()), truncated=truncated)


def scene_feature(building: SceneBuilding) -> dict:
    """A building of the scene as a GeoJSON feature (WGS84): flat properties, as map renderers want them."""
    feature = building.feature
    properties = {
        "id": feature.pk,
        "name": str(feature),
        "kind": feature.kind,
        "height": feature.height,  # metres above ground; null when the twin does not know it
        "contributions": building.contributions,
        "proposals": len(building.proposals),
        **building.totals,
        "support_share": building.support_share,
        "rating_count": building.rating["count"],
        "rating_average": building.rating["average"],
    }
    return geojson.feature(id=feature.pk, geometry=feature.geometry, properties=properties)


def scene_feature_collection(scene: Scene) -> dict:
    return geojson.feature_collection(map(scene_feature, scene.buildings), truncated=scene.truncated)
