"""Readers of twin files, one per format, and the guess which one a file needs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from participation.twin.records import Skipped, TwinImportError, TwinRecord

Reader = Callable[[Path], Iterator[TwinRecord | Skipped]]
FORMATS = ("citygml", "cityjson", "geojson")
_PEEK = 64 * 1024
_CITYJSON = re.compile(rb'"type"\s*:\s*"CityJSON"|"CityObjects"\s*:')
_GEOJSON = re.compile(rb'"type"\s*:\s*"(FeatureCollection|Feature)"|"features"\s*:')


def detect(path: Path) -> str:
    """The format of a file ("citygml", "cityjson" or "geojson"): from the first bytes, then from the file name."""
    with path.open("rb") as handle:
        head = handle.read(_PEEK)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return "citygml"
    if start in (b"{", b"["):
        if _CITYJSON.search(head):
            return "cityjson"
        if _GEOJSON.search(head):
            return "geojson"
    name = path.name.lower()
    for suffixes, kind in (
        ((".gml", ".citygml", ".xml"), "citygml"),
        ((".city.json", ".cityjson"), "cityjson"),
        ((".geojson", ".json"), "geojson"),
    ):
        if name.endswith(suffixes):
            return kind
    raise TwinImportError(
        _("Cannot tell the format of “%(name)s”: expected CityGML, CityJSON or GeoJSON.") % {"name": path.name}
    )


def reader_for(kind: str) -> Reader:
    from participation.twin.readers import citygml, cityjson, geojson

    return {"citygml": citygml.read, "cityjson": cityjson.read, "geojson": geojson.read}[kind]
