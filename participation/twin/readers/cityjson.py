"""CityJSON 1.0, 1.1 and 2.0: every city object type, vertices with or without ``transform``.

The whole file is read into memory (JSON has no cheap streaming); the vertex
list becomes one numpy array so that faces are looked up by index in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from participation.models import TwinKind
from participation.twin import footprint
from participation.twin.readers import address, common
from participation.twin.records import Skipped, TwinImportError, TwinRecord

KINDS = {
    "Building": TwinKind.BUILDING,
    "BuildingPart": TwinKind.BUILDING_PART,
    "Road": TwinKind.ROAD,
    "TransportSquare": TwinKind.SQUARE,
    "LandUse": TwinKind.LAND_USE,
    "PlantCover": TwinKind.PLANT_COVER,
    "SolitaryVegetationObject": TwinKind.PLANT_COVER,
    "WaterBody": TwinKind.WATER,
    "Waterway": TwinKind.WATER,
    "Bridge": TwinKind.BRIDGE,
    "BridgePart": TwinKind.BRIDGE,
    "CityFurniture": TwinKind.CITY_FURNITURE,
}  # GenericCityObject, Railway, Tunnel, OtherConstruction, extensions ("+Noise...") -> other
SURFACES = {"MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid"}
VERSIONS = ("1.0", "1.1", "2.0")
# What a city object's members that are not as the specification has them make Python raise while reading it
# (a number where a list should be, a list where an object should be, a missing key): the object is refused.
_MISSHAPEN = (TypeError, KeyError, AttributeError, IndexError, ValueError)


def read(path: Path) -> Iterator[TwinRecord | Skipped]:
    data = common.load_json(path)
    if not isinstance(data, dict) or data.get("type") != "CityJSON":
        raise TwinImportError(_("The file is not a CityJSON file (its “type” is not “CityJSON”)."))
    version = str(data.get("version", ""))
    if not version.startswith(VERSIONS):
        raise TwinImportError(
            _("CityJSON version “%(version)s” is not supported (1.0, 1.1 and 2.0 are).") % {"version": version}
        )
    model = _Model(data)
    for twin_id in model.objects:
        try:
            record = model.record(twin_id)
        except TwinImportError:
            raise
        except _MISSHAPEN as exc:
            raise TwinImportError(
                _("Object “%(id)s” is not written as CityJSON defines it: %(reason)s")
                % {"id": twin_id, "reason": exc.__class__.__name__ + (f" ({exc})" if str(exc) else "")}
            ) from exc
        yield record


class _Model:
    """One CityJSON file: its vertices in real coordinates and its objects."""

    def __init__(self, data: dict[str, Any]):
        self.objects: dict[str, dict] = data.get("CityObjects") or {}
        if not isinstance(self.objects, dict) or not all(isinstance(obj, dict) for obj in self.objects.values()):
            raise TwinImportError(_("“CityObjects” must be an object whose members are city objects."))
        metadata = data.get("metadata") or {}
        self.crs: str | None = metadata.get("referenceSystem") if isinstance(metadata, dict) else None
        if not isinstance(self.crs, str | None):
            raise TwinImportError(_("“metadata.referenceSystem” must name a coordinate reference system."))
        self.crs = self.crs or None
        self.vertices = _vertices(data)
        self._parts: dict[str, tuple[BaseGeometry | None, str, np.ndarray]] = {}

    def record(self, twin_id: str) -> TwinRecord | Skipped:
        obj = self.objects[twin_id]
        type_name = str(obj.get("type", ""))
        kind = KINDS.get(type_name, TwinKind.OTHER)
        if reason := common.skip_reason(type_name):
            return Skipped(twin_id, "", reason)
        shape, made_from, coords = self._shape(twin_id)
        if shape is None:
            return Skipped(twin_id, kind, common.no_geometry(type_name))
        attributes = dict(obj.get("attributes") or {})
        z_min, z_max = _z_range(coords)
        height, height_from = common.height(attributes.get("measuredHeight"), z_min, z_max, kind=kind)
        addresses = [item for item in address.from_cityjson(obj.get("address")) if item]
        attributes["_twin"] = common.derived(
            type=type_name,
            z_min=z_min,
            z_max=z_max,
            footprint=made_from,
            height_from=height_from,
            addresses=addresses,
            parent=", ".join(obj.get("parents") or []),
        )
        return TwinRecord(
            twin_id=twin_id,
            kind=kind,
            geometry=shape,
            crs=self.crs,
            name=common.text(attributes.get("name")),
            address="; ".join(address.one_line(item) for item in addresses),
            function=common.function(attributes),
            roof_type=common.text(attributes.get("roofType")),
            height=height,
            storeys=common.storeys(attributes.get("storeysAboveGround")),
            attributes=attributes,
        )

    def _shape(self, twin_id: str) -> tuple[BaseGeometry | None, str, np.ndarray]:
        obj = self.objects[twin_id]
        geometries = [g for g in obj.get("geometry") or [] if isinstance(g, dict)]
        surfaces = [g for g in geometries if g.get("type") in SURFACES]
        if surfaces:
            chosen = max(surfaces, key=_lod)
            faces, ground = self._faces(chosen, object_id=twin_id)
            coords = np.concatenate([face[0] for face in faces]) if faces else np.empty((0, 3))
            if ground:
                polygons = footprint.faces_in_plan(ground, object_id=twin_id)
                if polygons:
                    return footprint.areas(polygons), "GroundSurface", coords
            return footprint.footprint(faces, object_id=twin_id), "surfaces", coords
        children = [self._part(child) for child in obj.get("children") or [] if child in self.objects]
        areas = [
            shape for shape, _from, _coords in children if shape is not None and shape.geom_type.endswith("Polygon")
        ]
        if areas:
            return footprint.areas(areas), "parts", np.concatenate([coords for _shape, _from, coords in children])
        for geometry in geometries:
            shape, coords = self._lines_or_points(geometry, object_id=twin_id)
            if shape is not None:
                return shape, geometry.get("type", "").lower(), coords
        return None, "", np.empty((0, 3))

    def _part(self, twin_id: str) -> tuple[BaseGeometry | None, str, np.ndarray]:
        """A child's shape, for a parent without geometry of its own; computed once per child."""
        if twin_id not in self._parts:
            self._parts[twin_id] = (None, "", np.empty((0, 3)))  # a child listing its parent as child ends here
            self._parts[twin_id] = self._shape(twin_id)
        return self._parts[twin_id]

    def _faces(self, geometry: dict, *, object_id: str) -> tuple[list, list]:
        """All faces of a surface geometry as coordinate arrays, and those marked GroundSurface."""
        semantics = geometry.get("semantics") or {}
        kinds = [str(s.get("type", "")) for s in semantics.get("surfaces") or []]
        faces, ground = [], []
        for surface, value in _surfaces(geometry.get("boundaries"), semantics.get("values"), geometry["type"]):
            face = [self._ring(ring, object_id=object_id) for ring in surface]
            faces.append(face)
            if isinstance(value, int) and 0 <= value < len(kinds) and kinds[value] == "GroundSurface":
                ground.append(face)
        return faces, ground

    def _ring(self, indices: Any, *, object_id: str) -> np.ndarray:
        index = np.asarray(indices)
        if index.ndim != 1 or len(index) < 3 or index.dtype.kind not in "iu":
            raise TwinImportError(_("Object “%(id)s”: a ring needs at least three vertex indices.") % {"id": object_id})
        if index.min() < 0 or index.max() >= len(self.vertices):
            raise TwinImportError(_("Object “%(id)s”: a vertex index is out of range.") % {"id": object_id})
        return self.vertices[index]

    def _lines_or_points(self, geometry: dict, *, object_id: str) -> tuple[BaseGeometry | None, np.ndarray]:
        kind, boundaries = geometry.get("type"), geometry.get("boundaries") or []
        if kind == "MultiLineString" and boundaries:
            lines = [self._points(line, object_id=object_id) for line in boundaries]
            shape = LineString(lines[0]) if len(lines) == 1 else MultiLineString(lines)
            return shape, np.concatenate(lines)
        if kind in {"MultiPoint", "GeometryInstance"} and boundaries:
            # An instance is a template placed at a reference point: the point is where it stands.
            points = self._points(boundaries, object_id=object_id)
            return (Point(points[0]) if len(points) == 1 else MultiPoint(points)), points
        return None, np.empty((0, 3))

    def _points(self, indices: Any, *, object_id: str) -> np.ndarray:
        index = np.asarray(indices)
        if index.ndim != 1 or index.dtype.kind not in "iu" or index.min() < 0 or index.max() >= len(self.vertices):
            raise TwinImportError(_("Object “%(id)s”: a vertex index is out of range.") % {"id": object_id})
        return self.vertices[index]


def _vertices(data: dict[str, Any]) -> np.ndarray:
    try:
        vertices = np.asarray(data.get("vertices") or [], dtype=float).reshape(-1, 3)
    except (TypeError, ValueError):
        raise TwinImportError(_("The vertices of the file are not triples of numbers.")) from None
    transform = data.get("transform")
    if transform:
        try:
            scale = np.asarray(transform["scale"], dtype=float).reshape(3)
            translate = np.asarray(transform["translate"], dtype=float).reshape(3)
        except (TypeError, KeyError, IndexError, ValueError):
            raise TwinImportError(
                _("The “transform” of the file needs a “scale” and a “translate” of three numbers each.")
            ) from None
        vertices = vertices * scale + translate
    return vertices


def _surfaces(boundaries: Any, values: Any, kind: str) -> Iterator[tuple[list, Any]]:
    """(surface, semantic value) pairs of any surface geometry, whatever its nesting."""
    depth = {"MultiSurface": 0, "CompositeSurface": 0, "Solid": 1, "MultiSolid": 2, "CompositeSolid": 2}[kind]
    yield from _nested(boundaries or [], values, depth)


def _nested(boundaries: list, values: Any, depth: int) -> Iterator[tuple[list, Any]]:
    for position, item in enumerate(boundaries):
        value = values[position] if isinstance(values, list) and position < len(values) else None
        if depth:
            yield from _nested(item, value, depth - 1)
        else:
            yield item, value


def _lod(geometry: dict) -> float:
    try:
        return float(str(geometry.get("lod", 0)))
    except ValueError:
        return 0.0


def _z_range(coords: np.ndarray) -> tuple[float | None, float | None]:
    if not len(coords):
        return None, None
    return round(float(coords[:, 2].min()), 3), round(float(coords[:, 2].max()), 3)
