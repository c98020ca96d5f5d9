"""Re-importing a source updates its rows in place; only prune removes what left the file."""

import json

import pytest

from participation.models import TwinFeature
from participation.services import import_twin_file
from tests.support import twin_files as files

pytestmark = pytest.mark.django_db


def rows(source: str) -> dict[str, int]:
    return dict(TwinFeature.objects.filter(source=source).values_list("twin_id", "pk"))


def test_reimport_updates_in_place_and_counts_updates():
    first = import_twin_file(path=files.DELFT)
    before = rows("delft.city.json")
    TwinFeature.objects.filter(source="delft.city.json").update(name="stale")

    again = import_twin_file(path=files.DELFT)

    assert rows("delft.city.json") == before  # same rows, same primary keys: nothing deleted and re-created
    assert TwinFeature.objects.count() == 570
    assert not again.created and dict(again.updated) == dict(first.created)
    assert not TwinFeature.objects.filter(name="stale").exists()
    assert again.missing == 0


def test_reimport_keeps_the_first_import_time():
    import_twin_file(path=files.TUM)
    first = TwinFeature.objects.get()
    import_twin_file(path=files.TUM)
    second = TwinFeature.objects.get()
    assert second.imported_at == first.imported_at
    assert second.updated_at > first.updated_at


def test_sources_are_kept_apart():
    import_twin_file(path=files.TUM)
    import_twin_file(path=files.TUM, source="tum-copy")
    assert TwinFeature.objects.filter(twin_id="DEBY_LOD2_4959457").count() == 2


def reduced_garching(tmp_path, keep: int):
    data = json.loads(files.GARCHING.read_text())
    data["features"] = data["features"][:keep]
    return files.write(tmp_path, "garching-reduced.geojson", data)


def test_objects_gone_from_the_file_stay_without_prune(tmp_path):
    import_twin_file(path=files.GARCHING, source="garching")
    summary = import_twin_file(path=reduced_garching(tmp_path, 900), source="garching")
    assert TwinFeature.objects.filter(source="garching").count() == 918
    assert summary.missing == 18 and summary.removed == 0
    assert sum(summary.updated.values()) == 900


def test_prune_removes_objects_gone_from_the_file(tmp_path):
    import_twin_file(path=files.GARCHING, source="garching")
    kept = rows("garching")
    summary = import_twin_file(path=reduced_garching(tmp_path, 900), source="garching", prune=True)
    assert TwinFeature.objects.filter(source="garching").count() == 900
    assert summary.removed == 18
    assert all(kept[twin_id] == pk for twin_id, pk in rows("garching").items())


def test_prune_leaves_other_sources_alone(tmp_path):
    import_twin_file(path=files.TUM)
    import_twin_file(path=files.GARCHING, source="garching")
    import_twin_file(path=reduced_garching(tmp_path, 10), source="garching", prune=True)
    assert TwinFeature.objects.filter(source="DEBY_LOD2_4959457_TUM.gml").count() == 1


def test_progress_is_reported():
    seen = []
    import_twin_file(path=files.GARCHING, progress=seen.append)
    assert seen[-1] == 918
    assert seen == sorted(seen) and len(seen) >= 2  # batches of 500, then the end
