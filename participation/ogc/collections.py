"""The two collections of the OGC API, over the selectors: what each holds, its extent, its pages.

Each reads what the site asked on shows (``site``: its consultations and twin datasets). Every page of items
costs a fixed number of queries whatever its size: the count, the page, and one or three queries for what is
shown beside each row (vote totals, counts of contributions).
"""

from __future__ import annotations

import abc

from django.utils.translation import gettext_lazy as _

from participation import selectors
from participation.ogc import features
from participation.ogc.params import CRS84, ItemsQuery
from participation.selectors import SiteScope

GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


def extent(bbox, interval=None) -> dict | None:
    """An OGC extent: the spatial bbox in CRS84 and, where the data has one, the temporal interval."""
    if bbox is None and interval is None:
        return None
    data = {}
    if bbox is not None:
        data["spatial"] = {"bbox": [list(bbox)], "crs": CRS84}
    if interval is not None:
        data["temporal"] = {"interval": [[features.rfc3339(m) for m in interval]], "trs": GREGORIAN}
    return data


class Collection(abc.ABC):
    id: str
    title = ""
    description = ""

    @abc.abstractmethod
    def rows(self, query: ItemsQuery, *, site: SiteScope):
        """Plain rows of the items matching ``query``, ordered by id (no paging yet)."""

    @abc.abstractmethod
    def features(self, rows: list[dict], *, site: SiteScope) -> list[dict]:
        """The rows as GeoJSON features."""

    @abc.abstractmethod
    def extent(self, *, site: SiteScope) -> dict | None:
        """The collection's OGC extent."""

    def row(self, pk: int, *, site: SiteScope) -> dict | None:
        return self.rows(ItemsQuery(), site=site).filter(id=pk).first()


class TwinFeatures(Collection):
    id = "twin-features"
    title = _("Objects of the digital twin")
    description = _(
        "Buildings, streets, squares and other objects of the city's digital twin, with the number of "
        "published contributions tied to each and the votes on the published proposals that concern it."
    )

    def rows(self, query: ItemsQuery, *, site: SiteScope):
        # The objects carry no time of their own: ``datetime`` leaves them all in.
        return selectors.twin_feature_rows(bbox=query.bbox, site=site)

    def features(self, rows: list[dict], *, site: SiteScope) -> list[dict]:
        ids = [row["id"] for row in rows]
        participation = selectors.twin_feature_participation(twin_feature_ids=ids, site=site)
        return [features.twin_feature(row, participation[row["id"]]) for row in rows]

    def extent(self, *, site: SiteScope) -> dict | None:
        return extent(selectors.twin_features_extent(site=site))


class Contributions(Collection):
    id = "contributions"
    title = _("Contributions of citizens")
    description = _(
        "Published comments and ideas with a place: drawn on the map, pinned to a point, or tied to an "
        "object of the digital twin (shown at its centre). With the consultation and proposal they "
        "belong to and the proposal's result by its voting method: vote totals, or the average rating "
        "and how many gave each value from 1 to 5. No personal data."
    )

    def rows(self, query: ItemsQuery, *, site: SiteScope):
        return selectors.map_contribution_rows(bbox=query.bbox, created=query.datetime, site=site)

    def features(self, rows: list[dict], *, site: SiteScope) -> list[dict]:
        tallies = selectors.proposal_tallies(proposal_ids={row["proposal_id"] for row in rows} - {None})
        return [features.contribution(row, tallies) for row in rows]

    def extent(self, *, site: SiteScope) -> dict | None:
        found = selectors.map_contributions_extent(site=site)
        return None if found is None else extent(found["bbox"], found["interval"])


COLLECTIONS: dict[str, Collection] = {c.id: c for c in (TwinFeatures(), Contributions())}
