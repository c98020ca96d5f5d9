"""Coordinate reference systems of twin files: read their names, reproject to WGS84.

Files name their CRS in many spellings: ``EPSG:25832``, OGC URNs and URLs
(``https://www.opengis.net/def/crs/EPSG/0/7415``), compound URNs, the German
survey offices' ``urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH``. Only the
horizontal part is used for reprojection; z values pass through unchanged and
stay heights in the file's vertical datum (NAP, DHHN2016...).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from participation.twin.records import TwinImportError

WGS84 = CRS.from_user_input("OGC:CRS84")  # lon/lat order, whatever the library's axis conventions

# AdV (German survey offices) CRS names -> EPSG codes of their horizontal part.
_ADV_CODES = {
    "ETRS89_UTM32": 25832,
    "ETRS89_UTM33": 25833,
    "DE_DHDN_3GK2": 31466,
    "DE_DHDN_3GK3": 31467,
    "DE_DHDN_3GK4": 31468,
    "ETRS89_LAT-LON": 4258,
}
_EPSG_CODE = re.compile(r"epsg[^0-9]*(?:[0-9.]+[:/])?([0-9]+)\s*$", re.IGNORECASE)


def parse_crs(name: str) -> CRS:
    """The CRS a file names, or TwinImportError if nobody knows it."""
    text = name.strip() if isinstance(name, str) else ""
    for candidate in (text, *_rewrites(text)):
        try:
            return CRS.from_user_input(candidate)
        except CRSError:
            continue
    raise TwinImportError(_("Unknown coordinate reference system “%(crs)s”.") % {"crs": name})


def _rewrites(text: str) -> list[str]:
    """Spellings pyproj does not read itself, as EPSG codes."""
    if text.lower().startswith("urn:adv:crs:"):
        horizontal = text[len("urn:adv:crs:") :].split("*")[0].upper()
        return [f"EPSG:{_ADV_CODES[horizontal]}"] if horizontal in _ADV_CODES else []
    match = _EPSG_CODE.search(text)  # e.g. http://www.opengis.net/gml/srs/epsg.xml#25832
    return [f"EPSG:{match.group(1)}"] if match else []


def horizontal_part(crs: CRS) -> CRS:
    """The 2D CRS that x and y are in: the first part of a compound CRS, a 3D CRS made 2D."""
    if crs.is_compound:
        crs = crs.sub_crs_list[0]
    if not (crs.is_projected or crs.is_geographic):
        raise TwinImportError(
            _("The coordinate reference system “%(crs)s” is not one of maps (projected or longitude/latitude).")
            % {"crs": crs.to_string()}
        )
    return crs.to_2d()


@lru_cache(maxsize=16)
def to_wgs84(name: str):
    """A function that reprojects a shapely geometry from the named CRS to WGS84 (lon, lat[, z])."""
    source = horizontal_part(parse_crs(name))
    if source.equals(WGS84, ignore_axis_order=True) or source.equals("EPSG:4326", ignore_axis_order=True):
        return lambda geometry: geometry
    transformer = Transformer.from_crs(source, WGS84, always_xy=True)

    def move(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        moved = coords.copy()
        moved[:, 0], moved[:, 1] = lon, lat
        return moved

    def reproject(geometry: BaseGeometry) -> BaseGeometry:
        # include_z=None keeps each geometry's dimension: z stays a height, untouched.
        return shapely.transform(geometry, move, include_z=None)

    return reproject


def describe(name: str) -> str:
    """A short name for a CRS for the summary, e.g. "EPSG:7415"."""
    crs = parse_crs(name)
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name
