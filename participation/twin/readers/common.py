"""What the readers share: values read the same way from every format, and JSON loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from participation import twin_names
from participation.twin.records import TwinImportError

# Inner parts of buildings, bridges and tunnels (CityJSON 2.0 names): parts of
# their parent, not places on a map that citizens would point at.
INNER_PARTS = {
    "BuildingInstallation",
    "BuildingConstructiveElement",
    "BuildingFurniture",
    "BuildingStorey",
    "BuildingRoom",
    "BuildingUnit",
    "BridgeInstallation",
    "BridgeConstructiveElement",
    "BridgeRoom",
    "BridgeFurniture",
    "TunnelInstallation",
    "TunnelConstructiveElement",
    "TunnelHollowSpace",
    "TunnelFurniture",
}


def skip_reason(type_name: str) -> str | None:
    """Why objects of a type are not imported, or None if they are."""
    if type_name in {"TINRelief", "ReliefFeature"}:
        return _("%(type)s: terrain is not imported") % {"type": type_name}
    if type_name == "CityObjectGroup":
        return _("%(type)s: groups are not imported") % {"type": type_name}
    if type_name in INNER_PARTS:
        return _("%(type)s: inner parts are not map features") % {"type": type_name}
    return None


def no_geometry(type_name: str) -> str:
    return _("%(type)s without geometry") % {"type": type_name}


# Kinds that stand on the ground, for which the extent in z is a height. For roads,
# land use or water it would only be the slope of the terrain.
STANDING = {"building", "building_part", "bridge", "city_furniture", "other"}


def height(measured: Any, z_min: float | None, z_max: float | None, *, kind: str) -> tuple[float | None, str]:
    """The measured height where the data gives a sensible one, else the object's extent in z."""
    value = number(measured)
    if value is not None and 0 <= value < 10_000:
        return value, "measuredHeight"
    if kind in STANDING and z_min is not None and z_max is not None and z_max > z_min:
        return round(z_max - z_min, 3), "z range"
    return None, ""


def storeys(value: Any) -> int | None:
    count = number(value)
    return int(count) if count is not None and count.is_integer() and 0 <= count <= 32767 else None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def text(value: Any) -> str:
    """Attribute text; repeated values (two bldg:function) are joined."""
    if value is None:
        return ""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value).strip()


# Where CityGML and CityJSON keep what an object is for, or is: the standard attributes, then the BGT's type
# and physical appearance and the BAG's use (Dutch models); "no value" markers are none.
FUNCTION_ATTRIBUTES = ("function", "usage", "class", "bgt_type", "bgt_fysiekvoorkomen", "gebruiksdoel")


def function(attributes: dict[str, Any], keys: tuple[str, ...] = FUNCTION_ATTRIBUTES) -> str:
    """What the object is for, as the data says it: a code ("31001_3041") or a term ("voetpad")."""
    for key in keys:
        value = text(attributes.get(key))
        if value and value not in twin_names.NO_VALUE:
            return value
    return ""


def derived(**values: Any) -> dict[str, Any]:
    """What the importer derived, stored under attributes["_twin"]; empty values left out."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a JSON number")


def load_json(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return json.load(handle, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise TwinImportError(
            _("The file is not valid JSON: %(reason)s (line %(line)d, column %(column)d).")
            % {"reason": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise TwinImportError(_("The file is not valid JSON: %(reason)s.") % {"reason": exc}) from exc
