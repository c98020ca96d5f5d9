"""The variants the readers meet beyond the three real files: LoD1 solids, building parts, xAL with
numbers, generic attributes, CityJSON 1.0/1.1 layouts, GeoJSON with a crs member, --crs."""

import pytest
from shapely.geometry import shape

from participation.models import TwinFeature, TwinKind
from participation.services import import_twin_file
from tests.support import twin_files as files
from tests.support.twin_files import RECTANGLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def lod1_box(points, *, base: float, top: float) -> str:
    """An LoD1 solid without semantic surfaces: bottom, top and walls."""
    ring = [*points, points[0]]
    walls = [[(*ring[i], base), (*ring[i + 1], base), (*ring[i + 1], top), (*ring[i], top)] for i in range(4)]
    faces = [[(*p, base) for p in points[::-1]], [(*p, top) for p in points], *walls]

    def face(points3d):
        closed = [*points3d, points3d[0]]
        coords = " ".join(" ".join(map(str, p)) for p in closed)
        ring = f"<gml:LinearRing><gml:posList>{coords}</gml:posList></gml:LinearRing>"
        return f"<gml:surfaceMember><gml:Polygon><gml:exterior>{ring}</gml:exterior></gml:Polygon></gml:surfaceMember>"

    members = "".join(face(f) for f in faces)
    solid = (
        f"<gml:Solid><gml:exterior><gml:CompositeSurface>{members}</gml:CompositeSurface></gml:exterior></gml:Solid>"
    )
    return f"<bldg:lod1Solid>{solid}</bldg:lod1Solid>"


def test_citygml_lod1_solid_without_ground_surface(tmp_path):
    body = "<bldg:function>31001_1000</bldg:function>" + lod1_box(RECTANGLE, base=700, top=712.5)
    building = f'<bldg:Building gml:id="LOD1">{body}</bldg:Building>'
    path = files.write(tmp_path, "lod1.gml", files.citygml(building, srs="urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH"))
    summary = import_twin_file(path=path)
    assert summary.crs == ["EPSG:25832"]
    feature = TwinFeature.objects.get()
    assert feature.height == 12.5  # no measuredHeight: max z - min z
    assert feature.attributes["_twin"] == {
        "type": "Building",
        "lod": 1,
        "z_min": 700.0,
        "z_max": 712.5,
        "footprint": "surfaces",
        "height_from": "z range",
    }
    outline = shape(feature.geometry)
    assert outline.geom_type == "Polygon" and len(outline.exterior.coords) == 5  # the rectangle, walls left out


def test_citygml_building_parts(tmp_path):
    west = [(598500, 5286750), (598510, 5286750), (598510, 5286760), (598500, 5286760)]
    east = [(598510, 5286750), (598520, 5286750), (598520, 5286760), (598510, 5286760)]
    parts = "".join(
        f"<bldg:consistsOfBuildingPart>{files.building(part, points=points, tag='BuildingPart')}"
        "</bldg:consistsOfBuildingPart>"
        for part, points in (("P1", west), ("P2", east))
    )
    building = f'<bldg:Building gml:id="B"><bldg:roofType>1000</bldg:roofType>{parts}</bldg:Building>'
    summary = import_twin_file(path=files.write(tmp_path, "parts.gml", files.citygml(building)))
    assert dict(summary.created) == {"building": 1, "building_part": 2}
    whole = TwinFeature.objects.get(twin_id="B")
    assert whole.attributes["_twin"]["footprint"] == "parts"
    assert shape(whole.geometry).area == pytest.approx(shape(TwinFeature.objects.get(twin_id="P1").geometry).area * 2)
    assert whole.roof_type == "1000"
    assert whole.height == 9.5  # the parts' measured height
    assert TwinFeature.objects.get(twin_id="P2").attributes["_twin"]["parent"] == "B"


def test_citygml_address_attributes_and_skips(tmp_path):
    xal = (
        "<bldg:address><core:Address><core:xalAddress><xAL:AddressDetails><xAL:Country>"
        '<xAL:CountryName>Germany</xAL:CountryName><xAL:Locality Type="Town">'
        '<xAL:LocalityName>Kempten (Allgäu)</xAL:LocalityName><xAL:Thoroughfare Type="Street">'
        "<xAL:ThoroughfareNumber>12</xAL:ThoroughfareNumber><xAL:ThoroughfareName>Bahnhofstraße</xAL:ThoroughfareName>"
        "</xAL:Thoroughfare><xAL:PostalCode><xAL:PostalCodeNumber>87435</xAL:PostalCodeNumber></xAL:PostalCode>"
        "</xAL:Locality></xAL:Country></xAL:AddressDetails></core:xalAddress></core:Address></bldg:address>"
    )
    generic = (
        '<gen:stringAttribute name="DatenquelleDachhoehe"><gen:value>1000</gen:value></gen:stringAttribute>'
        '<gen:doubleAttribute name="Traufhoehe"><gen:value>7.25</gen:value></gen:doubleAttribute>'
        "<bldg:storeysAboveGround>3</bldg:storeysAboveGround>"
    )
    house = f'<bldg:Building gml:id="H">{generic}{files.ground_surface(RECTANGLE)}{xal}</bldg:Building>'
    relief = '<dem:ReliefFeature gml:id="T"/>'
    empty = '<bldg:Building gml:id="E"><bldg:function>x</bldg:function></bldg:Building>'
    summary = import_twin_file(path=files.write(tmp_path, "x.gml", files.citygml(house, relief, empty)))

    feature = TwinFeature.objects.get()
    assert feature.address == "Bahnhofstraße 12, 87435 Kempten (Allgäu)"
    assert feature.storeys == 3
    assert feature.attributes["DatenquelleDachhoehe"] == "1000"
    assert feature.attributes["Traufhoehe"] == 7.25
    assert dict(summary.created) == {"building": 1}
    assert dict(summary.skipped) == {"": 1, "building": 1}
    assert set(summary.skip_reasons) == {"ReliefFeature: terrain is not imported", "Building without geometry"}


def test_cityjson_1_0_without_transform(tmp_path):
    vertices = files.box_vertices(85000.0, 447500.0, top=4.0)
    house = {
        "type": "Building",
        "attributes": {"roofType": "flat", "storeysAboveGround": 1},
        "address": {"ThoroughfareName": "Oude Delft", "ThoroughfareNumber": "1", "LocalityName": "Delft"},
        "geometry": [{**files.box_solid(), "lod": 1}],
    }
    data = files.cityjson({"house": house}, vertices, version="1.0", crs="urn:ogc:def:crs:EPSG::7415")
    import_twin_file(path=files.write(tmp_path, "old.json", data))
    feature = TwinFeature.objects.get()
    assert feature.address == "Oude Delft 1, Delft"
    assert feature.height == 4.0 and feature.storeys == 1 and feature.roof_type == "flat"
    assert feature.attributes["_twin"]["footprint"] == "GroundSurface"
    assert 4.36 < feature.longitude < 4.38 and 52.0 < feature.latitude < 52.02


def test_cityjson_2_0_parts_inner_parts_terrain_points(tmp_path):
    vertices = files.box_vertices(0, 0) + files.box_vertices(10, 0) + [[5, 20, 0]]
    objects = {
        "house": {"type": "Building", "children": ["west", "east", "balcony"]},
        "west": {"type": "BuildingPart", "parents": ["house"], "geometry": [files.box_solid(0)]},
        "east": {"type": "BuildingPart", "parents": ["house"], "geometry": [files.box_solid(8)]},
        "balcony": {"type": "BuildingInstallation", "parents": ["house"], "geometry": [files.box_solid(8)]},
        "ground": {"type": "TINRelief", "geometry": []},
        "tree": {
            "type": "SolitaryVegetationObject",
            "geometry": [{"type": "MultiPoint", "lod": "1", "boundaries": [16]}],
        },
        "plaza": {
            "type": "TransportSquare",
            "geometry": [{"type": "MultiSurface", "lod": "1", "boundaries": [[[0, 1, 2, 3]], [[8, 9, 10, 11]]]}],
        },
        "+Lamp": {"type": "+StreetLamp", "geometry": [{"type": "MultiPoint", "lod": "1", "boundaries": [16]}]},
    }
    transform = {"scale": [1, 1, 1], "translate": [85000, 447500, 0]}
    data = files.cityjson(objects, vertices, crs="https://www.opengis.net/def/crs/EPSG/0/7415", transform=transform)
    summary = import_twin_file(path=files.write(tmp_path, "district.city.json", data))

    assert dict(summary.created) == {"building": 1, "building_part": 2, "plant_cover": 1, "square": 1, "other": 1}
    assert set(summary.skip_reasons) == {
        "BuildingInstallation: inner parts are not map features",
        "TINRelief: terrain is not imported",
    }
    house = TwinFeature.objects.get(twin_id="house")
    assert shape(house.geometry).geom_type == "Polygon"  # the two parts side by side, merged
    assert house.height == 6.0  # from the parts' solids
    assert house.max_lon > TwinFeature.objects.get(twin_id="east").min_lon
    tree = TwinFeature.objects.get(twin_id="tree")
    assert tree.geometry["type"] == "Point" and len(tree.geometry["coordinates"]) == 3  # lon, lat, height
    assert TwinFeature.objects.get(twin_id="plaza").kind == TwinKind.SQUARE


def test_cityjson_unknown_version(tmp_path):
    from participation.twin.records import TwinImportError

    data = files.cityjson({}, [], version="3.0", crs="EPSG:7415")
    with pytest.raises(TwinImportError, match="version"):
        import_twin_file(path=files.write(tmp_path, "x.city.json", data))


def test_geojson_crs_member_kinds_and_stable_ids(tmp_path):
    park = {"type": "Polygon", "coordinates": [[[*p] for p in [*RECTANGLE, RECTANGLE[0]]]]}
    bench = {"type": "Point", "coordinates": [598510, 5286755, 701.5]}
    data = files.geojson(
        files.feature(
            park, None, kind="park", name="Hofgarten", **{"addr:street": "Residenzplatz", "addr:city": "Kempten"}
        ),
        files.feature(bench, None, kind="city_furniture"),
        crs="urn:ogc:def:crs:EPSG::25832",
    )
    path = files.write(tmp_path, "x.geojson", data)
    import_twin_file(path=path)
    again = import_twin_file(path=path)
    assert dict(again.updated) == {"park": 1, "city_furniture": 1}  # ids from the geometry: the same rows
    park_row = TwinFeature.objects.get(kind=TwinKind.PARK)
    assert park_row.twin_id.startswith("geometry-") and park_row.name == "Hofgarten"
    assert park_row.address == "Residenzplatz, Kempten"
    bench_row = TwinFeature.objects.get(kind=TwinKind.CITY_FURNITURE)
    assert bench_row.geometry["coordinates"][2] == 701.5
    assert 10.3 < bench_row.longitude < 10.33 and 47.71 < bench_row.latitude < 47.73  # Kempten


def test_crs_option_overrides_the_file(tmp_path):
    line = {"type": "LineString", "coordinates": [[598500, 5286750], [598600, 5286760]]}
    path = files.write(tmp_path, "utm.geojson", files.geojson(files.feature(line, "l1", name="Rathausplatz")))
    summary = import_twin_file(path=path, crs="EPSG:25832")
    assert summary.crs == ["EPSG:25832"]
    assert 10.31 < TwinFeature.objects.get().longitude < 10.32
