"""The twin import (participation.services.import_twin_file, every reader) on generated documents: small
GeoJSON, CityJSON and CityGML files, valid and corrupted (wrong nesting, NaN/infinite/huge coordinates, missing
and duplicate ids, unknown CRS, NUL characters, bytes that are no UTF-8, truncation). Each is imported whole or
refused with TwinImportError and a message, the database exactly as before; never another exception. The count
of objects before the import (participation.twin.scan) never fails either."""

from __future__ import annotations

import json
import math

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from participation.models import TwinFeature
from participation.services.twin_features import import_twin_file
from participation.twin.readers import detect
from participation.twin.records import TwinImportError
from participation.twin.scan import count_objects
from tests.support import twin_files as files
from tests.support.properties import rolled_back, row_counts, tried

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

EXAMPLES = 40  # per format and kind of case; each is a whole import

# What a broken file has where a value should be.
junk = st.one_of(
    st.sampled_from([None, True, 0, -1, 2**70, 1e308, -1e308, math.nan, math.inf, "", "x", "\x00", [], {}, [[]]]),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.sampled_from(["type", "id", "properties", "scale", "name"]), st.text(max_size=4), max_size=2),
)
ids = st.text(min_size=1, max_size=12) | st.sampled_from(["B1", "B1 ", "ä\u200d", "\x00"]) | st.integers(0, 10).map(str)
CRS = st.sampled_from(["EPSG:25832", "urn:ogc:def:crs:EPSG::25832", "EPSG:999999", "EPSG:7837", "EPSG:4326", "x", ""])


@st.composite
def mutated(draw, document):
    """``document`` with up to three of its values replaced by junk, removed, or repeated in place."""
    for _step in range(draw(st.integers(0, 3))):
        parent, key = None, None
        node = document
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, draw(st.sampled_from(keys))
            node = node[key]
        if parent is None:
            continue
        action = draw(st.sampled_from(["replace", "remove", "repeat"]))
        if action == "replace":
            parent[key] = draw(junk)
        elif action == "remove":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
    return document


@st.composite
def as_bytes(draw, text: str) -> bytes:
    """The file as written, or damaged: cut off, or with bytes that are no UTF-8."""
    data = text.encode()
    damage = draw(st.sampled_from(["none", "none", "truncate", "latin-1", "garbage", "bom"]))
    if damage == "truncate":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if damage == "latin-1":
        return text.replace("B", "ß").encode("latin-1", errors="replace")
    if damage == "garbage":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    if damage == "bom":
        return b"\xef\xbb\xbf" + data
    return data


coordinate = st.floats(-50, 50) | st.sampled_from([math.nan, math.inf, 1e300])


@st.composite
def geojson_documents(draw) -> dict:
    features = []
    for number in range(draw(st.integers(0, 3))):
        x, y = 11.65 + number * 0.001, 48.25
        dx, dy = draw(coordinate) * 1e-5, draw(coordinate) * 1e-5
        geometry = draw(
            st.sampled_from(
                [
                    {"type": "Point", "coordinates": [x, y]},
                    {"type": "LineString", "coordinates": [[x, y], [x + dx, y + dy]]},
                    {"type": "Polygon", "coordinates": [[[x, y], [x + 1e-4, y], [x + dx, y + dy + 1e-4], [x, y]]]},
                ]
            )
        )
        properties = draw(st.dictionaries(st.sampled_from(["name", "kind", "height", "addr:street"]), ids, max_size=2))
        feature = files.feature(geometry, draw(ids | st.none()), **properties)
        features.append(feature)
    crs = draw(st.none() | CRS)
    return draw(mutated(files.geojson(*features, crs=crs or None)))


@st.composite
def cityjson_documents(draw) -> dict:
    objects, vertices = {}, []
    for number in range(draw(st.integers(0, 3))):
        objects[draw(ids)] = {
            "type": draw(st.sampled_from(["Building", "Road", "TINRelief", "BuildingPart", "Thing"])),
            "geometry": [files.box_solid(first=len(vertices))],
            "attributes": draw(
                st.dictionaries(st.sampled_from(["measuredHeight", "name", "function"]), junk, max_size=2)
            ),
        }
        vertices += files.box_vertices(number * 20, draw(coordinate) * 1e6, size=draw(st.integers(0, 10)))
    transform = draw(st.none() | st.just({"scale": [0.001, 0.001, 0.001], "translate": [85000, 447500, 0]}))
    integers = transform is not None
    if integers:
        vertices = [[int(v * 1000) if math.isfinite(v * 1000) else v for v in vertex] for vertex in vertices]
    crs = draw(
        st.none() | CRS.map(lambda code: code.replace("EPSG:25832", "https://www.opengis.net/def/crs/EPSG/0/28992"))
    )
    data = files.cityjson(
        objects, vertices, crs=crs, transform=transform, version=draw(st.sampled_from(["2.0", "1.1", "3"]))
    )
    return draw(mutated(data))


NUMBER = st.sampled_from(["598500", "5286750", "700", "nan", "inf", "-1e999", "1e308", "x", "", "1,5"])


@st.composite
def citygml_documents(draw) -> str:
    objects = []
    for number in range(draw(st.integers(0, 3))):
        points = [(x + 30 * number, y) for x, y in files.RECTANGLE]
        close = draw(st.booleans()) or number != 0
        tag = draw(st.sampled_from(["Building", "BuildingPart", "BuildingInstallation"]))
        objects.append(files.building(draw(ids), files.ground_surface(points, close=close), tag=tag))
    text = files.citygml(*objects, srs=draw(st.none() | CRS) or None)
    for _step in range(draw(st.integers(0, 2))):  # a number or a tag spelled wrong
        target = draw(st.sampled_from(["598520", "5286760", "700.0", "gml:id=", "</gml:posList>", "gml:Polygon"]))
        replacement = draw(NUMBER | st.sampled_from(["id=", "<gml:posList>", "gml:LineString", "&bad;"]))
        text = text.replace(target, replacement, 1)
    return text


def _import(tmp_path, name: str, data: bytes) -> None:
    """Imports the file: all of it, or (TwinImportError with a message) nothing."""
    path = tmp_path / name
    path.write_bytes(data)
    counted = count_objects(path)  # never fails: None when it cannot count
    assert counted is None or counted >= 0
    before = row_counts()
    with rolled_back():
        try:
            summary = import_twin_file(path=path, source="fuzz")
        except TwinImportError as error:
            assert error.message
            assert row_counts() == before
            return
        assert TwinFeature.objects.filter(source="fuzz").count() == sum(summary.created.values())
        assert detect(path) == summary.format


@settings(max_examples=EXAMPLES)
@given(geojson_documents().map(json.dumps).flatmap(as_bytes))
@example(b'{"type": "FeatureCollection", "crs": [], "features": []}')
@example(b'{"type": "FeatureCollection", "crs": {"properties": {"name": 4326}}, "features": []}')
@example(
    b'{"type": "Feature", "crs": {"properties": {"name": 4326}}, "geometry": {"type": "Point", "coordinates": [1, 2]}}'
)
@example(
    b'{"type": "Feature", "crs": {"properties": {"name": ["x"]}}, "geometry": {"type": "Point", "coordinates": [1, 2]}}'
)
@example(b'{"type": "Feature", "crs": {"properties": []}, "geometry": {"type": "Point", "coordinates": [1, 2]}}')
@example(b'{"type": "Feature", "crs": "EPSG:4326", "geometry": {"type": "Point", "coordinates": [1, 2]}}')
@example(b'{"type": "Feature", "properties": [1], "geometry": {"type": "Point", "coordinates": [1, 2]}}')
@example(b'{"type": "Feature", "properties": "x", "geometry": {"type": "Point", "coordinates": [1, 2]}}')
@example(b'{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": {"a": 1}}}')
@example(b'{"type": "Feature", "geometry": {"coordinates": [1, 2]}}')
@example(b'{"type": "Feature", "geometry": {"type": "GeometryCollection", "geometries": [1, {"type": "Point"}]}}')
@example(b'{"type": "FeatureCollection", "features": {"a": 1}}')
@example(b'{"type": ["FeatureCollection"], "features": []}')
@example(b'{"type": "Feature", "properties": [], "geometry": {"type": "Point", "coordinates": [11, 48]}}')
@example(
    b'{"type": "Feature", "id": "\\u0000", "properties": {}, "geometry": {"type": "Point", "coordinates": [11, 48]}}'
)
@example(b'{"type": "Feature", "properties": {"n": "\\u0000"}, "geometry": {"type": "Point", "coordinates": [11, 48]}}')
@example(
    b'{"type": "Feature", "properties": {"name": "\\u0000"}, "geometry": {"type": "Point", "coordinates": [11, 48]}}'
)
@example(b'{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]], 5]}}')
def test_geojson_files(tmp_path, data):
    tried("twin import: GeoJSON")
    _import(tmp_path, "fuzz.geojson", data)


@settings(max_examples=EXAMPLES)
@given(cityjson_documents().map(json.dumps).flatmap(as_bytes))
@example(b'{"type": "CityJSON", "version": "2.0", "CityObjects": [], "vertices": []}')
@example(b'{"type": "CityJSON", "version": "2.0", "CityObjects": {"a": 1}, "vertices": []}')
@example(b'{"type": "CityJSON", "version": "2.0", "CityObjects": {}, "vertices": [], "metadata": []}')
@example(b'{"type": "CityJSON", "version": "2.0", "CityObjects": {}, "vertices": [], "transform": {"scale": 1}}')
@example(b'{"type": "CityJSON", "version": "2.0", "CityObjects": {"a": {"type": "Building", "children": [[]]}}}')
@example(b'{"type": "CityJSON", "version": "2.0", "CityObjects": {"a": {"type": "Building", "parents": [1]}}}')
def test_cityjson_files(tmp_path, data):
    tried("twin import: CityJSON")
    _import(tmp_path, "fuzz.city.json", data)


@settings(max_examples=EXAMPLES)
@given(citygml_documents().flatmap(as_bytes))
@example(files.citygml(files.building("B1"), files.building("B1")).encode())
@example(files.citygml(files.building("\x01")).encode())
@example(files.citygml(files.building("B1")).replace("598520", "1e999").encode())
def test_citygml_files(tmp_path, data):
    tried("twin import: CityGML")
    _import(tmp_path, "fuzz.gml", data)


@pytest.mark.parametrize(
    ("content", "german"),
    [
        ('{"type": "CityJSON", "version": "2.0", "CityObjects": [1]}', "„CityObjects“ muss ein Objekt sein"),
        (
            '{"type": "CityJSON", "version": "2.0", "CityObjects": {"a": {"type": "Building", "children": [[]]}}}',
            "Objekt „a“ ist nicht so geschrieben, wie CityJSON es festlegt",
        ),
        (
            '{"type": "Feature", "id": "x", "properties": {"name": "\\u0000"}, '
            '"geometry": {"type": "Point", "coordinates": [11, 48]}}',
            "Objekt „x“: Einer seiner Texte enthält ein NUL-Zeichen",
        ),
    ],
)
def test_the_refusals_speak_german(tmp_path, content, german):
    path = files.write(tmp_path, "x.json", content)
    with translation.override("de"), pytest.raises(TwinImportError) as caught:
        import_twin_file(path=path)
    assert german in caught.value.message
    assert not TwinFeature.objects.exists()
