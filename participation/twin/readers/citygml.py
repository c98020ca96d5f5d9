"""CityGML 1.0/2.0 (LoD0-2), streamed: as the German survey offices deliver it.

A Bavarian LoD2 tile is 10-150 MB with thousands of buildings. The file is
read with ElementTree.iterparse; every city object is turned into records
when its closing tag is read and then cleared, so memory holds one object
at a time. The parser is defusedxml's: a file with a document type (entity
declarations, the "billion laughs", references to other files or hosts) is
refused before anything in it is expanded or fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element  # nosec B405 # the type only; files are parsed by defusedxml (elements)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.utils.translation import gettext as _
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from participation.models import TwinKind
from participation.twin import footprint
from participation.twin.readers import address, common
from participation.twin.readers.gml import PART_CONTAINERS, Geometries, local, read_geometries
from participation.twin.records import Skipped, TwinImportError, TwinRecord

KINDS = {
    "Building": TwinKind.BUILDING,
    "BuildingPart": TwinKind.BUILDING_PART,
    "Road": TwinKind.ROAD,
    "Track": TwinKind.ROAD,
    "TransportationComplex": TwinKind.ROAD,
    "Square": TwinKind.SQUARE,
    "LandUse": TwinKind.LAND_USE,
    "PlantCover": TwinKind.PLANT_COVER,
    "SolitaryVegetationObject": TwinKind.PLANT_COVER,
    "WaterBody": TwinKind.WATER,
    "Bridge": TwinKind.BRIDGE,
    "BridgePart": TwinKind.BRIDGE,
    "CityFurniture": TwinKind.CITY_FURNITURE,
}
MEMBERS = {"cityObjectMember", "featureMember"}
# Top-level members that are no city objects; textures can be large, so they are dropped as read.
NOT_OBJECTS = {"appearanceMember"}
GML_ID = "{http://www.opengis.net/gml}id"
_IDS = (GML_ID, "{http://www.opengis.net/gml/3.2}id", "id")
# Children of a city object that are read on their own, not copied into attributes as text.
_STRUCTURED = {"address", "externalReference", *PART_CONTAINERS}


def elements(path: Path) -> Iterator[tuple[str, Element]]:
    """The file's elements as their closing tags are read. CityGML never has a document type: one (with
    entities or not) raises a DefusedXmlException at once, before an entity is expanded or a reference fetched."""
    return iterparse(path, events=("end",), forbid_dtd=True)


def read(path: Path) -> Iterator[TwinRecord | Skipped]:
    """Every city object of the file as records, in file order (parts before their building)."""
    default_srs: str | None = None
    last_id = ""
    try:
        for _event, element in elements(path):
            name = local(element.tag)
            if name == "Envelope" and default_srs is None:
                default_srs = element.get("srsName")
            elif name in MEMBERS:
                for city_object in element:
                    for record in _object(city_object, default_srs=default_srs):
                        last_id = record.twin_id
                        yield record
                element.clear()  # what was read is not needed again: keep memory flat
            elif name in NOT_OBJECTS:
                element.clear()
    except DefusedXmlException as exc:
        raise TwinImportError(
            _(
                "The file declares a document type (<!DOCTYPE …>), which CityGML files never do: it may define "
                "entities that expand without end or load other files. It is refused; nothing of it was imported."
            )
        ) from exc
    except ParseError as exc:
        where = {"line": exc.position[0], "column": exc.position[1], "id": last_id}
        message = (
            _("The file is not well-formed XML: line %(line)d, column %(column)d (after object “%(id)s”).")
            if last_id
            else _("The file is not well-formed XML: line %(line)d, column %(column)d.")
        )
        raise TwinImportError(message % where) from exc


def object_id(element: Element) -> str:
    return next((element.get(key) for key in _IDS if element.get(key)), "")


def _object(element: Element, *, default_srs: str | None, parent: str = "") -> Iterator[TwinRecord | Skipped]:
    type_name, twin_id = local(element.tag), object_id(element)
    kind = KINDS.get(type_name, TwinKind.OTHER)
    if reason := common.skip_reason(type_name):
        yield Skipped(twin_id, "", reason)
        return
    if not twin_id:
        yield Skipped("", kind, _("%(type)s without gml:id") % {"type": type_name})
        return
    parts: list[TwinRecord] = []
    for container in element:
        if local(container.tag) in PART_CONTAINERS:
            for part in container:
                for record in _object(part, default_srs=default_srs, parent=twin_id):
                    parts += [record] if isinstance(record, TwinRecord) else []
                    yield record
    geometries = read_geometries(element, object_id=twin_id)
    shape, made_from = _shape(geometries, parts, object_id=twin_id)
    if shape is None:
        yield Skipped(twin_id, kind, common.no_geometry(type_name))
        return
    yield _record(element, geometries, parts, shape=shape, made_from=made_from, default_srs=default_srs, parent=parent)


def _shape(geometries: Geometries, parts: list[TwinRecord], *, object_id: str) -> tuple[BaseGeometry | None, str]:
    """The plan-view geometry to store: the ground outline where the data has one."""
    faces = geometries.faces
    for role, made_from in (("footprint", "lod0FootPrint"), ("ground", "GroundSurface")):
        if faces[role]:
            polygons = footprint.faces_in_plan(faces[role], object_id=object_id)
            if shape := polygons and footprint.areas(polygons):
                return shape, made_from
    if faces["other"]:
        return footprint.footprint(faces["other"], object_id=object_id), "surfaces"
    part_areas = [p.geometry for p in parts if p.geometry.geom_type in {"Polygon", "MultiPolygon"}]
    if part_areas:
        return footprint.areas(part_areas), "parts"
    if geometries.lines:
        lines = [LineString(line) for line in geometries.lines]
        return (lines[0] if len(lines) == 1 else MultiLineString(lines)), "lines"
    if geometries.points:
        points = [Point(point[0]) for point in geometries.points]
        return (points[0] if len(points) == 1 else MultiPoint(points)), "points"
    return None, ""


def _record(
    element: Element,
    geometries: Geometries,
    parts: list[TwinRecord],
    *,
    shape: BaseGeometry,
    made_from: str,
    default_srs: str | None,
    parent: str,
) -> TwinRecord:
    type_name, twin_id = local(element.tag), object_id(element)
    attributes = _attributes(element)
    addresses = _addresses(element)
    z_min, z_max = _z_range(geometries, parts)
    # A building made of parts often carries its measured height only on the parts.
    measured = attributes.get("measuredHeight") or max((p.height for p in parts if p.height is not None), default=None)
    height, height_from = common.height(measured, z_min, z_max, kind=KINDS.get(type_name, TwinKind.OTHER))
    attributes["_twin"] = common.derived(
        type=type_name,
        lod=geometries.lod,
        z_min=z_min,
        z_max=z_max,
        footprint=made_from,
        height_from=height_from,
        addresses=addresses,
        parent=parent,
    )
    name = common.text(attributes.get("name"))
    return TwinRecord(
        twin_id=twin_id,
        kind=KINDS.get(type_name, TwinKind.OTHER),
        geometry=shape,
        crs=geometries.srs_name or _parts_srs(parts) or default_srs,
        name="" if name == twin_id else name,
        address="; ".join(address.one_line(item) for item in addresses),
        function=common.function(attributes),
        roof_type=common.text(attributes.get("roofType")),
        height=height,
        storeys=common.storeys(attributes.get("storeysAboveGround")),
        attributes=attributes,
    )


def _parts_srs(parts: list[TwinRecord]) -> str | None:
    return next((part.crs for part in parts if part.crs), None)


def _z_range(geometries: Geometries, parts: list[TwinRecord]) -> tuple[float | None, float | None]:
    lows = [geometries.z_min, *(p.attributes["_twin"].get("z_min") for p in parts)]
    highs = [geometries.z_max, *(p.attributes["_twin"].get("z_max") for p in parts)]
    lows, highs = [z for z in lows if z is not None], [z for z in highs if z is not None]
    return (min(lows) if lows else None), (max(highs) if highs else None)


def _attributes(element: Element) -> dict[str, Any]:
    """Simple properties (function, roofType, measuredHeight, creationDate...), generic attributes, references."""
    attributes: dict[str, Any] = {}
    for child in element:
        name = local(child.tag)
        if name.endswith("Attribute") and child.get("name"):
            _add(attributes, child.get("name"), _generic_value(child))
        elif name == "externalReference":
            _add(attributes, name, {local(node.tag): node.text.strip() for node in child.iter() if _has_text(node)})
        elif name not in _STRUCTURED and len(child) == 0 and _has_text(child):
            _add(attributes, name, child.text.strip())
    return attributes


def _add(attributes: dict[str, Any], key: str, value: Any) -> None:
    if key in attributes:
        previous = attributes[key]
        attributes[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
    else:
        attributes[key] = value


def _has_text(node: Element) -> bool:
    return bool(node.text and node.text.strip())


def _generic_value(element: Element) -> Any:
    """gen:stringAttribute / intAttribute / doubleAttribute / measureAttribute -> a JSON value."""
    value = next((node.text.strip() for node in element if local(node.tag) == "value" and _has_text(node)), "")
    kind = local(element.tag)
    try:
        if kind == "intAttribute":
            return int(value)
        if kind in {"doubleAttribute", "measureAttribute"}:
            return float(value)
    except ValueError:
        pass
    return value


def _addresses(element: Element) -> list[dict[str, str]]:
    found = []
    for child in element:
        if local(child.tag) != "address":
            continue
        fields = {}
        for node in child.iter():
            if _has_text(node):
                fields.setdefault(local(node.tag), node.text.strip())
        found.append(
            address.structured(
                street=fields.get("ThoroughfareName", ""),
                number=fields.get("ThoroughfareNumber", ""),
                postal_code=fields.get("PostalCodeNumber", ""),
                city=fields.get("LocalityName", ""),
                country=fields.get("CountryName", ""),
            )
        )
    return [item for item in found if item]
