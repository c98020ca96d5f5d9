"""Import one twin file into TwinFeature rows: one transaction, upserts by (source, twin id).

Rows are updated in place, never deleted and re-created, so that whatever
points at a twin feature (contributions, with on_delete=PROTECT) keeps
pointing at the same row. Objects that are no longer in the file stay unless
``prune`` is asked for.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import shapely
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from participation.models import TwinFeature, TwinKind
from participation.services.twin_tiles import twin_changed
from participation.twin import crs as crs_module
from participation.twin.readers import detect, reader_for
from participation.twin.records import Skipped, TwinImportError, TwinRecord
from participation.twin.summary import ImportSummary
from participation.twin_tiles import tile_key

BATCH_SIZE = 500
PROGRESS_STEP = 25  # records between progress reports (the job writer throttles its writes)
UPDATE_FIELDS = [
    "kind",
    "name",
    "address",
    "function",
    "roof_type",
    "height",
    "storeys",
    "geometry",
    "latitude",
    "longitude",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    "tile_key",
    "attributes",
    "updated_at",
]
_LIMITS = {name: TwinFeature._meta.get_field(name).max_length for name in ("name", "address", "function", "roof_type")}


def import_twin_file(
    *,
    path: str | Path,
    source: str | None = None,
    crs: str | None = None,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a CityGML, CityJSON or GeoJSON file; all of it or, on any TwinImportError, nothing."""
    path = Path(path)
    if not path.is_file():
        raise TwinImportError(_("There is no file “%(path)s”.") % {"path": path})
    if crs:
        crs_module.parse_crs(crs)  # a mistyped --crs fails before the file is read
    started = time.monotonic()
    kind = detect(path)
    summary = ImportSummary(source=source or path.name, format=kind)
    with transaction.atomic():
        _Import(summary, crs=crs, progress=progress).run(reader_for(kind)(path), prune=prune)
        transaction.on_commit(_base_map_changed)
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


class _Import:
    def __init__(self, summary: ImportSummary, *, crs: str | None, progress: Callable[[int], None] | None):
        self.summary, self.crs, self.progress = summary, crs, progress
        self.now = timezone.now()
        self.existing = set(TwinFeature.objects.filter(source=summary.source).values_list("twin_id", flat=True))
        self.seen: set[str] = set()
        self.crs_names: set[str] = set()

    def run(self, items: Iterable[TwinRecord | Skipped], *, prune: bool) -> None:
        batch: list[TwinFeature] = []
        for item in items:
            if isinstance(item, Skipped):
                self.summary.skipped[item.kind] += 1
                self.summary.skip_reasons[item.reason] += 1
                continue
            batch.append(self.feature(item))
            if self.progress and len(batch) % PROGRESS_STEP == 0:
                # Finer than a batch: a progress bar should move while a tile is read.
                self.progress(self.summary.done)
            if len(batch) >= BATCH_SIZE:
                self.write(batch)
                batch = []
        self.write(batch)
        self.finish(prune=prune)

    def feature(self, record: TwinRecord) -> TwinFeature:
        twin_id = record.twin_id
        if len(twin_id) > 255:
            raise TwinImportError(_("Object “%(id)s…”: the id is longer than 255 characters.") % {"id": twin_id[:40]})
        if twin_id in self.seen:
            raise TwinImportError(_("Object “%(id)s” appears twice in the file.") % {"id": twin_id})
        if _holds_nul((twin_id, record.name, record.address, record.function, record.roof_type, record.attributes)):
            # JSON may carry one (\u0000); PostgreSQL stores none, in text or in jsonb.
            raise TwinImportError(
                _("Object “%(id)s”: one of its texts contains a NUL character, which cannot be stored.")
                % {"id": twin_id.replace("\x00", "\\0")}
            )
        self.seen.add(twin_id)
        geometry = self.reproject(record)
        kind = record.kind if record.kind in TwinKind.values else TwinKind.OTHER
        (self.summary.updated if twin_id in self.existing else self.summary.created)[kind] += 1
        return TwinFeature(
            source=self.summary.source,
            twin_id=twin_id,
            kind=kind,
            name=_fit(record.name, "name"),
            address=_fit(record.address, "address"),
            function=_fit(record.function, "function"),
            roof_type=_fit(record.roof_type, "roof_type"),
            height=record.height,
            storeys=record.storeys,
            **placed(geometry),
            attributes=record.attributes,
            imported_at=self.now,
            updated_at=self.now,
        )

    def reproject(self, record: TwinRecord) -> BaseGeometry:
        """The record's geometry checked with shapely and moved to WGS84 (lon/lat), or TwinImportError."""
        values = {"id": record.twin_id}
        geometry = record.geometry
        if geometry is None or geometry.is_empty:
            raise TwinImportError(_("Object “%(id)s” has an empty geometry.") % values)
        if not geometry.is_valid:
            raise TwinImportError(
                _("Object “%(id)s”: invalid geometry: %(reason)s") % {**values, "reason": explain_validity(geometry)}
            )
        name = self.crs or record.crs
        if not name:
            raise TwinImportError(
                _(
                    "The file does not say which coordinate reference system it uses (object “%(id)s”): "
                    "give it with --crs, e.g. --crs EPSG:25832."
                )
                % values
            )
        try:
            moved = crs_module.to_wgs84(name)(geometry)
            if name not in self.crs_names:
                self.crs_names.add(name)
                self.summary.crs.append(crs_module.describe(name))
        except TwinImportError as exc:
            raise TwinImportError(_("Object “%(id)s”: %(reason)s") % {**values, "reason": exc.message}) from exc
        _check_on_earth(moved, object_id=record.twin_id, crs=name)
        return moved

    def write(self, batch: list[TwinFeature]) -> None:
        if not batch:
            return
        TwinFeature.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["source", "twin_id"],
            update_fields=UPDATE_FIELDS,
        )
        if self.progress:
            self.progress(self.summary.done)

    def finish(self, *, prune: bool) -> None:
        missing = sorted(self.existing - self.seen)
        self.summary.missing = len(missing)
        if prune and missing:
            self.prune(missing)
        if self.progress:
            self.progress(self.summary.done)

    def prune(self, missing: list[str]) -> None:
        for start in range(0, len(missing), BATCH_SIZE):
            chunk = missing[start : start + BATCH_SIZE]
            try:
                TwinFeature.objects.filter(source=self.summary.source, twin_id__in=chunk).delete()
            except ProtectedError as exc:
                ids = sorted({obj.twin_id for obj in exc.protected_objects if isinstance(obj, TwinFeature)})
                raise TwinImportError(
                    _("Cannot remove objects that are no longer in the file; contributions refer to them: %(ids)s")
                    % {"ids": ", ".join(ids[:10]) or _("(some)")}
                ) from exc
            self.summary.removed += len(chunk)


def placed(geometry: BaseGeometry) -> dict:
    """A twin object's geometry (WGS84) as its row keeps it: GeoJSON, centroid and bounding-box columns."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    centroid = geometry.centroid
    return {
        "geometry": _geojson(geometry),
        "latitude": centroid.y,
        "longitude": centroid.x,
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "tile_key": tile_key(geometry.bounds),
    }


def _base_map_changed() -> None:
    twin_changed(objects=TwinFeature.objects.count())


def _check_on_earth(geometry: BaseGeometry, *, object_id: str, crs: str) -> None:
    """Coordinates far off longitude/latitude mean the CRS is wrong: say so instead of storing them."""
    bounds = geometry.bounds
    min_lon, min_lat, max_lon, max_lat = bounds
    if not all(map(math.isfinite, bounds)) or min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise TwinImportError(
            _(
                "Object “%(id)s”: its coordinates do not lie on earth when read in %(crs)s. "
                "Is that the right coordinate reference system? Give another with --crs."
            )
            % {"id": object_id, "crs": crs}
        )


def _geojson(geometry: BaseGeometry) -> dict:
    """GeoJSON of a WGS84 geometry, rounded to 1e-9° (0.1 mm): the source data is at best millimetre-precise."""
    rounded = shapely.transform(geometry, lambda coords: np.round(coords, 9), include_z=None)
    mapped = mapping(rounded)
    return _lists(mapped)


def _lists(value):
    """mapping() gives tuples; JSON fields give lists back, so store lists and compare equal after a reload."""
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(item) for item in value]
    return value


def _holds_nul(value) -> bool:
    """Whether a text in ``value`` (texts, lists and dicts of them, keys too) contains a NUL character."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def _fit(value: str, field_name: str) -> str:
    # Display fields only: the full text stays in the attributes.
    return (value or "")[: _LIMITS[field_name]]
