"""Every object of the shared files in data/twin/ has a human name, in German and in English: from its
address (CityGML xAL, CityJSON), its street name or its attributes, else from the official code lists;
never its id. Synthetic files cover what the shared ones lack (a named church, CityJSON addresses)."""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import translation

from participation.models import TwinFeature, TwinKind
from participation.services import import_twin_file
from tests.support import twin_files as files
from tests.support.twin_files import DELFT, GARCHING, TUM

pytestmark = pytest.mark.django_db

# What ids look like in these files: gml:ids, BGT/BAG/ALKIS ids, UUIDs, hex hashes.
ID_LIKE = re.compile(r"DEBY|G0503\.|[0-9a-f]{8}-[0-9a-f]{4}|\b\d{9,}\b|[0-9a-f]{16}|_")


def names(language: str) -> dict[str, tuple[str, str]]:
    with translation.override(language):
        return {f.twin_id: (f.label, f.category) for f in TwinFeature.objects.all()}


def ids_of(feature: TwinFeature) -> set[str]:
    """The object's own ids: twin id and the id attributes of its dataset."""
    keys = ("lokaalid", "identificatiebagpnd", "id", "kennung")
    return {feature.twin_id, *(str(feature.attributes[key]) for key in keys if feature.attributes.get(key))}


@pytest.mark.parametrize("path", [DELFT, TUM, GARCHING], ids=lambda path: path.name)
def test_no_object_of_a_shared_file_is_named_by_an_id(path):
    import_twin_file(path=path)
    features = list(TwinFeature.objects.all())
    assert features
    for language in ("de", "en"):
        with translation.override(language):
            for feature in features:
                label, category = feature.label, feature.category
                assert label and category, feature.twin_id
                for own_id in ids_of(feature):
                    assert own_id not in label and own_id not in category, (language, feature.twin_id, label)
                assert not ID_LIKE.search(label), (language, feature.twin_id, label)
                assert not ID_LIKE.search(category), (language, feature.twin_id, category)


def test_the_tum_building_is_named_by_its_address_and_described_by_the_adv_codes():
    import_twin_file(path=TUM)
    tum = TwinFeature.objects.get()

    assert names("de") == {"DEBY_LOD2_4959457": ("Arcisstraße 21, München", "Gebäude für Bildung und Forschung")}
    assert names("en") == {"DEBY_LOD2_4959457": ("Arcisstraße 21, München", "Building for education and research")}
    with translation.override("de"):
        assert tum.roof_label == "Walmdach"  # roofType 3200
    with translation.override("en"):
        assert tum.roof_label == "Hip roof"


def test_delft_objects_are_named_by_the_bgt_words_of_their_attributes():
    import_twin_file(path=DELFT)
    german, english = names("de"), names("en")

    def category(language: dict, kind: str) -> set[str]:
        ids = TwinFeature.objects.filter(kind=kind).values_list("twin_id", flat=True)
        return {language[twin_id][1] for twin_id in ids}

    assert category(german, TwinKind.WATER) == {"Wasserlauf"}  # class "waterloop"
    assert category(english, TwinKind.BRIDGE) == {"Bridge deck"}  # class "dek"
    assert category(german, TwinKind.ROAD) == {
        "Fußweg",
        "Fahrbahn (Ortsstraße)",
        "Parkfläche",
        "Treppe",
        "Fußgängerzone",
    }
    assert category(german, TwinKind.OTHER) == {"Mauer", "Kaimauer", "Wehr"}  # bgt_type
    assert category(english, TwinKind.LAND_USE) == {"Yard", "Paved surface", "Sealed surface", "Unpaved surface"}
    assert category(german, TwinKind.PLANT_COVER) == {"Grünanlage"}
    # A BGT building has no function: its kind and measured height (6.0 m).
    assert german["b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f"] == ("Gebäude, 6 m", "Gebäude")
    assert english["b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f"] == ("Building, 6 m", "Building")
    assert english["b31bce9c6-00ba-11e6-b420-2bdcc4ab5d7f"][0] == "Building, 2.8 m"
    assert german["b31bce9c6-00ba-11e6-b420-2bdcc4ab5d7f"][0] == "Gebäude, 2,8 m"


def test_garching_streets_are_named_by_their_street_names():
    import_twin_file(path=GARCHING)
    german = names("de")

    assert german["DEBYBDLMZS0001ZI"] == ("Isarstraße", "Gemeindestraße")
    assert all(
        label == name
        for (label, _), name in zip(german.values(), TwinFeature.objects.values_list("name", flat=True), strict=True)
    )
    # Three centre lines whose class is "Attribut trifft nicht zu" (ALKIS: does not apply) are streets.
    assert sum(category == "Straße" for _, category in german.values()) == 3


def test_citygml_buildings_by_name_address_and_codes(tmp_path):
    kempten = files.citygml(
        files.coded_building("DEBY_1", function="31001_3041", name="St. Lorenz", roof_type="3100", storeys=2),
        files.coded_building("DEBY_2", function="31001_1000", storeys=3, street="Bahnhofstraße 12"),
        files.coded_building("DEBY_3", function="31001_1000", storeys=3),
        files.coded_building("DEBY_4", function="31001_3021"),
    )
    import_twin_file(path=files.write(tmp_path, "kempten.gml", kempten))

    assert names("de") == {
        "DEBY_1": ("St. Lorenz", "Kirche"),
        "DEBY_2": ("Bahnhofstraße 12, Kempten", "Wohngebäude"),
        "DEBY_3": ("Wohngebäude, 3 Geschosse, 9,5 m", "Wohngebäude"),
        "DEBY_4": ("Allgemein bildende Schule, 9,5 m", "Allgemein bildende Schule"),
    }
    assert names("en")["DEBY_3"] == ("Residential building, 3 storeys, 9.5 m", "Residential building")


def test_cityjson_buildings_by_address_and_bag_use(tmp_path):
    vertices = files.box_vertices(85000.0, 447500.0, top=4.0) + files.box_vertices(85020.0, 447500.0, top=7.0)
    objects = {
        "pand-1": {
            "type": "Building",
            "attributes": {"gebruiksdoel": "woonfunctie"},
            "address": [{"ThoroughfareName": "Oude Delft", "ThoroughfareNumber": 1, "LocalityName": "Delft"}],
            "geometry": [files.box_solid(0)],
        },
        "pand-2": {
            "type": "Building",
            "attributes": {"gebruiksdoel": "winkelfunctie", "bgt_type": "waardeOnbekend"},
            "geometry": [files.box_solid(8)],
        },
    }
    data = files.cityjson(objects, vertices, crs="https://www.opengis.net/def/crs/EPSG/0/7415")
    import_twin_file(path=files.write(tmp_path, "delft.city.json", data))

    assert names("de") == {
        "pand-1": ("Oude Delft 1, Delft", "Wohngebäude"),
        "pand-2": ("Geschäftsgebäude, 7 m", "Geschäftsgebäude"),
    }
    assert names("en")["pand-2"] == ("Commercial building, 7 m", "Commercial building")


def test_the_migration_gives_objects_imported_before_it_their_function():
    import_twin_file(path=DELFT)
    roads = set(TwinFeature.objects.filter(kind=TwinKind.ROAD).values_list("function", flat=True))
    TwinFeature.objects.exclude(kind=TwinKind.ROAD).update(function="")  # as the readers left them before

    migration = importlib.import_module("participation.migrations.0013_twin_feature_names")
    migration.functions_from_attributes(apps, None)

    functions = dict(TwinFeature.objects.values_list("twin_id", "function"))
    water = TwinFeature.objects.filter(kind=TwinKind.WATER).values_list("twin_id", flat=True)
    assert {functions[twin_id] for twin_id in water} == {"waterloop"}
    buildings = set(TwinFeature.objects.filter(kind=TwinKind.BUILDING).values_list("twin_id", flat=True))
    assert all(function for twin_id, function in functions.items() if twin_id not in buildings)  # BGT buildings: none
    assert set(TwinFeature.objects.filter(kind=TwinKind.ROAD).values_list("function", flat=True)) == roads
