"""The three real files of data/twin/ (data/SOURCES.md): counts, places, heights, addresses, names."""

import re

import pytest
from pyproj import Geod, Transformer
from shapely.geometry import Point, shape

from participation.models import TwinFeature, TwinKind
from participation.services import import_twin_file
from tests.support.twin_files import DELFT, DELFT_KINDS, GARCHING, TUM

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on the ellipsoid between two (lon, lat) points."""
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def counts(source: str) -> dict[str, int]:
    return {kind: TwinFeature.objects.filter(source=source, kind=kind).count() for kind in TwinKind.values} | {
        "total": TwinFeature.objects.filter(source=source).count()
    }


def nonzero(table: dict[str, int]) -> dict[str, int]:
    return {kind: n for kind, n in table.items() if n}


def test_delft_cityjson_gives_every_object_with_its_kind():
    summary = import_twin_file(path=DELFT)

    expected = {**DELFT_KINDS, "total": 570}
    assert nonzero(counts("delft.city.json")) == expected
    assert dict(summary.created) == DELFT_KINDS
    assert summary.crs == ["EPSG:7415"]
    assert not summary.skipped
    assert all(f.geometry["type"] in {"Polygon", "MultiPolygon"} for f in TwinFeature.objects.all())


def test_delft_buildings_land_on_their_own_label_points():
    """Every Dutch BGT building carries a label point ("plaatsingspunt") in RD New, EPSG:28992, apart from its
    geometry. Transformed on its own with pyproj, each must lie inside the imported WGS84 footprint; for a small
    building whose label sits at its middle, the imported centroid must be within 1 m of it."""
    import_twin_file(path=DELFT)
    rd_new = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    checked = 0
    for building in TwinFeature.objects.filter(kind=TwinKind.BUILDING):
        label = building.attributes["plaatsingspunt"]  # "(1:85012.966 447473.243)", empty for some
        if not label:
            continue
        x, y = map(float, label.strip("()").split(":")[1].split())
        lon, lat = rd_new.transform(x, y)
        footprint = shape(building.geometry)
        assert footprint.distance(Point(lon, lat)) == 0, building.twin_id
        checked += 1
    assert checked == 123

    small = TwinFeature.objects.get(twin_id="b31bce9c6-00ba-11e6-b420-2bdcc4ab5d7f")
    assert metres((small.longitude, small.latitude), rd_new.transform(84879.588, 447573.483)) < 1.0


def test_delft_heights_and_attributes():
    import_twin_file(path=DELFT)
    building = TwinFeature.objects.get(twin_id="b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f")
    assert building.height == 6.0  # its measuredHeight attribute
    assert building.attributes["identificatiebagpnd"] == "503100000000035"
    assert building.attributes["_twin"]["height_from"] == "measuredHeight"
    bridge = TwinFeature.objects.get(twin_id="b0a8da4cc-2d2a-11e6-9a38-393caa90be70")
    assert bridge.height == pytest.approx(1.85)  # no measuredHeight: max z - min z
    road = TwinFeature.objects.filter(kind=TwinKind.ROAD).first()
    assert road.height is None  # the z extent of a road is the slope of the street, not a height
    assert road.function  # "voetpad", "rijbaan lokale weg"...


def test_tum_building_from_bavarian_lod2():
    summary = import_twin_file(path=TUM)
    assert dict(summary.created) == {"building": 1}
    tum = TwinFeature.objects.get(twin_id="DEBY_LOD2_4959457")
    assert tum.kind == TwinKind.BUILDING
    assert tum.height == 37.54
    assert tum.storeys == 6
    assert tum.function == "31001_3020"
    assert tum.roof_type == "3200"
    assert tum.address == "Arcisstraße 21, München"
    assert tum.attributes["_twin"]["addresses"] == [
        {"street": "Arcisstraße", "number": "21", "city": "München", "country": "Germany"}
    ]
    assert tum.attributes["_twin"]["footprint"] == "GroundSurface"
    assert tum.attributes["_twin"]["z_min"] == 509.79


def test_tum_building_lands_where_pyproj_puts_its_vertices():
    """The first vertex of the GroundSurface, read from the file text and transformed separately with pyproj
    (EPSG:25832 -> WGS84), is the first vertex of the stored footprint, to within 1 m (measured: ~0 m)."""
    import_twin_file(path=TUM)
    text = TUM.read_text()
    ground = text[text.index("<bldg:GroundSurface") :]
    x, y = map(float, re.search(r"<gml:posList>(\S+) (\S+)", ground).groups())
    expected = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(x, y)
    tum = TwinFeature.objects.get(twin_id="DEBY_LOD2_4959457")
    assert metres(tuple(tum.geometry["coordinates"][0][0]), expected) < 1.0
    # The TUM main building, Arcisstraße 21, is at about 48.149 N, 11.568 E.
    assert metres((tum.longitude, tum.latitude), (11.568, 48.149)) < 100
    footprint = shape(tum.geometry)
    assert footprint.is_valid and len(footprint.interiors) == 1  # the inner courtyard
    assert tum.min_lon < tum.longitude < tum.max_lon and tum.min_lat < tum.latitude < tum.max_lat


def test_garching_streets_with_names():
    summary = import_twin_file(path=GARCHING)
    assert nonzero(counts("garching-streets.geojson")) == {"street": 918, "total": 918}
    assert summary.crs == ["OGC:CRS84"]
    street = TwinFeature.objects.get(twin_id="DEBYBDLMZS0001ZI")  # its official id (properties.id)
    assert street.name == "Isarstraße"
    assert street.function == "Gemeindestraße"
    # CRS84 is stored as it is: lon/lat, no transformation.
    assert street.geometry == {"type": "LineString", "coordinates": [[11.6727745, 48.263474], [11.672473, 48.2635253]]}
    assert street.attributes["kennung"] == "09184119000100000"
    assert not TwinFeature.objects.filter(name="").exists()
