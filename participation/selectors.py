"""Every read the domain offers: results, lists and map data.

Each selector runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import Page

from participation.models import (
    ConsultationPage,
    Contribution,
    ProposalPage,
    ProposalTwinFeature,
    ResultsRevision,
    TwinFeature,
    TwinKind,
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
        .select_related("author", "proposal", "twin_feature")
        .defer("twin_feature__geometry", "twin_feature__attributes")
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


# --- Twin objects: their pages, search, and the public map with clusters ---------------------------
# This section's own imports stay with it.
import math  # noqa: E402

from django.db.models import Avg, Exists, F, FloatField, Func, OuterRef, Value, aggregates  # noqa: E402
from django.urls import reverse  # noqa: E402

from participation.geometry import intersects as shapes_meet  # noqa: E402
from participation.models import ConsultationTwinFeature  # noqa: E402

ViewBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat) in WGS84

TWIN_SEARCH_LIMIT = 20
TWIN_SEARCH_CANDIDATES = 200  # read at most this many before checking them against an area
# Columns of a twin object a list or the map needs; the attributes (often large) stay in the database.
TWIN_HEAVY_FIELDS = ("attributes",)

MAP_CELL_PIXELS = 80  # one cluster cell is about this many screen pixels wide at the requested zoom
MAP_MAX_CELLS = 1024  # whatever the view and zoom: at most this many clusters in one answer
MAP_UNCLUSTERED_LIMIT = 300  # up to this many contributions in a view are sent one by one, with their text
TWIN_MAP_LIMIT = 600  # footprints in one answer; more in the view are sent as clusters
TWIN_MAP_MIN_ZOOM = 15  # below this zoom, twin objects are sent as clusters only


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


def _overlapping(queryset, bbox: ViewBox):
    """Twin objects whose bounding box (indexed columns) overlaps ``bbox``."""
    west, south, east, north = bbox
    return queryset.filter(min_lon__lte=east, max_lon__gte=west, min_lat__lte=north, max_lat__gte=south)


def search_twin_features(
    *, query: str, consultation: ConsultationPage | None = None, limit: int = TWIN_SEARCH_LIMIT
) -> list[TwinFeature]:
    """Twin objects whose name, address or twin id contains ``query``; with a consultation, only those a
    comment on it may be about (meeting its area, or tied to it), the tied ones first. Two queries."""
    query = (query or "").strip()
    if not query:
        return []
    features = TwinFeature.objects.filter(
        Q(name__icontains=query) | Q(address__icontains=query) | Q(twin_id__icontains=query)
    ).defer(*TWIN_HEAVY_FIELDS)
    if consultation is None or not consultation.area:
        return list(features.order_by("name", "address", "twin_id")[:limit])
    linked = set(ConsultationTwinFeature.objects.filter(page=consultation).values_list("twin_feature_id", flat=True))
    bbox = (consultation.area_min_lon, consultation.area_min_lat, consultation.area_max_lon, consultation.area_max_lat)
    candidates = features.filter(
        Q(pk__in=linked) | Q(min_lon__lte=bbox[2], max_lon__gte=bbox[0], min_lat__lte=bbox[3], max_lat__gte=bbox[1])
    ).order_by("name", "address", "twin_id")[:TWIN_SEARCH_CANDIDATES]
    found = [f for f in candidates if f.pk in linked or shapes_meet(consultation.area, f.geometry)]
    found.sort(key=lambda f: f.pk not in linked)  # stable: the tied ones first, each part in name order
    return found[:limit]


def twin_feature_contributions(*, feature: TwinFeature):
    """Published comments about a twin object in any published consultation, newest first."""
    return (
        Contribution.objects.visible()
        .filter(twin_feature=feature, consultation__live=True)
        .select_related("author", "consultation", "proposal")
        .defer("consultation__body", "proposal__body")
        .order_by("-created_at", "-id")
    )


def twin_feature_proposals(*, feature: TwinFeature) -> list[ProposalPage]:
    """Published proposals tied to a twin object, each with ``.totals`` and its consultation: three queries."""
    proposals = list(published_proposals().filter(twin_feature_links__twin_feature=feature).defer("body"))
    parents = ConsultationPage.objects.filter(path__in={p.path[: -Page.steplen] for p in proposals}).defer("body")
    by_path = {consultation.path: consultation for consultation in parents}
    results = proposal_results(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        proposal.totals = results[proposal.pk]
        proposal.consultation = proposal._consultation = by_path[proposal.path[: -Page.steplen]]
    return proposals


def twin_feature_consultations(*, feature: TwinFeature) -> list[ConsultationPage]:
    """Published consultations about a twin object: tied to it, or with an area it meets. One query."""
    tied = ConsultationTwinFeature.objects.filter(twin_feature=feature).values("page_id")
    candidates = (
        ConsultationPage.objects.live()
        .filter(
            Q(pk__in=tied)
            | Q(
                area_min_lon__lte=feature.max_lon,
                area_max_lon__gte=feature.min_lon,
                area_min_lat__lte=feature.max_lat,
                area_max_lat__gte=feature.min_lat,
            )
        )
        .annotate(is_tied=Exists(tied.filter(page_id=OuterRef("pk"))))
        .defer("body")
        .order_by("-participation_starts", "pk")
    )
    return [c for c in candidates if c.is_tied or shapes_meet(c.area, feature.geometry)]


# The map: grid clusters computed by the database, so that a view of 100,000 comments stays fast.


class GridIndex(Func):
    """FLOOR(coordinate / cell): the column (or row) of the map grid a coordinate falls in."""

    arg_joiner = " / "
    template = "FLOOR(%(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, cell: float):
        super().__init__(expression, Value(float(cell)))

    def as_sqlite(self, compiler, connection, **extra_context):
        # FLOOR is missing from SQLite builds without its math functions; this works in every build.
        sql, params = self.as_sql(compiler, connection, template="(%(expressions)s)", **extra_context)
        return f"(CAST({sql} AS INTEGER) - ({sql} < CAST({sql} AS INTEGER)))", [*params, *params, *params]


def grid_cell(bbox: ViewBox, zoom: int | None) -> tuple[float, float]:
    """(width, height) of a grid cell in degrees: about MAP_CELL_PIXELS at ``zoom`` (else 1/16 of the view),
    made coarser until the view holds at most MAP_MAX_CELLS cells."""
    west, south, east, north = bbox
    if zoom is not None:
        width = 360.0 / 2 ** max(0, min(zoom, 24)) * MAP_CELL_PIXELS / 256
    else:
        width = max(east - west, north - south, 1e-6) / 16
    # Web Mercator stretches latitude: a square cell on the screen is flatter in degrees.
    height = width * max(math.cos(math.radians((south + north) / 2)), 0.05)
    while (math.floor(east / width) - math.floor(west / width) + 1) * (
        math.floor(north / height) - math.floor(south / height) + 1
    ) > MAP_MAX_CELLS:
        width, height = width * 2, height * 2
    return width, height


def _cells(queryset, *, longitude: str, latitude: str, cell: tuple[float, float]) -> list[dict]:
    """Rows per grid cell: count, mean position and the lowest id. One query."""
    return list(
        queryset.annotate(cx=GridIndex(F(longitude), cell[0]), cy=GridIndex(F(latitude), cell[1]))
        .values("cx", "cy")
        .annotate(count=Count("id"), lon=Avg(longitude), lat=Avg(latitude), first=aggregates.Min("id"))
        .order_by()
    )


def _merge_cells(*groups: list[dict]) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for row in (row for group in groups for row in group):
        key = (row["cx"], row["cy"])
        if key not in merged:
            merged[key] = dict(row)
            continue
        cell = merged[key]
        total = cell["count"] + row["count"]
        cell["lon"] = (cell["lon"] * cell["count"] + row["lon"] * row["count"]) / total
        cell["lat"] = (cell["lat"] * cell["count"] + row["lat"] * row["count"]) / total
        cell["count"], cell["first"] = total, min(cell["first"], row["first"])
    return sorted(merged.values(), key=lambda cell: (cell["cy"], cell["cx"]))


def cluster_feature(cell: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [cell["lon"], cell["lat"]]},
        "properties": {"cluster": True, "count": cell["count"]},
    }


def _in_box(bbox: ViewBox, *, longitude: str, latitude: str) -> Q:
    west, south, east, north = bbox
    return Q(
        **{f"{longitude}__gte": west, f"{longitude}__lte": east, f"{latitude}__gte": south, f"{latitude}__lte": north}
    )


def _public_map_contributions(consultation_id: int | None):
    contributions = Contribution.objects.visible().filter(consultation__live=True)
    if consultation_id is not None:
        contributions = contributions.filter(consultation_id=consultation_id)
    return contributions


MAP_ROW_FIELDS = (
    "id",
    "text",
    "geometry",
    "latitude",
    "longitude",
    "consultation_id",
    "proposal_id",
    "twin_feature_id",
    "twin_feature__latitude",
    "twin_feature__longitude",
    "created_at",
)


def map_contribution_feature(row: dict) -> dict:
    """A published comment (a MAP_ROW_FIELDS row) as a GeoJSON feature: its point, line or area, or else the
    centroid of its twin object. No personal data."""
    if row["geometry"]:
        shape = row["geometry"]
    elif row["latitude"] is not None:
        shape = {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
    else:
        shape = {"type": "Point", "coordinates": [row["twin_feature__longitude"], row["twin_feature__latitude"]]}
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": shape,
        "properties": {
            "text": row["text"],
            "consultation": row["consultation_id"],
            "proposal": row["proposal_id"],
            "twin_feature": row["twin_feature_id"],
            "created_at": row["created_at"].isoformat(),
        },
    }


def contribution_map(
    *, consultation_id: int | None = None, bbox: ViewBox | None = None, zoom: int | None = None
) -> dict:
    """Published comments with a place in the view, as a GeoJSON FeatureCollection (WGS84).

    A comment's place is its point (a line's or area's representative point), else its twin object's
    centroid. Up to MAP_UNCLUSTERED_LIMIT comments come one by one, with text; more are grouped by the
    database on a grid fitted to ``zoom`` into clusters (``cluster: true``, ``count``, mean position), and
    only comments alone in their cell come with text. Three queries, at most MAP_MAX_CELLS features.
    """
    public = _public_map_contributions(consultation_id)
    pinned = public.filter(latitude__isnull=False, longitude__isnull=False)
    by_object = public.filter(latitude__isnull=True, twin_feature__isnull=False)
    if bbox is not None:
        pinned = pinned.filter(_in_box(bbox, longitude="longitude", latitude="latitude"))
        by_object = by_object.filter(
            _in_box(bbox, longitude="twin_feature__longitude", latitude="twin_feature__latitude")
        )
    cell = grid_cell(bbox or _default_view(consultation_id), zoom)
    cells = _merge_cells(
        _cells(pinned, longitude="longitude", latitude="latitude", cell=cell),
        _cells(by_object, longitude="twin_feature__longitude", latitude="twin_feature__latitude", cell=cell),
    )
    total = sum(c["count"] for c in cells)
    clustered = total > MAP_UNCLUSTERED_LIMIT
    if clustered:
        lone = [c["first"] for c in cells if c["count"] == 1]
        rows = list(public.filter(pk__in=lone).values(*MAP_ROW_FIELDS))
    else:
        rows = [*pinned.values(*MAP_ROW_FIELDS), *by_object.values(*MAP_ROW_FIELDS)]
    features = [map_contribution_feature(row) for row in sorted(rows, key=lambda row: row["id"])]
    if clustered:
        features += [cluster_feature(c) for c in cells if c["count"] > 1]
    return {"type": "FeatureCollection", "clustered": clustered, "total": total, "features": features}


def _default_view(consultation_id: int | None) -> ViewBox:
    consultation = (
        ConsultationPage.objects.filter(pk=consultation_id, area_min_lon__isnull=False)
        .values_list("area_min_lon", "area_min_lat", "area_max_lon", "area_max_lat")
        .first()
        if consultation_id is not None
        else None
    )
    return consultation or (-180.0, -85.0, 180.0, 85.0)


def twin_map_feature(feature: TwinFeature) -> dict:
    return {
        "type": "Feature",
        "id": feature.pk,
        "geometry": feature.geometry,
        "properties": {
            "label": feature.label,
            "kind": feature.kind,
            "kind_label": str(feature.get_kind_display()),
            "url": reverse("participation:twin-feature", args=[feature.pk]),
        },
    }


def twin_feature_map(*, bbox: ViewBox, zoom: int | None = None) -> dict:
    """Twin objects meeting the view as a GeoJSON FeatureCollection of their footprints (WGS84); when the
    view holds more than TWIN_MAP_LIMIT or the zoom is below TWIN_MAP_MIN_ZOOM, grid clusters of their
    centroids instead. Two queries."""
    in_view = _overlapping(TwinFeature.objects.all(), bbox)
    total = in_view.count()
    if total > TWIN_MAP_LIMIT or (zoom is not None and zoom < TWIN_MAP_MIN_ZOOM):
        cells = _cells(in_view, longitude="longitude", latitude="latitude", cell=grid_cell(bbox, zoom))
        return {
            "type": "FeatureCollection",
            "clustered": True,
            "total": total,
            "features": [cluster_feature(c) for c in cells],
        }
    features = in_view.defer(*TWIN_HEAVY_FIELDS).order_by("id")
    return {
        "type": "FeatureCollection",
        "clustered": False,
        "total": total,
        "features": [twin_map_feature(f) for f in features],
    }


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


# --- The 3D scene of a consultation: the twin's buildings and what citizens said about them ---

SCENE_KINDS = (TwinKind.BUILDING, TwinKind.BUILDING_PART)
SCENE_LIMIT = 5000


@dataclass
class SceneBuilding:
    """A building of the twin in a consultation's scene, with the comments and votes tied to it."""

    feature: TwinFeature
    contributions: int = 0
    proposals: list[ProposalPage] = field(default_factory=list)
    totals: Totals = field(default_factory=empty_totals)

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


def twin_buildings_in_area(*, consultation: ConsultationPage, limit: int = SCENE_LIMIT):
    """The twin's buildings and building parts whose bounding box meets the consultation area's bounding box."""
    if consultation.area_min_lon is None:
        return TwinFeature.objects.none()
    return TwinFeature.objects.filter(
        kind__in=SCENE_KINDS,
        min_lon__lte=consultation.area_max_lon,
        max_lon__gte=consultation.area_min_lon,
        min_lat__lte=consultation.area_max_lat,
        max_lat__gte=consultation.area_min_lat,
    ).order_by("id")[: limit + 1]


def consultation_scene(*, consultation: ConsultationPage, limit: int = SCENE_LIMIT) -> Scene:
    """The buildings of a consultation's area (at most ``limit``), each with the published comments of the
    consultation tied to it and the votes on the consultation's published proposals tied to it. Five queries."""
    features = list(twin_buildings_in_area(consultation=consultation, limit=limit))
    truncated = len(features) > limit
    buildings = {feature.pk: SceneBuilding(feature=feature) for feature in features[:limit]}
    if not buildings:
        return Scene(buildings=[], truncated=False)
    comment_counts = (
        Contribution.objects.visible()
        .filter(consultation=consultation, twin_feature__isnull=False)
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
    return Scene(buildings=list(buildings.values()), truncated=truncated)


def scene_feature(building: SceneBuilding) -> dict:
    """A building of the scene as a GeoJSON feature (WGS84): flat properties, as map renderers want them."""
    feature = building.feature
    return {
        "type": "Feature",
        "id": feature.pk,
        "geometry": feature.geometry,
        "properties": {
            "id": feature.pk,
            "name": str(feature),
            "kind": feature.kind,
            "height": feature.height,  # metres above ground; null when the twin does not know it
            "contributions": building.contributions,
            "proposals": len(building.proposals),
            **building.totals,
            "support_share": building.support_share,
        },
    }


def scene_feature_collection(scene: Scene) -> dict:
    return {
        "type": "FeatureCollection",
        "truncated": scene.truncated,
        "features": [scene_feature(building) for building in scene.buildings],
    }


# --- Map layers for the city's twin (OGC API - Features, participation.ogc) -------------------------
# This section's own imports stay with it, so that it merges apart from the rest of the module
# (TwinFeature and ProposalTwinFeature come from the imports at the top).
from django.db.models import Max, Min  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from participation import geometry as geometry_checks  # noqa: E402

BBox = tuple[float, float, float, float]  # (west, south, east, north) in WGS84; west > east crosses 180°

MAP_CONTRIBUTION_FIELDS = (
    "id",
    "text",
    "channel",
    "created_at",
    "geometry",
    "latitude",
    "longitude",
    "consultation_id",
    "consultation__title",
    "proposal_id",
    "proposal__title",
    "twin_feature_id",
    "twin_feature__twin_id",
    "twin_feature__source",
    "twin_feature__latitude",
    "twin_feature__longitude",
)
TWIN_FEATURE_FIELDS = ("id", "twin_id", "source", "kind", "name", "address", "height", "storeys", "geometry")


def _longitude_in(field: str, west: float, east: float) -> Q:
    if west <= east:
        return Q(**{f"{field}__gte": west, f"{field}__lte": east})
    return Q(**{f"{field}__gte": west}) | Q(**{f"{field}__lte": east})  # the box crosses the antimeridian


def _point_in(bbox: BBox, *, longitude: str, latitude: str) -> Q:
    west, south, east, north = bbox
    return _longitude_in(longitude, west, east) & Q(**{f"{latitude}__gte": south, f"{latitude}__lte": north})


def published_map_contributions():
    """Published contributions the public map shows: approved, not deleted, in a live consultation
    (and on a live proposal, if about one), with a place: a geometry, a point or a twin object."""
    return (
        Contribution.objects.visible()
        .filter(consultation__live=True)
        .filter(Q(proposal__isnull=True) | Q(proposal__live=True))
        .filter(Q(geometry__isnull=False) | Q(latitude__isnull=False) | Q(twin_feature__isnull=False))
    )


def map_contribution_rows(*, bbox: BBox | None = None, created: tuple | None = None):
    """``published_map_contributions`` as plain rows (MAP_CONTRIBUTION_FIELDS), ordered by id: one query.

    ``bbox`` keeps those whose point lies in the box: their own map point, else their twin object's
    centroid (both indexed columns). A line or area is tested by its representative point.
    ``created`` is (start, end), either None for open: the moment a contribution was made.
    """
    rows = published_map_contributions()
    if bbox is not None:
        rows = rows.filter(
            _point_in(bbox, longitude="longitude", latitude="latitude")
            | (
                Q(latitude__isnull=True)
                & _point_in(bbox, longitude="twin_feature__longitude", latitude="twin_feature__latitude")
            )
        )
    if created is not None:
        start, end = created
        if start is not None:
            rows = rows.filter(created_at__gte=start)
        if end is not None:
            rows = rows.filter(created_at__lte=end)
    return rows.order_by("id").values(*MAP_CONTRIBUTION_FIELDS)


def map_contributions_extent() -> dict | None:
    """``{"bbox": BBox, "interval": (first, last)}`` of the published map contributions, or None if none.

    Two queries: the points in SQL; then, in Python, the outlines of lines and areas (few: drawn by hand).
    """
    public = published_map_contributions()
    found = public.aggregate(
        west=Min(Coalesce("longitude", "twin_feature__longitude")),
        south=Min(Coalesce("latitude", "twin_feature__latitude")),
        east=Max(Coalesce("longitude", "twin_feature__longitude")),
        north=Max(Coalesce("latitude", "twin_feature__latitude")),
        first=Min("created_at"),
        last=Max("created_at"),
    )
    if found["first"] is None:
        return None
    boxes = [] if found["west"] is None else [(found["west"], found["south"], found["east"], found["north"])]
    shapes = public.filter(geometry__isnull=False).exclude(geometry__type="Point", latitude__isnull=False)
    for shape in shapes.values_list("geometry", flat=True).iterator(chunk_size=500):
        try:
            boxes.append(geometry_checks.bbox(shape))
        except (geometry_checks.GeometryError, ValueError):
            continue  # a geometry that cannot be read adds nothing to the extent
    bbox = (
        (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        if boxes
        else None
    )
    return {"bbox": bbox, "interval": (found["first"], found["last"])}


def twin_feature_rows(*, bbox: BBox | None = None):
    """Every twin object as plain rows (TWIN_FEATURE_FIELDS), ordered by id: one query.

    ``bbox`` keeps those whose own bounding box (indexed columns) overlaps the box.
    """
    rows = TwinFeature.objects.all()
    if bbox is not None:
        west, south, east, north = bbox
        if west <= east:
            overlaps_longitude = Q(min_lon__lte=east, max_lon__gte=west)
        else:  # the box crosses the antimeridian: [west, 180] and [-180, east]
            overlaps_longitude = Q(max_lon__gte=west) | Q(min_lon__lte=east)
        rows = rows.filter(overlaps_longitude, min_lat__lte=north, max_lat__gte=south)
    return rows.order_by("id").values(*TWIN_FEATURE_FIELDS)


def twin_features_extent() -> BBox | None:
    """The bounding box of every twin object, or None if there are none: one query."""
    found = TwinFeature.objects.aggregate(
        west=Min("min_lon"), south=Min("min_lat"), east=Max("max_lon"), north=Max("max_lat")
    )
    return None if found["west"] is None else (found["west"], found["south"], found["east"], found["north"])


def twin_feature_participation(*, twin_feature_ids: Iterable[int]) -> dict[int, dict]:
    """What citizens said about each twin object: three queries, whatever the number of objects.

    ``{id: {"contributions": n, "votes": {"support": s, "oppose": o, "abstain": a}}}``: the published map
    contributions tied to it, and the votes on the published proposals tied to it, summed.
    """
    ids = list(twin_feature_ids)
    participation = {pk: {"contributions": 0, "votes": empty_totals()} for pk in ids}
    if not ids:
        return participation
    counts = (
        published_map_contributions()
        .filter(twin_feature_id__in=ids)
        .values("twin_feature_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in counts:
        participation[row["twin_feature_id"]]["contributions"] = row["count"]
    links = list(
        ProposalTwinFeature.objects.filter(
            twin_feature_id__in=ids, page__in=published_proposals().values("pk")
        ).values_list("twin_feature_id", "page_id")
    )
    results = proposal_results(proposal_ids={proposal_id for _, proposal_id in links})
    for twin_feature_id, proposal_id in links:
        votes = participation[twin_feature_id]["votes"]
        for choice, count in results[proposal_id].items():
            votes[choice] += count
    return participation
