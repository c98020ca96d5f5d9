"""Twin files for tests: the paths of the real ones in data/twin/ (data/SOURCES.md), and writers of small
ones to tmp_path: CityGML, CityJSON and GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

# The real city-model files kept in the repository (data/SOURCES.md: origin and licence of each).
DATA = Path(__file__).resolve().parents[2] / "data" / "twin"
TUM = DATA / "DEBY_LOD2_4959457_TUM.gml"
DELFT = DATA / "delft.city.json"
# What data/SOURCES.md says the Delft model holds (160 Building, 143 Road, 81 LandUse, 126 PlantCover,
# 3 WaterBody, 3 Bridge, 54 GenericCityObject), as the importer's kinds.
DELFT_KINDS = {"building": 160, "road": 143, "land_use": 81, "plant_cover": 126, "water": 3, "bridge": 3, "other": 54}
GARCHING = DATA / "garching-streets.geojson"

NAMESPACES = (
    'xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" '
    'xmlns:gml="http://www.opengis.net/gml" xmlns:gen="http://www.opengis.net/citygml/generics/2.0" '
    'xmlns:xAL="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" xmlns:dem="http://www.opengis.net/citygml/relief/2.0"'
)
# A 20 m x 10 m rectangle near Kempten's centre (EPSG:25832), at 700 m above sea level.
RECTANGLE = [(598500, 5286750), (598520, 5286750), (598520, 5286760), (598500, 5286760)]


def pos_list(points: list[tuple], z: float | None = 700.0, *, close: bool = True) -> str:
    ring = [*points, points[0]] if close else list(points)
    return " ".join(" ".join(str(v) for v in ((*p, z) if z is not None else p)) for p in ring)


def polygon(points: list[tuple], *, z: float = 700.0, close: bool = True, ring_id: str = "ring") -> str:
    return (
        f'<gml:Polygon><gml:exterior><gml:LinearRing gml:id="{ring_id}">'
        f"<gml:posList>{pos_list(points, z, close=close)}</gml:posList>"
        "</gml:LinearRing></gml:exterior></gml:Polygon>"
    )


def ground_surface(points: list[tuple], **options) -> str:
    return (
        "<bldg:boundedBy><bldg:GroundSurface><bldg:lod2MultiSurface><gml:MultiSurface>"
        f"<gml:surfaceMember>{polygon(points, **options)}</gml:surfaceMember>"
        "</gml:MultiSurface></bldg:lod2MultiSurface></bldg:GroundSurface></bldg:boundedBy>"
    )


def building(twin_id: str, body: str = "", *, points: list[tuple] = RECTANGLE, tag: str = "Building") -> str:
    geometry = body or ground_surface(points)
    return (
        f'<bldg:{tag} gml:id="{twin_id}"><bldg:measuredHeight uom="m">9.5</bldg:measuredHeight>{geometry}</bldg:{tag}>'
    )


def citygml(*objects: str, srs: str | None = "EPSG:25832") -> str:
    envelope = (
        f'<gml:boundedBy><gml:Envelope srsName="{srs}" srsDimension="3">'
        "<gml:lowerCorner>0 0 0</gml:lowerCorner><gml:upperCorner>1 1 1</gml:upperCorner>"
        "</gml:Envelope></gml:boundedBy>"
        if srs
        else ""
    )
    members = "".join(f"<core:cityObjectMember>{obj}</core:cityObjectMember>" for obj in objects)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<core:CityModel {NAMESPACES}>{envelope}{members}</core:CityModel>'


def write(directory: Path, name: str, content: str | dict) -> Path:
    path = directory / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def cityjson(objects: dict, vertices: list, *, version: str = "2.0", crs: str | None = None, transform=None) -> dict:
    data = {"type": "CityJSON", "version": version, "CityObjects": objects, "vertices": vertices}
    if crs:
        data["metadata"] = {"referenceSystem": crs}
    if transform:
        data["transform"] = transform
    return data


def box_solid(first: int = 0) -> dict:
    """An LoD1 box on vertices first..first+7 (bottom 0-3, top 4-7), semantics marking the ground."""
    b, t = [first + i for i in range(4)], [first + i for i in range(4, 8)]
    faces = [[b[::-1]], [t], *([[b[i], b[(i + 1) % 4], t[(i + 1) % 4], t[i]]] for i in range(4))]
    semantics = {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}]}
    semantics["values"] = [[0, 1, 2, 2, 2, 2]]
    return {"type": "Solid", "lod": "1", "boundaries": [faces], "semantics": semantics}


def box_vertices(x: float, y: float, *, size: float = 10.0, base: float = 0.0, top: float = 6.0) -> list:
    corners = [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]
    return [[cx, cy, base] for cx, cy in corners] + [[cx, cy, top] for cx, cy in corners]


def geojson(*features: dict, crs: str | None = None) -> dict:
    data: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return data


def feature(geometry: dict, feature_id: str | None = None, **properties) -> dict:
    data = {"type": "Feature", "geometry": geometry, "properties": properties}
    if feature_id is not None:
        data["id"] = feature_id
    return data


def street(feature_id: str, name: str, offset: float = 0.0) -> dict:
    line = {"type": "LineString", "coordinates": [[11.65 + offset, 48.25], [11.651 + offset, 48.251]]}
    return feature(line, feature_id, name=name)


def coded_building(
    twin_id: str,
    *,
    function: str = "",
    roof_type: str = "",
    storeys: int | None = None,
    name: str = "",
    street: str = "",
    points: list[tuple] = RECTANGLE,
) -> str:
    """A CityGML LoD2 building as the Bavarian survey office writes one: AdV codes, storeys, a name and an
    xAL address where given, 9.5 m high (measuredHeight)."""
    body = f"<gml:name>{name}</gml:name>" if name else ""
    body += f"<bldg:function>{function}</bldg:function>" if function else ""
    body += f"<bldg:roofType>{roof_type}</bldg:roofType>" if roof_type else ""
    body += f"<bldg:storeysAboveGround>{storeys}</bldg:storeysAboveGround>" if storeys is not None else ""
    body += ground_surface(points)
    if street:
        body += (
            "<bldg:address><core:Address><core:xalAddress><xAL:AddressDetails><xAL:Country><xAL:Locality>"
            f"<xAL:LocalityName>Kempten</xAL:LocalityName><xAL:Thoroughfare><xAL:ThoroughfareName>{street}"
            "</xAL:ThoroughfareName></xAL:Thoroughfare></xAL:Locality></xAL:Country></xAL:AddressDetails>"
            "</core:xalAddress></core:Address></bldg:address>"
        )
    return building(twin_id, body)
