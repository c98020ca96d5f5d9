"""python manage.py import_twin: the same importer, its summary printed, errors as CommandError."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from participation.models import TwinFeature
from tests.support import twin_files as files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args) -> str:
    out = StringIO()
    call_command("import_twin", *map(str, args), stdout=out)
    return out.getvalue()


def test_command_imports_and_prints_the_summary():
    output = run(files.DELFT)
    assert "delft.city.json (cityjson, EPSG:7415)" in output
    lines = {line.split()[0]: line.split()[-3:] for line in output.splitlines()[2:] if line.strip()}
    assert lines["Building"] == ["160", "0", "0"]
    assert lines["Road"] == ["143", "0", "0"]
    assert lines["total"] == ["570", "0", "0"]
    again = run(files.DELFT)
    assert "total" in again and again.splitlines()[-1].split()[-3:] == ["0", "570", "0"]


def test_command_options(tmp_path):
    path = files.write(tmp_path, "nocrs.gml", files.citygml(files.building("B1"), srs=None))
    output = run(path, "--crs", "EPSG:25832", "--source", "kempten-598_5286")
    assert "EPSG:25832" in output
    assert TwinFeature.objects.get().source == "kempten-598_5286"
    path.write_text(files.citygml(files.building("B2"), srs=None))
    output = run(path, "--crs", "EPSG:25832", "--source", "kempten-598_5286", "--prune")
    assert "removed (no longer in the file): 1" in output
    assert list(TwinFeature.objects.values_list("twin_id", flat=True)) == ["B2"]


def test_command_reports_skipped_objects_and_kept_ones(tmp_path):
    path = files.write(tmp_path, "x.gml", files.citygml(files.building("B1"), files.building("B2")))
    run(path)
    path.write_text(files.citygml(files.building("B1"), '<dem:ReliefFeature gml:id="T"/>'))
    output = run(path)
    assert "skipped: ReliefFeature: terrain is not imported (1)" in output
    assert "no longer in the file, kept (use --prune to remove): 1" in output


def test_command_error_on_bad_input(tmp_path):
    path = files.write(tmp_path, "nocrs.gml", files.citygml(files.building("B1"), srs=None))
    with pytest.raises(CommandError, match="--crs"):
        run(path)
    assert not TwinFeature.objects.exists()
