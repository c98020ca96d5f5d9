"""Rows of the selectors as the OGC API's GeoJSON features (built by ``participation.geojson``).

Nothing personal goes out: no author, no user or terminal ids, no email addresses; only what the
public pages show.
"""

from __future__ import annotations

import datetime as dt

from participation import geojson
from participation.models import VotingMethod, twin_label
from participation.selectors import Tally


def rfc3339(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def twin_feature(row: dict, participation: dict) -> dict:
    """A twin object: its geometry, what it is, and what citizens said about it."""
    properties = {
        "twin_id": row["twin_id"],
        "source": row["source"],
        "kind": row["kind"],
        "label": twin_label(row),
        "name": row["name"],
        "address": row["address"],
        "height": row["height"],
        "storeys": row["storeys"],
        "contributions": participation["contributions"],
        "votes": participation["votes"],
        "rating": participation["rating"],
    }
    return geojson.feature(id=row["id"], geometry=row["geometry"], properties=properties)


def contribution(row: dict, tallies: dict[int, Tally]) -> dict:
    """A public contribution: its text and where and about what it was said, with its proposal's result by
    the consultation's voting method (``votes`` for support/oppose/abstain, ``rating`` for a rating 1-5)."""
    proposal_id = row["proposal_id"]
    tied = row["twin_feature_id"] is not None
    method = row["consultation__voting_method"]
    tally = tallies.get(proposal_id) if proposal_id is not None else None
    rated = method == VotingMethod.RATING
    properties = {
        "text": row["text"],
        "channel": row["channel"],
        "created_at": rfc3339(row["created_at"]),
        "consultation": row["consultation_id"],
        "consultation_title": row["consultation__title"],
        "proposal": proposal_id,
        "proposal_title": row["proposal__title"],
        "voting_method": method,
        "votes": tally["totals"] if tally and not rated else None,
        "rating": tally["rating"] if tally and rated else None,
        "twin_id": row["twin_feature__twin_id"] if tied else None,
        "twin_source": row["twin_feature__source"] if tied else None,
    }
    return geojson.contribution_feature(row, properties)
