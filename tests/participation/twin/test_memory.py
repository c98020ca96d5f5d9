"""A Bavarian LoD2 tile of 10-150 MB is streamed: memory stays flat, whatever the file's size."""

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from participation.models import TwinFeature
from participation.twin.readers import citygml
from tests.support.server import database_url
from tests.support.synthetic_twin import write_synthetic_citygml

ROOT = Path(__file__).resolve().parents[3]
MB = 1_000_000
# What the import itself may add to the process, over what Django and the site's modules take once loaded.
IMPORT_LIMIT_MB = 380

# Runs the real command in a process of its own and reports that process's peak RSS.
MEASURE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
import django
django.setup()
from django.core.management import call_command
import participation.services.twin_features
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
ready_mb = rss_mb()
started = time.monotonic()
call_command("import_twin", sys.argv[1], "--source", "big-tile", stdout=open(os.devnull, "w"))
seconds = time.monotonic() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "ready_mb": ready_mb}))
"""


def traced_peak_mb(path: Path) -> float:
    tracemalloc.start()
    try:
        for _record in citygml.read(path):
            pass
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def test_reading_keeps_one_object_in_memory(tmp_path):
    """Python allocations while reading a 2 MB and a 10 MB tile: the same (~0.7 MB), not five times more."""
    small, big = tmp_path / "small.gml", tmp_path / "big.gml"
    write_synthetic_citygml(small, target_bytes=2 * MB)
    write_synthetic_citygml(big, target_bytes=10 * MB)
    assert traced_peak_mb(big) < 1.5 * traced_peak_mb(small) + 0.5


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_a_big_tile_imports_in_flat_memory(tmp_path):
    """30 MB by default (~360 buildings); BIG_TWIN_TEST=1 for the 150 MB of the largest Bavarian tiles."""
    size = 150 * MB if os.environ.get("BIG_TWIN_TEST") == "1" else 30 * MB
    path = tmp_path / "tile.gml"
    buildings = write_synthetic_citygml(path, target_bytes=size)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(), "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])

    assert TwinFeature.objects.filter(source="big-tile").count() == buildings
    assert measured["peak_mb"] - measured["ready_mb"] < IMPORT_LIMIT_MB
    print(
        f"\n{path.stat().st_size / MB:.0f} MB, {buildings} buildings: {measured['seconds']:.1f} s, "
        f"{buildings / measured['seconds']:.0f} buildings/s, peak RSS {measured['peak_mb']:.0f} MB "
        f"({measured['ready_mb']:.0f} MB when Django was ready)"
    )
