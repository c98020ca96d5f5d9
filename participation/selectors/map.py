"""The maps: public contributions and twin objects in a view, clustered by the database when many;
and the same contributions as plain rows for the city's twin (OGC API - Features).

A view of 100,000 comments stays fast: the grid clusters are computed in SQL on indexed columns.
"""

from __future__ import annotations

import math

from django.db.models import Avg, Count, F, FloatField, Func, Max, Min, Q, QuerySet, Value, aggregates
from django.db.models.functions import Coalesce
from django.urls import reverse

from participation import geojson
from participation import geometry as geometry_checks
from participation.models import ConsultationPage, TwinFeature
from participation.selectors.boxes import BBox, area_box, box_meets, point_in
from participation.selectors.contributions import located, public_contributions
from participation.selectors.site_scope import twin_features_on_site
from participation.selectors.sites import EVERY_SITE, SiteScope
from participation.selectors.twin import TWIN_HEAVY_FIELDS

MAP_CELL_PIXELS = 80  # one cluster cell is about this many screen pixels wide at the requested zoom
MAP_MAX_CELLS = 1024  # whatever the view and zoom: at most this many clusters in one answer
MAP_UNCLUSTERED_LIMIT = 300  # up to this many contributions in a view are sent one by one, with their text
TWIN_MAP_LIMIT = 600  # footprints in one answer; more in the view are sent as clusters
TWIN_MAP_MIN_ZOOM = 15  # below this zoom, twin objects are sent as clusters only
WORLD: BBox = (-180.0, -85.0, 180.0, 85.0)

# What a map or the OGC API shows of a contribution: no author, nothing personal.
MAP_ROW_FIELDS = ("id", "text", "consultation_id", "proposal_id", "created_at", *geojson.PLACE_FIELDS)
OGC_ROW_FIELDS = (
    *MAP_ROW_FIELDS,
    "channel",
    "consultation__title",
    "consultation__voting_method",
    "proposal__title",
    "twin_feature__twin_id",
    "twin_feature__source",
)


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


def grid_cell(bbox: BBox, zoom: int | None) -> tuple[float, float]:
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


def _cells(queryset: QuerySet, *, longitude: str, latitude: str, cell: tuple[float, float]) -> list[dict]:
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


def _cluster(cell: dict) -> dict:
    return geojson.cluster_feature(longitude=cell["lon"], latitude=cell["lat"], count=cell["count"])


def map_contribution_feature(row: dict) -> dict:
    """A public contribution (a MAP_ROW_FIELDS row) as the site's maps show it."""
    properties = {
        "text": row["text"],
        "consultation": row["consultation_id"],
        "proposal": row["proposal_id"],
        "twin_feature": row["twin_feature_id"],
        "created_at": row["created_at"].isoformat(),
    }
    return geojson.contribution_feature(row, properties)


def map_contributions(*, consultation_id: int | None = None, site: SiteScope = EVERY_SITE) -> QuerySet:
    """The public contributions the maps show: those with a place (their own, or their twin object's)."""
    return located(public_contributions(consultation_id=consultation_id, site=site))


def _in_view(contributions: QuerySet, bbox: BBox | None) -> tuple[QuerySet, QuerySet]:
    """(those with a point of their own, those placed by their twin object's centroid), both in ``bbox``."""
    pinned = contributions.filter(latitude__isnull=False)
    by_object = contributions.filter(latitude__isnull=True, twin_feature__isnull=False)
    if bbox is not None:
        pinned = pinned.filter(point_in(bbox))
        by_object = by_object.filter(
            point_in(bbox, longitude="twin_feature__longitude", latitude="twin_feature__latitude")
        )
    return pinned, by_object


def contribution_map(
    *,
    consultation_id: int | None = None,
    bbox: BBox | None = None,
    zoom: int | None = None,
    site: SiteScope = EVERY_SITE,
) -> dict:
    """Public contributions with a place in the view, as a GeoJSON FeatureCollection (WGS84).

    A comment's place is its point (a line's or area's representative point), else its twin object's
    centroid. Up to MAP_UNCLUSTERED_LIMIT comments come one by one, with text; more are grouped by the
    database on a grid fitted to ``zoom`` into clusters (``cluster: true``, ``count``, mean position), and
    only comments alone in their cell come with text. Three queries, at most MAP_MAX_CELLS features.
    """
    # Split by how each is placed (which implies it has a place): each part reads the map's covering index.
    public = public_contributions(consultation_id=consultation_id, site=site)
    pinned, by_object = _in_view(public, bbox)
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
        features += [_cluster(c) for c in cells if c["count"] > 1]
    return geojson.feature_collection(features, clustered=clustered, total=total)


def _default_view(consultation_id: int | None) -> BBox:
    if consultation_id is None:
        return WORLD
    consultation = ConsultationPage.objects.filter(pk=consultation_id).only(
        "area_min_lon", "area_min_lat", "area_max_lon", "area_max_lat"
    )
    return next((box for box in map(area_box, consultation) if box is not None), WORLD)


def twin_map_feature(feature: TwinFeature) -> dict:
    properties = {
        "label": feature.label,
        "kind": feature.kind,
        "kind_label": str(feature.get_kind_display()),
        "url": reverse("participation:twin-feature", args=[feature.pk]),
    }
    return geojson.feature(id=feature.pk, geometry=feature.geometry, properties=properties)


def twin_feature_map(*, bbox: BBox, zoom: int | None = None, site: SiteScope = EVERY_SITE) -> dict:
    """Twin objects meeting the view as a GeoJSON FeatureCollection of their footprints (WGS84); when the
    view holds more than TWIN_MAP_LIMIT or the zoom is below TWIN_MAP_MIN_ZOOM, grid clusters of their
    centroids instead. Two queries."""
    in_view = twin_features_on_site(TwinFeature.objects.filter(box_meets(bbox)), site=site)
    total = in_view.count()
    if total > TWIN_MAP_LIMIT or (zoom is not None and zoom < TWIN_MAP_MIN_ZOOM):
        cells = _cells(in_view, longitude="longitude", latitude="latitude", cell=grid_cell(bbox, zoom))
        return geojson.feature_collection(map(_cluster, cells), clustered=True, total=total)
    features = in_view.defer(*TWIN_HEAVY_FIELDS).order_by("id")
    return geojson.feature_collection(map(twin_map_feature, features), clustered=False, total=total)


# --- For the city's twin (participation.ogc) --------------------------------------------------------


def map_contribution_rows(
    *, bbox: BBox | None = None, created: tuple | None = None, site: SiteScope = EVERY_SITE
) -> QuerySet:
    """``map_contributions`` as plain rows (OGC_ROW_FIELDS), ordered by id: one query.

    ``bbox`` keeps those whose point lies in the box: their own map point, else their twin object's
    centroid (both indexed columns). A line or area is tested by its representative point.
    ``created`` is (start, end), either None for open: the moment a contribution was made.
    """
    rows = map_contributions(site=site)
    if bbox is not None:
        by_object = Q(latitude__isnull=True) & point_in(
            bbox, longitude="twin_feature__longitude", latitude="twin_feature__latitude"
        )
        rows = rows.filter(point_in(bbox) | by_object)
    if created is not None:
        start, end = created
        if start is not None:
            rows = rows.filter(created_at__gte=start)
        if end is not None:
            rows = rows.filter(created_at__lte=end)
    return rows.order_by("id").values(*OGC_ROW_FIELDS)


def map_contributions_extent(*, site: SiteScope = EVERY_SITE) -> dict | None:
    """``{"bbox": BBox, "interval": (first, last)}`` of the map contributions, or None if there are none.

    Two queries: the points in SQL; then, in Python, the outlines of lines and areas (few: drawn by hand).
    """
    public = map_contributions(site=site)
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
