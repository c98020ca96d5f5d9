"""The twin base map's tiles, read through the cache: each tile is computed once per twin revision.

A tile is kept gzipped under a key naming the twin's revision, so an import (or a removal) makes every old
tile unreachable at once; the services forget the revision when they change the twin. Pages put the
revision in the tiles' address, so browsers keep a tile for as long as the twin stays the same.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q, TextField
from django.db.models.functions import Cast

from participation.models import BUILDING_KINDS, TwinFeature
from participation.selectors.boxes import BBox, box_meets
from participation.selectors.site_scope import twin_features_on_site
from participation.selectors.sites import EVERY_SITE, SiteScope
from participation.twin_tiles import (
    EXTENT,
    TileFeature,
    encode_tile,
    tile_bounds,
    tile_key_of,
    tile_range,
    tiles_covering,
)
from participation.twin_tiles.encode import CLIP_MARGIN, LABEL_MARGIN, MIN_AREA

STATE_KEY = "twin-tiles:state"
STATE_SECONDS = 300  # a twin changed behind the services' back (a shell, a restore) shows within this
TILE_SECONDS = 7 * 24 * 3600


def twin_map_state(*, seen: str | None = None, twin_sources: tuple[str, ...] = ()) -> dict | None:
    """What a map needs to know of the twin (of ``twin_sources``, a site's; none: all) before drawing it, or None if it
    has no objects: ``{"revision": text that changes whenever the objects change, "bounds": (west, south, east,
    north), "sources": [dataset names]}``. One query (its figures per source, summed up here), then the cache's
    until the twin changes.

    Where the cache is one process' own (no REDIS_URL), the services' forgetting does not reach the other
    processes (a second server, a command run beside it): pages read the state afresh, and a tile that names
    a revision (``seen``, the ?v= a page gave it) other than the one kept reads it afresh too.
    """
    shared = bool(settings.REDIS_URL)
    state = cache.get(STATE_KEY) if shared or seen else None
    if state is None or (seen and state["revision"] != seen):
        per_source = list(
            TwinFeature.objects.order_by("source")
            .values("source")
            .annotate(
                count=Count("id"),
                last=Max("id"),
                updated=Max("updated_at"),
                west=Min("min_lon"),
                south=Min("min_lat"),
                east=Max("max_lon"),
                north=Max("max_lat"),
            )
        )
        state = {"revision": None}
        if per_source:
            count = sum(row["count"] for row in per_source)
            last = max(row["last"] for row in per_source)
            updated = max(row["updated"] for row in per_source)
            text = f"{count}:{last}:{updated.isoformat()}"
            state = {
                "revision": hashlib.sha256(text.encode()).hexdigest()[:12],
                "boxes": {row["source"]: (row["west"], row["south"], row["east"], row["north"]) for row in per_source},
            }
        cache.set(STATE_KEY, state, STATE_SECONDS)
    return _state_of_sources(state, twin_sources)


def _state_of_sources(state: dict, twin_sources: tuple[str, ...]) -> dict | None:
    """The twin's state narrowed to the datasets a site shows: their bounds and names."""
    if not state["revision"]:
        return None
    boxes = {name: box for name, box in state["boxes"].items() if not twin_sources or name in twin_sources}
    if not boxes:
        return None
    return {
        "revision": state["revision"],
        "bounds": tuple(fold(box[index] for box in boxes.values()) for index, fold in enumerate((min, min, max, max))),
        "sources": list(boxes),
    }


def twin_revision(*, seen: str | None = None) -> str:
    """The twin's revision (``twin_map_state``), "empty" without objects."""
    state = twin_map_state(seen=seen)
    return state["revision"] if state else "empty"


def forget_twin_revision() -> None:
    """Called after the twin changed: the next map and tile see it afresh."""
    cache.delete(STATE_KEY)


def twin_tile_features(*, zoom: int, x: int, y: int, site: SiteScope = EVERY_SITE) -> list[TileFeature]:
    """The objects a tile draws: those meeting it (and its clip margin), and the named ones near enough for
    their label to reach into it. One query, on the tile-key index: its cost follows the tile, not the city."""
    bounds = tile_bounds(zoom, x, y, margin=CLIP_MARGIN / EXTENT)
    reach = tile_bounds(zoom, x, y, margin=LABEL_MARGIN / EXTENT)
    # The exact box test runs on the few rows the tile keys find: on copies of the box columns, so that the
    # database does not combine it with their own indexes (each matching half a city).
    near = box_meets(bounds, prefix="row_")
    labelled = box_meets(reach, prefix="row_") & ~Q(name="")
    # A building whose bounding box is below a pixel cannot be drawn: left in the database (most of a city
    # at the lowest zooms), by its box columns.
    unit = 360.0 / (tile_range(zoom) * EXTENT)  # degrees of longitude per tile unit
    smallest = MIN_AREA * unit * unit * math.cos(math.radians((bounds[1] + bounds[3]) / 2))
    too_small = Q(kind__in=BUILDING_KINDS) & Q(box_size__lt=smallest)
    rows = (
        twin_features_on_site(TwinFeature.objects.all(), site=site)
        .alias(
            box_size=(F("max_lon") - F("min_lon")) * (F("max_lat") - F("min_lat")),
            **{f"row_{name}": F(name) + 0.0 for name in ("min_lon", "min_lat", "max_lon", "max_lat")},
        )
        .filter(_in_tiles(reach, zoom))
        .filter(near | labelled)
        .exclude(too_small)
        .annotate(geometry_text=Cast("geometry", output_field=TextField()))
        .order_by("id")
        .values_list("id", "kind", "name", "geometry_text")
    )
    return [TileFeature(*row) for row in rows]


def _in_tiles(bounds: BBox, zoom: int) -> Q:
    """Objects whose tile key lies in (starts with the key of) a tile at ``zoom`` meeting ``bounds``, or
    holds it (is a start of that key: objects larger than it, or on an edge, and those without a key)."""
    keys = [tile_key_of(zoom, x, y) for x, y in tiles_covering(bounds, zoom)]
    condition = Q(tile_key__in={key[:length] for key in keys for length in range(len(key))})
    for key in keys:
        condition |= Q(tile_key__gte=key, tile_key__lt=key + "4")  # the digits are 0-3
    return condition


def sources_tag(site: SiteScope) -> str:
    """A short name of the twin datasets a site shows, for the keys of what differs between sites ("": all)."""
    if not site.twin_sources:
        return ""
    return hashlib.sha256("\n".join(site.twin_sources).encode()).hexdigest()[:12]


def twin_tile(*, zoom: int, x: int, y: int, revision: str | None = None, site: SiteScope = EVERY_SITE) -> bytes:
    """The tile (zoom, x, y) of the site's datasets as gzipped JSON, from the cache, else computed and kept
    there."""
    key = f"twin-tiles:{revision or twin_revision()}:{sources_tag(site)}:{zoom}:{x}:{y}"
    body = cache.get(key)
    if body is None:
        tile = encode_tile(twin_tile_features(zoom=zoom, x=x, y=y, site=site), zoom=zoom, x=x, y=y)
        body = gzip.compress(json.dumps(tile, separators=(",", ":")).encode(), compresslevel=6, mtime=0)
        cache.set(key, body, TILE_SECONDS)
    return body
