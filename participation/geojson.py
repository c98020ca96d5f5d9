"""The one GeoJSON builder (RFC 7946, WGS84 lon/lat) of the API, the OGC API, the maps and the exports.

Each surface chooses the properties it publishes; the shape of a feature and where a contribution
lies are decided here. Nothing personal goes into a property: callers pass only what the public
pages show.
"""

from __future__ import annotations

from collections.abc import Iterable


def point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def feature(*, geometry: dict | None, properties: dict, id: int | None = None) -> dict:
    data = {"type": "Feature"}
    if id is not None:
        data["id"] = id
    data["geometry"] = geometry
    data["properties"] = properties
    return data


def feature_collection(features: Iterable[dict], **members) -> dict:
    """A FeatureCollection; ``members`` (e.g. ``clustered``, ``total``) stand before the features."""
    return {"type": "FeatureCollection", **members, "features": list(features)}


def contribution_place(row: dict) -> dict | None:
    """Where a contribution (a row with ``geometry``, ``latitude``, ``longitude``, ``twin_feature_id``,
    ``twin_feature__latitude``, ``twin_feature__longitude``) lies: its own point, line or area, else its
    map point, else the centroid of the twin object it is about; None if it has no place."""
    if row["geometry"] is not None:
        return row["geometry"]
    if row["latitude"] is not None and row["longitude"] is not None:
        return point(row["longitude"], row["latitude"])
    if row["twin_feature_id"] is not None:
        return point(row["twin_feature__longitude"], row["twin_feature__latitude"])
    return None


# The columns a contribution row needs for ``contribution_place``.
PLACE_FIELDS = (
    "geometry",
    "latitude",
    "longitude",
    "twin_feature_id",
    "twin_feature__latitude",
    "twin_feature__longitude",
)


def contribution_feature(row: dict, properties: dict) -> dict:
    return feature(id=row["id"], geometry=contribution_place(row), properties=properties)


def cluster_feature(*, longitude: float, latitude: float, count: int) -> dict:
    """Many features in one grid cell of a map, drawn as one marker with their number."""
    return feature(geometry=point(longitude, latitude), properties={"cluster": True, "count": count})
