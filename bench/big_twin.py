"""A twin the size of a real city, from the repository's own city-model files: the Delft model
(data/twin/delft.city.json: buildings, roads, water, green) and the named streets of Garching
(data/twin/garching-streets.geojson), each imported once through the real import, then copied on a grid
until the city has ``buildings`` buildings. The base map's benchmark (bench/basemap.py) and its tests use it.

Copies are rows, not imports: one import of the Delft file takes seconds, 300 of them would take an hour,
and what is measured is the map, not the import (bench/scenarios/twin_import.py measures that).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from participation.models import TwinFeature
from participation.services import import_twin_file
from participation.services.twin_features import placed

DATA = Path(__file__).resolve().parents[1] / "data" / "twin"
DELFT, STREETS = DATA / "delft.city.json", DATA / "garching-streets.geojson"
COPIED = ("kind", "name", "address", "function", "roof_type", "height", "storeys", "attributes")
BATCH = 2000
GAP = 1.02  # copies sit side by side, a street's width apart


def build_big_twin(*, buildings: int = 50_000, source: str = "big-twin") -> dict:
    """Import the files once, copy them on a grid up to ``buildings`` buildings; return what was made."""
    import_twin_file(path=DELFT, source=f"{source}-0")
    template = list(TwinFeature.objects.filter(source=f"{source}-0").values("twin_id", "geometry", *COPIED))
    per_copy = sum(row["kind"] in ("building", "building_part") for row in template)
    copies = math.ceil(buildings / per_copy)
    columns = math.ceil(math.sqrt(copies))
    west, south, east, north = _bounds(row["geometry"] for row in template)
    step = ((east - west) * GAP, (north - south) * GAP)
    batch: list[TwinFeature] = []
    for copy in range(1, copies):
        offset = ((copy % columns) * step[0], (copy // columns) * step[1])
        batch += [_copied(row, offset, source=f"{source}-{copy}") for row in template]
        if len(batch) >= BATCH:
            TwinFeature.objects.bulk_create(batch)
            batch = []
    TwinFeature.objects.bulk_create(batch)
    city = (west, south, west + columns * step[0], south + math.ceil(copies / columns) * step[1])
    _streets_over(city, source=f"{source}-streets")
    return {
        "buildings": per_copy * copies,
        "objects": TwinFeature.objects.filter(source__startswith=source).count(),
        "bounds": city,
    }


def _streets_over(city: tuple[float, float, float, float], *, source: str) -> None:
    """The Garching streets (named: the labels), imported, then moved onto the middle of the city."""
    import_twin_file(path=STREETS, source=source)
    rows = list(TwinFeature.objects.filter(source=source).values("pk", "geometry"))
    west, south, east, north = _bounds(row["geometry"] for row in rows)
    offset = ((city[0] + city[2]) / 2 - (west + east) / 2, (city[1] + city[3]) / 2 - (south + north) / 2)
    moved = []
    for row in rows:
        feature = _copied({"twin_id": "", "geometry": row["geometry"]}, offset, source=source)
        feature.pk = row["pk"]
        moved.append(feature)
    TwinFeature.objects.bulk_update(moved, ["geometry", *_BOX_FIELDS], batch_size=BATCH)


_BOX_FIELDS = ("latitude", "longitude", "min_lon", "min_lat", "max_lon", "max_lat")


def _copied(row: dict, offset: tuple[float, float], *, source: str) -> TwinFeature:
    geometry = shapely.transform(shape(row["geometry"]), lambda xy: xy + np.array(offset))
    copied = {name: row[name] for name in COPIED if name in row}
    return TwinFeature(source=source, twin_id=row["twin_id"], **placed(geometry), **copied)


def _bounds(geometries) -> tuple[float, float, float, float]:
    boxes = np.array([shape(geometry).bounds for geometry in geometries])
    return boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()
