"""The twin's search (participation/selectors/twin_search.py): by name, address, street, what objects are in
German or English, and twin id; ranked exact/prefix name and address first, then what they are, then id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import TwinFeature, TwinKind
from participation.selectors import TWIN_SEARCH_LIMIT, ranked_search, search_twin_features
from participation.services import import_twin_file
from tests.support import factories
from tests.support import twin_files as files
from tests.support.twin_files import DELFT, GARCHING, TUM

pytestmark = pytest.mark.django_db


def found(query: str, **options) -> list[str]:
    return [feature.twin_id for feature in search_twin_features(query=query, **options)]


def by_what_it_is(query: str) -> set[str]:
    """What the query finds by what objects are (rank 3), not by their names."""
    return set(ranked_search(query).filter(search_rank=3).values_list("twin_id", flat=True))


def kinds(query: str) -> set[str]:
    return set(ranked_search(query).values_list("kind", flat=True))


def test_the_shared_files_are_found_by_what_their_objects_are_their_streets_and_addresses(tmp_path):
    for path in (DELFT, TUM, GARCHING):
        import_twin_file(path=path)
    import_twin_file(
        path=files.write(
            tmp_path,
            "kempten.gml",
            files.citygml(
                files.coded_building("DEBY_CHURCH", function="31001_3041", name="St. Lorenz"),
                files.coded_building("DEBY_SCHOOL", function="31001_3021", storeys=3),
            ),
        )
    )
    bridges = set(TwinFeature.objects.filter(kind=TwinKind.BRIDGE).values_list("twin_id", flat=True))
    water = set(TwinFeature.objects.filter(kind=TwinKind.WATER).values_list("twin_id", flat=True))
    assert len(bridges) == len(water) == 3

    # What it is, in German and in English.
    assert found("Kirche") == found("church") == ["DEBY_CHURCH"]
    assert found("Schule") == found("school") == ["DEBY_SCHOOL"]
    assert set(found("bridge")) == bridges
    assert by_what_it_is("Brücke") == bridges  # after the streets named "...brücke..."
    assert by_what_it_is("Wasser") == set(found("water")) == water  # kind "Gewässer", BGT "waterloop"
    assert found("Wasser")[0] not in water  # the Wasserturmstraße by its name first
    assert kinds("Gebäude") == kinds("building") == {TwinKind.BUILDING}
    assert ranked_search("Gebäude").count() == ranked_search("building").count() == 160 + 1 + 2
    assert "DEBY_LOD2_4959457" in set(ranked_search("Bildung").values_list("twin_id", flat=True))  # its function
    assert set(ranked_search("Fußweg").values_list("source", flat=True)) == {
        "delft.city.json",
        "garching-streets.geojson",
    }
    assert set(ranked_search("Walmdach").values_list("twin_id", flat=True)) == {"DEBY_LOD2_4959457"}  # roof
    # Street and address.
    isar = ranked_search("Isarstraße")
    assert isar.count() == TwinFeature.objects.filter(name="Isarstraße").count() > 1
    assert found("arcisstraße") == ["DEBY_LOD2_4959457"]
    assert found("Arcisstraße 21, München") == ["DEBY_LOD2_4959457"]
    # Id.
    assert found("4959457") == ["DEBY_LOD2_4959457"]
    assert found("b0a8da4cc-2d2a") == ["b0a8da4cc-2d2a-11e6-9a38-393caa90be70"]


def test_exact_and_prefix_names_and_addresses_come_first_then_what_it_is_then_the_id():
    contains = factories.twin_feature(name="Alte Kirche", twin_id="T-contains")
    kind = factories.twin_feature(function="31001_3041", twin_id="T-kind", height=30.0)
    by_id = factories.twin_feature(kind=TwinKind.OTHER, twin_id="KIRCHE-0001")
    prefix_address = factories.twin_feature(address="Kirchenweg 3, Kempten", twin_id="T-prefix-address")
    prefix = factories.twin_feature(name="Kirchenplatz", twin_id="T-prefix")
    exact_address = factories.twin_feature(address="Kirche", twin_id="T-exact-address")
    exact = factories.twin_feature(name="kirche", twin_id="T-exact")
    factories.twin_feature(name="Rathaus", function="31001_3012")

    ranked = list(ranked_search("Kirche"))

    assert [f.twin_id for f in ranked] == [
        exact_address.twin_id,  # rank 0; among equals by name (an empty one first), then address
        exact.twin_id,
        prefix_address.twin_id,  # rank 1
        prefix.twin_id,
        contains.twin_id,  # rank 2
        kind.twin_id,  # rank 3: a church by its AdV function
        by_id.twin_id,  # rank 4
    ]
    assert [f.search_rank for f in ranked] == [0, 0, 1, 1, 2, 3, 4]


def test_a_group_code_finds_the_codes_of_its_group_for_buildings_only():
    church = factories.twin_feature(function="31001_3041")
    chapel = factories.twin_feature(function="3043")
    mosque_unlisted = factories.twin_feature(function="31001_3049")
    factories.twin_feature(function="31001_3012")  # town hall: public, not religious
    factories.twin_feature(kind=TwinKind.ROAD, function="3041")  # a road's code is no building function

    assert (
        set(found("religious")) == set(found("religiöse")) == {church.twin_id, chapel.twin_id, mosque_unlisted.twin_id}
    )


def test_nothing_for_an_empty_query_and_one_query_for_a_search():
    factories.twin_feature(name="Stadhuis")

    assert found("") == found("   ") == []
    with CaptureQueriesContext(connection) as queries:
        assert found("stadh") != []
    assert len(queries) == 1
    assert len(found("Gebäude")) == 1


def test_the_search_lists_at_most_its_limit_best_first():
    for n in range(TWIN_SEARCH_LIMIT + 5):
        factories.twin_feature(function="31001_1000", twin_id=f"H{n:02d}")
    named = factories.twin_feature(name="Wohngebäude am Markt")

    results = found("Wohngebäude")

    assert len(results) == TWIN_SEARCH_LIMIT and results[0] == named.twin_id
