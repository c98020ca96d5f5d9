"""GML geometry inside one CityGML object: rings, polygons, lines and points, by role.

Only what lies in the object's own subtree is read; xlink references
(solids that point at the boundary surfaces' polygons) are not followed, since
the polygons they point at are read where they stand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element  # nosec B405 # the type only; files are parsed by defusedxml (citygml)

import numpy as np
from django.utils.translation import gettext as _

from participation.twin.footprint import Face
from participation.twin.records import TwinImportError

POLYGONS = {"Polygon", "PolygonPatch", "Triangle", "Rectangle"}
LINES = {"LineString", "LineStringSegment"}
POINTS = {"Point"}
# Implicit geometries (trees, benches) are modelled in local coordinates: only
# their reference point is in the map's CRS. Appearances hold no geometry.
NOT_IN_MAP_CRS = {"relativeGMLGeometry", "appearance", "transformationMatrix"}
# Sub-objects with a life of their own: read as records of their own.
PART_CONTAINERS = {"consistsOfBuildingPart", "consistsOfBridgePart", "consistsOfTunnelPart"}
_ROLES = {"GroundSurface": "ground", "lod0FootPrint": "footprint"}
_EXTERIOR = {"exterior", "outerBoundaryIs"}
_INTERIOR = {"interior", "innerBoundaryIs"}


def local(tag: str) -> str:
    """The local name of a namespaced ElementTree tag: "{ns}Building" -> "Building"."""
    return tag.rpartition("}")[2]


@dataclass
class Geometries:
    """The geometry of one object, in the file's CRS."""

    faces: dict[str, list[Face]] = field(default_factory=lambda: {"ground": [], "footprint": [], "other": []})
    lines: list[np.ndarray] = field(default_factory=list)
    points: list[np.ndarray] = field(default_factory=list)
    srs_name: str | None = None
    lod: int | None = None
    z_min: float | None = None
    z_max: float | None = None

    def add_z(self, coords: np.ndarray) -> None:
        if coords.shape[1] < 3 or not len(coords):
            return
        low, high = float(coords[:, 2].min()), float(coords[:, 2].max())
        self.z_min = low if self.z_min is None else min(self.z_min, low)
        self.z_max = high if self.z_max is None else max(self.z_max, high)

    @property
    def is_empty(self) -> bool:
        return not (any(self.faces.values()) or self.lines or self.points)


def read_geometries(element: Element, *, object_id: str, dimension: int = 3) -> Geometries:
    found = Geometries()
    _walk(element, found, role="other", dimension=dimension, object_id=object_id)
    return found


def _walk(element: Element, found: Geometries, *, role: str, dimension: int, object_id: str) -> None:
    for child in element:
        name = local(child.tag)
        if name in PART_CONTAINERS or name in NOT_IN_MAP_CRS:
            continue
        dim = int(child.get("srsDimension") or dimension)
        if found.srs_name is None and child.get("srsName"):
            found.srs_name = child.get("srsName")
        if name.startswith("lod") and name[3:4].isdigit():
            found.lod = max(found.lod or 0, int(name[3]))
        if name in POLYGONS:
            face = _polygon(child, dimension=dim, object_id=object_id)
            found.faces[role].append(face)
            found.add_z(face[0])
        elif name in LINES:
            line = _coordinates(child, dimension=dim, object_id=object_id)
            found.lines.append(line)
            found.add_z(line)
        elif name in POINTS:
            point = _coordinates(child, dimension=dim, object_id=object_id)
            found.points.append(point)
            found.add_z(point)
        else:
            _walk(child, found, role=_ROLES.get(name, role), dimension=dim, object_id=object_id)


def _polygon(element: Element, *, dimension: int, object_id: str) -> Face:
    exterior, interiors = None, []
    for boundary in element:
        name = local(boundary.tag)
        if name in _EXTERIOR or name in _INTERIOR:
            for ring_element in boundary:
                ring = _ring(ring_element, dimension=dimension, object_id=object_id)
                if name in _EXTERIOR:
                    exterior = ring
                else:
                    interiors.append(ring)
    if exterior is None:
        raise TwinImportError(
            _("Object “%(id)s”: a polygon (%(polygon)s) has no exterior ring.")
            % {"id": object_id, "polygon": element.get(_GML_ID) or "?"}
        )
    return [exterior, *interiors]


_GML_ID = "{http://www.opengis.net/gml}id"


def _ring(element: Element, *, dimension: int, object_id: str) -> np.ndarray:
    coords = _coordinates(element, dimension=dimension, object_id=object_id)
    ring_id = element.get(_GML_ID) or element.get("{http://www.opengis.net/gml/3.2}id") or "?"
    values = {"id": object_id, "ring": ring_id}
    if len(coords) < 4:
        raise TwinImportError(_("Object “%(id)s”: ring %(ring)s has fewer than four points.") % values)
    if not np.array_equal(coords[0], coords[-1]):
        raise TwinImportError(
            _("Object “%(id)s”: ring %(ring)s does not close (its last point must repeat its first).") % values
        )
    return coords


def _coordinates(element: Element, *, dimension: int, object_id: str) -> np.ndarray:
    """All positions below an element (posList, pos or GML 2 coordinates), as an (n, dim) array."""
    texts, dim = [], dimension
    for node in element.iter():
        name = local(node.tag)
        if name in {"posList", "pos", "coordinates"} and node.text:
            dim = int(node.get("srsDimension") or dim)
            texts.append(node.text.replace(",", " ") if name == "coordinates" else node.text)
    try:
        values = np.array(" ".join(texts).split(), dtype=float)
    except ValueError:
        raise TwinImportError(_("Object “%(id)s”: coordinates that are not numbers.") % {"id": object_id}) from None
    if not len(values) or len(values) % dim or not np.isfinite(values).all():
        raise TwinImportError(
            _("Object “%(id)s”: a geometry with a broken list of %(dim)d-D coordinates.")
            % {"id": object_id, "dim": dim}
        )
    return values.reshape(-1, dim)
