"""Bad input is refused with a message that names the object, and leaves nothing behind."""

import json

import pytest

from participation.models import TwinFeature
from participation.services.twin_features import BATCH_SIZE, import_twin_file
from participation.twin.records import TwinImportError
from participation.twin.scan import count_objects
from tests.support import twin_files as files
from tests.support.twin_files import RECTANGLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BOW_TIE = [(598500, 5286750), (598520, 5286760), (598520, 5286750), (598500, 5286760)]


def refused(path, **options) -> str:
    with pytest.raises(TwinImportError) as caught:
        import_twin_file(path=path, **options)
    assert not TwinFeature.objects.exists()
    return caught.value.message


def test_broken_xml(tmp_path):
    text = files.TUM.read_text()
    path = files.write(tmp_path, "broken.gml", text[: len(text) // 2])
    message = refused(path)
    assert "not well-formed XML" in message and "line" in message


def test_broken_xml_after_good_objects_names_the_last_good_one(tmp_path):
    text = files.citygml(files.building("B1"), files.building("B2"))
    path = files.write(tmp_path, "broken.gml", text.replace("</core:CityModel>", "<core:cityObjectMember><bldg:Bu"))
    assert "“B2”" in refused(path)


def with_doctype(doctype: str, name: str) -> str:
    """A CityGML file whose one building is named by an entity its document type declares."""
    text = files.citygml(files.building("B1", f"<gml:name>{name}</gml:name>{files.ground_surface(RECTANGLE)}"))
    return text.replace("\n<core:CityModel", f"\n{doctype}\n<core:CityModel", 1)


BILLION_LAUGHS = (
    '<!DOCTYPE core:CityModel [\n<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10))
    + "]>"
)


def test_entities_that_expand_without_end_are_refused_before_any_is_expanded(tmp_path):
    path = files.write(tmp_path, "laughs.gml", with_doctype(BILLION_LAUGHS, "&lol9;"))

    message = refused(path)
    assert "document type" in message and "refused" in message
    assert count_objects(path) is None  # the progress count does not expand them either


def test_an_entity_naming_a_file_or_a_host_is_refused_and_never_read(tmp_path):
    secret = files.write(tmp_path, "secret.txt", "the server's secret")
    for target in (secret.as_uri(), "http://calls-out.invalid/twin.dtd"):
        doctype = f'<!DOCTYPE core:CityModel [\n<!ENTITY outside SYSTEM "{target}">\n]>'
        path = files.write(tmp_path, "outside.gml", with_doctype(doctype, "&outside;"))

        message = refused(path)
        assert "document type" in message and "secret" not in message


def test_broken_json(tmp_path):
    path = files.write(tmp_path, "broken.city.json", '{"type": "CityJSON", "version": "2.0", "CityObjects": {')
    assert "not valid JSON" in refused(path)
    path = files.write(tmp_path, "broken.geojson", '{"type": "FeatureCollection", "features": [}')
    assert "not valid JSON" in refused(path)


def test_unknown_crs_in_the_file(tmp_path):
    data = files.cityjson(
        {"house": {"type": "Building", "geometry": [files.box_solid()]}},
        files.box_vertices(85000, 447500),
        crs="https://www.opengis.net/def/crs/EPSG/0/999999",
    )
    message = refused(files.write(tmp_path, "x.city.json", data))
    assert "“house”" in message and "Unknown coordinate reference system" in message and "999999" in message


def test_unknown_crs_given_on_the_command_line():
    message = refused(files.TUM, crs="EPSG:999999")
    assert "Unknown coordinate reference system “EPSG:999999”" in message


def test_a_crs_that_is_no_map_crs(tmp_path):
    path = files.write(tmp_path, "x.gml", files.citygml(files.building("B1"), srs="EPSG:7837"))  # a vertical CRS
    assert "“B1”" in refused(path)


def test_citygml_without_crs_needs_crs_option(tmp_path):
    path = files.write(tmp_path, "nocrs.gml", files.citygml(files.building("B1"), srs=None))
    message = refused(path)
    assert "does not say which coordinate reference system" in message and "--crs" in message
    import_twin_file(path=path, crs="EPSG:25832")
    assert TwinFeature.objects.get().twin_id == "B1"


def test_cityjson_without_crs_needs_crs_option(tmp_path):
    data = files.cityjson({"house": {"type": "Building", "geometry": [files.box_solid()]}}, files.box_vertices(0, 0))
    path = files.write(tmp_path, "nocrs.city.json", data)
    assert "--crs" in refused(path)


def test_self_intersecting_ground_surface(tmp_path):
    path = files.write(tmp_path, "x.gml", files.citygml(files.building("B1"), files.building("BOWTIE", points=BOW_TIE)))
    message = refused(path)
    assert "“BOWTIE”" in message and "Self-intersection" in message


def test_self_intersecting_geojson_polygon(tmp_path):
    ring = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]
    data = files.geojson(files.feature({"type": "Polygon", "coordinates": [ring]}, "bowtie"))
    message = refused(files.write(tmp_path, "x.geojson", data))
    assert "“bowtie”" in message and "Self-intersection" in message


def test_self_intersecting_cityjson_face(tmp_path):
    vertices = [[0, 0, 0], [10, 10, 0], [10, 0, 0], [0, 10, 0]]
    data = files.cityjson(
        {
            "plaza": {
                "type": "LandUse",
                "geometry": [{"type": "MultiSurface", "lod": "1", "boundaries": [[[0, 1, 2, 3]]]}],
            }
        },
        vertices,
        crs="EPSG:28992",
        transform={"scale": [1, 1, 1], "translate": [85000, 447500, 0]},
    )
    message = refused(files.write(tmp_path, "x.city.json", data))
    assert "“plaza”" in message and "Self-intersection" in message


def test_citygml_ring_that_does_not_close(tmp_path):
    body = files.ground_surface([*RECTANGLE, (598505, 5286755)], close=False, ring_id="R7")
    path = files.write(tmp_path, "x.gml", files.citygml(files.building("OPEN", body)))
    message = refused(path)
    assert "“OPEN”" in message and "R7" in message and "does not close" in message


def test_geojson_ring_that_does_not_close(tmp_path):
    ring = [[0, 0], [1, 0], [1, 1], [0, 1]]
    data = files.geojson(files.feature({"type": "Polygon", "coordinates": [ring]}, "open"))
    message = refused(files.write(tmp_path, "x.geojson", data))
    assert "“open”" in message and "does not close" in message


def test_coordinates_that_are_not_numbers(tmp_path):
    body = files.ground_surface(RECTANGLE).replace("598500 5286750", "598500 north", 1)
    path = files.write(tmp_path, "x.gml", files.citygml(files.building("NAN", body)))
    assert "“NAN”" in refused(path)


def test_projected_coordinates_without_crs_in_geojson(tmp_path):
    """GeoJSON without "crs" is CRS84; UTM coordinates then fall off the earth, and the message says what to do."""
    ring = [[598500, 5286750], [598520, 5286750], [598520, 5286760], [598500, 5286750]]
    data = files.geojson(files.feature({"type": "Polygon", "coordinates": [ring]}, "utm"))
    message = refused(files.write(tmp_path, "x.geojson", data))
    assert "“utm”" in message and "--crs" in message


def test_the_same_id_twice(tmp_path):
    data = files.geojson(files.street("s1", "A"), files.street("s1", "B", 0.01))
    assert "“s1” appears twice" in refused(files.write(tmp_path, "x.geojson", data))


def test_a_bad_object_after_many_good_ones_leaves_no_rows(tmp_path):
    """One transaction per file: batches already written are rolled back with the rest."""
    good = [files.street(f"s{n}", f"Straße {n}", n * 1e-4) for n in range(BATCH_SIZE * 2 + 10)]
    bad = files.feature({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "bad")
    path = files.write(tmp_path, "x.geojson", files.geojson(*good, bad, *good[:1]))
    assert "“bad”" in refused(path)


def test_a_failed_reimport_leaves_the_earlier_import_as_it_was(tmp_path):
    path = files.write(tmp_path, "streets.geojson", files.geojson(files.street("s1", "Alt"), files.street("s2", "Alt")))
    import_twin_file(path=path)
    bad = files.feature({"type": "LineString", "coordinates": [[0, 0], [1e7, 0]]}, "far")
    path.write_text(json.dumps(files.geojson(files.street("s1", "Neu"), bad)))
    with pytest.raises(TwinImportError):
        import_twin_file(path=path, prune=True)
    assert sorted(TwinFeature.objects.values_list("twin_id", "name")) == [("s1", "Alt"), ("s2", "Alt")]


def test_missing_file(tmp_path):
    assert "There is no file" in refused(tmp_path / "nothing.gml")


def test_unknown_format(tmp_path):
    assert "Cannot tell the format" in refused(files.write(tmp_path, "notes.txt", "hello"))
