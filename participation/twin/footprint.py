"""Plan-view outlines of 3D surfaces: the footprint of a building, the area of a road.

A face is a list of rings (exterior first), each an (n, 2) or (n, 3) array of
coordinates in the file's CRS. Faces are looked at from above: vertical ones
(walls) have no area there and are left out; the rest are checked for validity
in plan view (a planar face that is not vertical projects one-to-one, so it is
valid from above exactly when it is valid in its own plane) and merged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from participation.twin.records import TwinImportError

Face = Sequence[np.ndarray]

# A face whose normal is this close to horizontal is a wall: steeper than ~89.4°.
# Rounding a wall's corners to millimetres tilts it far less; its sliver in plan
# view would only add noise (and self-intersections that are not in the data).
_STEEP = 0.01


def planes(rings: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The unit normal of each ring's best-fit plane, and whether the ring spans a plane at all.

    A least-squares fit (the smallest principal axis of the points) rather than
    the signed area: a self-intersecting bow-tie has a signed area of zero and
    would pass for a line. All rings at once: an LoD1 district has tens of
    thousands of triangles.
    """
    sizes = np.fromiter((len(ring) for ring in rings), dtype=np.intp, count=len(rings))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    points = np.concatenate([_xyz(ring) for ring in rings])
    # Relative to each ring's mean: products of coordinates like 5336029.95 would
    # bury a degenerate face's zero extent under rounding noise.
    means = np.add.reduceat(points, starts, axis=0) / sizes[:, None]
    points = points - np.repeat(means, sizes, axis=0)
    covariances = np.add.reduceat(points[:, :, None] * points[:, None, :], starts, axis=0)
    values, vectors = np.linalg.eigh(covariances)  # ascending eigenvalues
    spans_plane = values[:, 1] > 1e-12 * values[:, 2]
    return vectors[:, :, 0], spans_plane


def _xyz(ring: np.ndarray) -> np.ndarray:
    return ring if ring.shape[1] == 3 else np.column_stack([ring[:, :2], np.zeros(len(ring))])


def faces_in_plan(faces: Sequence[Face], *, object_id: str) -> list[Polygon]:
    """The faces that have an area seen from above, as valid 2D polygons; refuse invalid ones."""
    if not faces:
        return []
    normals, spans_plane = planes([face[0] for face in faces])
    keep = spans_plane & (np.abs(normals[:, 2]) > _STEEP)  # not a line, not a wall
    polygons = [
        Polygon(face[0][:, :2], [ring[:, :2] for ring in face[1:]])
        for face, kept in zip(faces, keep, strict=True)
        if kept
    ]
    check_valid(polygons, object_id=object_id)
    return polygons


def check_valid(polygons: Sequence[BaseGeometry], *, object_id: str) -> None:
    if not polygons:
        return
    valid = shapely.is_valid(np.asarray(polygons, dtype=object))
    if not valid.all():
        reason = explain_validity(polygons[int(np.argmin(valid))])
        raise TwinImportError(
            _("Object “%(id)s”: invalid geometry seen from above: %(reason)s") % {"id": object_id, "reason": reason}
        )


def footprint(faces: Sequence[Face], *, object_id: str) -> BaseGeometry | None:
    """The outline from above: merged areas, or the lines of walls that have no area. None if nothing."""
    polygons = faces_in_plan(faces, object_id=object_id)
    if polygons:
        return areas(polygons)
    lines = [LineString(face[0][:, :2]) for face in faces if len(face[0]) >= 2]
    if not lines:
        return None
    merged = shapely.line_merge(shapely.union_all(lines))
    return None if merged.is_empty else merged


def areas(polygons: Sequence[BaseGeometry]) -> BaseGeometry | None:
    """Union of polygons as a Polygon or MultiPolygon (slivers of lines and points dropped)."""
    merged = polygons[0] if len(polygons) == 1 else shapely.union_all(polygons)
    if merged.geom_type in {"Polygon", "MultiPolygon"}:
        return None if merged.is_empty else merged
    parts = [part for part in getattr(merged, "geoms", []) if part.geom_type == "Polygon" and not part.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)
