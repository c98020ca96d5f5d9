"""Names of twin objects from their values: own name, address, else the official code lists' words, in German
and English with each language's number format; never a raw id or code."""

import pytest
from django.utils import translation

from participation.models import TwinFeature, TwinKind, twin_label
from participation.twin_names import adv, code_matches, function_label, roof_label


def feature(**values) -> TwinFeature:
    values = {"twin_id": "DEBY_LOD2_1", "kind": TwinKind.BUILDING, **values}
    return TwinFeature(**values)


def in_language(language: str, value):
    with translation.override(language):
        return value() if callable(value) else str(value)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Wohngebäude, 3 Geschosse, 9,5 m"), ("en", "Residential building, 3 storeys, 9.5 m")],
)
def test_a_building_without_name_or_address_is_described_by_the_adv_codes(language, expected):
    house = feature(function="31001_1000", storeys=3, height=9.54)

    assert in_language(language, lambda: house.label) == expected
    assert in_language(language, lambda: str(house)) == expected


def test_heights_are_rounded_to_a_tenth_and_written_as_the_language_writes_numbers():
    assert in_language("de", lambda: feature(height=37.54).label) == "Gebäude, 37,5 m"
    assert in_language("en", lambda: feature(height=37.54).label) == "Building, 37.5 m"
    assert in_language("de", lambda: feature(height=6.0, storeys=1).label) == "Gebäude, 1 Geschoss, 6 m"
    assert in_language("en", lambda: feature(height=6, storeys=1).label) == "Building, 1 storey, 6 m"
    assert in_language("en", lambda: feature(height=None, storeys=0).label) == "Building"


def test_own_name_first_then_address_then_description():
    named = feature(name="St. Lorenz", address="St.-Lorenz-Platz 1, Kempten", function="31001_3041")
    addressed = feature(address="Arcisstraße 21, München", function="31001_3020")
    id_as_name = feature(name="DEBY_LOD2_1", function="31001_3041", height=24.0)

    assert named.label == "St. Lorenz" and named.is_named
    assert addressed.label == "Arcisstraße 21, München" and addressed.is_named
    assert in_language("de", lambda: id_as_name.label) == "Kirche, 24 m"  # a name that is the id is no name
    assert not id_as_name.is_named
    assert in_language("de", lambda: named.category) == "Kirche"
    assert in_language("en", lambda: addressed.category) == "Building for education and research"


@pytest.mark.parametrize(
    ("function", "german", "english"),
    [
        ("31001_3041", "Kirche", "Church"),
        ("3041", "Kirche", "Church"),  # the code without the object type, as other sources write it
        ("31001_3021", "Allgemein bildende Schule", "School"),
        ("31001_3049", "Gebäude für religiöse Zwecke", "Building for religious purposes"),  # by its group
        ("31001_3999", "Gebäude für öffentliche Zwecke", "Building for public purposes"),
        ("31001_9998", "Gebäude", "Building"),  # "not to be specified": the kind
        ("31001_1000, 31001_2463", "Wohngebäude", "Residential building"),  # two functions: the first
        ("woonfunctie", "Wohngebäude", "Residential building"),  # BAG
        ("onderwijsfunctie", "Schulgebäude", "School building"),
        ("B471", "Gebäude", "Building"),  # an unknown code is never shown
    ],
)
def test_building_functions_from_the_code_lists(function, german, english):
    house = feature(function=function)

    assert (in_language("de", lambda: house.category), in_language("en", lambda: house.category)) == (german, english)


@pytest.mark.parametrize(
    ("kind", "function", "german", "english"),
    [
        (TwinKind.ROAD, "voetpad", "Fußweg", "Footpath"),
        (TwinKind.ROAD, "rijbaan lokale weg", "Fahrbahn (Ortsstraße)", "Carriageway of a local road"),
        (TwinKind.WATER, "waterloop", "Wasserlauf", "Watercourse"),
        (TwinKind.WATER, "greppel, droge sloot", "Graben", "Ditch"),  # a BGT value with a comma
        (TwinKind.BRIDGE, "dek", "Brückendeck", "Bridge deck"),
        (TwinKind.PLANT_COVER, "groenvoorziening", "Grünanlage", "Green space"),
        (TwinKind.LAND_USE, "erf", "Hof", "Yard"),
        (TwinKind.OTHER, "kademuur", "Kaimauer", "Quay wall"),
        (TwinKind.STREET, "Gemeindestraße", "Gemeindestraße", "Gemeindestraße"),  # the data's own words
        (TwinKind.STREET, "Attribut trifft nicht zu", "Straße", "Street"),  # ALKIS for "not applicable"
        (TwinKind.ROAD, "1000", "Straßenfläche", "Road"),  # AdV building codes name buildings only
        (TwinKind.WATER, "", "Gewässer", "Water"),
    ],
)
def test_other_objects_by_the_bgt_or_their_kind(kind, function, german, english):
    thing = feature(kind=kind, function=function, twin_id="G0503.032e68f09d7049cce0532ee22091b28c")

    assert in_language("de", lambda: thing.label) == german
    assert in_language("en", lambda: thing.label) == english


def test_roof_forms_from_the_adv_list():
    assert in_language("de", lambda: roof_label("3100")) == "Satteldach"
    assert in_language("en", lambda: roof_label("3100")) == "Gable roof"
    assert in_language("de", lambda: feature(roof_type="3200").roof_label) == "Walmdach"
    assert roof_label("flat") == "" and feature(kind=TwinKind.ROAD, roof_type="3100").roof_label == ""


def test_the_code_lists_say_where_they_come_from_and_group_codes_fall_back():
    assert "AX_Gebaeudefunktion" in adv.__doc__ and "AX_Dachform" in adv.__doc__
    assert adv.groups("3041") == ["3041", "3040", "3000"]
    assert adv.code("31001_3041") == adv.code("3041") == "3041" and adv.code("3041a") is None
    assert function_label("31001_3041", building=False) == ""


def test_a_row_is_named_as_its_model_is():
    values = {"twin_id": "x", "name": "", "address": "", "kind": "building", "function": "3041", "storeys": 2}
    row = {**values, "height": 12.0}

    assert in_language("de", lambda: twin_label(row)) == in_language("de", lambda: TwinFeature(**row).label)


def test_search_words_name_codes_in_every_language():
    assert code_matches("Kirche").building_functions == ["3041"]
    assert code_matches("church").building_functions == ["3041"]
    assert set(code_matches("schule").building_functions) >= {"3021", "3022"}
    assert code_matches("Fußweg").function_values == ["voetpad"]
    assert code_matches("footpath").function_values == ["voetpad"]
    assert code_matches("Satteldach").roof_forms == ["3100"]
    assert not code_matches("ki")  # too short to mean anything
