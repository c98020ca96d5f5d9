"""Rows of the selectors as GeoJSON features (RFC 7946, WGS84 lon/lat). Nothing personal goes out:
no author, no user or terminal ids, no email addresses; only what the public pages show."""

from __future__ import annotations

import datetime as dt

from participation.selectors import Totals


def rfc3339(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def twin_feature(row: dict, participation: dict) -> dict:
    """A twin object: its geometry, what it is, and what citizens said about it."""
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": row["geometry"],
        "properties": {
            "twin_id": row["twin_id"],
            "source": row["source"],
            "kind": row["kind"],
            "name": row["name"],
            "address": row["address"],
            "height": row["height"],
            "storeys": row["storeys"],
            "contributions": participation["contributions"],
            "votes": participation["votes"],
        },
    }


def contribution_geometry(row: dict) -> dict | None:
    """Its own geometry, else its map point, else the centroid of the twin object it is about."""
    if row["geometry"] is not None:
        return row["geometry"]
    if row["latitude"] is not None and row["longitude"] is not None:
        return point(row["longitude"], row["latitude"])
    if row["twin_feature_id"] is not None:
        return point(row["twin_feature__longitude"], row["twin_feature__latitude"])
    return None


def contribution(row: dict, results: dict[int, Totals]) -> dict:
    """A published contribution: its text and where and about what it was said."""
    proposal_id = row["proposal_id"]
    tied = row["twin_feature_id"] is not None
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": contribution_geometry(row),
        "properties": {
            "text": row["text"],
            "channel": row["channel"],
            "created_at": rfc3339(row["created_at"]),
            "consultation": row["consultation_id"],
            "consultation_title": row["consultation__title"],
            "proposal": proposal_id,
            "proposal_title": row["proposal__title"],
            "votes": results.get(proposal_id) if proposal_id is not None else None,
            "twin_id": row["twin_feature__twin_id"] if tied else None,
            "twin_source": row["twin_feature__source"] if tied else None,
        },
    }
