"""An export streams: 100,000 contributions take about the memory of 10,000, in every format.

Each export runs in a process of its own (the real task's service, as a worker runs it) that reports its
peak RSS during the export (the peak of Django's set-up reset before it) over what Django and the site's
modules take once loaded. The figures are printed (``-s``) beside
the floor they are held to. EXPORT_MEMORY_FORMATS=xlsx,csv,geojson measures every format. By default
PostgreSQL measures XLSX (the heaviest writer), SQLite CSV: the writer's memory does not depend on the
database, and what does (reading the rows in chunks) CSV measures as well there, in a tenth of the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from participation.models import Contribution, ExportJob, JobStatus
from tests.support import factories
from tests.support.server import database_url

ROOT = Path(__file__).resolve().parents[2]
SMALL, BIG = 10_000, 100_000
BATCH = 5_000
# What 90,000 more contributions may add to the export's peak over the small one's (it is a few MB).
GROWTH_LIMIT_MB = 20
TEXT = (
    "Der Platz braucht mehr Schatten: Bäume an der Südseite, Bänke unter den Bäumen und einen Trinkbrunnen. "
    "Im Sommer ist es hier über Mittag kaum auszuhalten, und abends fehlt das Licht. "
)

MEASURE = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
import django
django.setup()
import openpyxl.writer.excel  # loaded before the baseline, as a worker has it loaded after its first export
from participation.models import ExportJob
from participation.services import exports
def status_mb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024
# The peak so far (Django's set-up) is forgotten: what is measured is the export's own (Linux >= 4.0).
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
ready_mb = status_mb("VmRSS:")
started = time.monotonic()
exports.run_export_job(job_id=int(sys.argv[1]))
seconds = time.monotonic() - started
peak_mb = status_mb("VmHWM:")
job = ExportJob.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "ready_mb": ready_mb, "status": job.status,
                  "error": job.error, "rows": job.progress_done, "bytes": job.file_size}))
"""


def contributions(consultation, count: int) -> None:
    """``count`` contributions as a busy consultation has them: a third with a place, replies, long texts."""
    now = timezone.now()
    point = {"type": "Point", "coordinates": [4.3640, 52.0120]}
    for start in range(0, count, BATCH):
        Contribution.objects.bulk_create(
            Contribution(
                consultation=consultation,
                text=f"{n}: {TEXT}",
                created_at=now,
                **({"geometry": point, "latitude": 52.0120, "longitude": 4.3640} if n % 3 == 0 else {}),
            )
            for n in range(start, min(start + BATCH, count))
        )


def measured_export(consultation, format: str, media: Path) -> dict:
    job = ExportJob.objects.create(consultation=consultation, format=format, language="en")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(job.pk)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["status"] == JobStatus.DONE, measured["error"]
    return measured


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_a_big_export_takes_the_memory_of_a_small_one(tmp_path):
    default = "xlsx" if connection.vendor == "postgresql" else "csv"
    formats = os.environ.get("EXPORT_MEMORY_FORMATS", default).split(",")
    small, big = factories.consultation("vote", slug="klein"), factories.consultation("vote", slug="gross")
    contributions(small, SMALL)
    contributions(big, BIG)

    for format in formats:
        few = measured_export(small, format, tmp_path / "media")
        many = measured_export(big, format, tmp_path / "media")

        located = format == "geojson"  # the GeoJSON holds the third with a place
        assert (few["rows"], many["rows"]) == ((-(-SMALL // 3), -(-BIG // 3)) if located else (SMALL, BIG))
        added = {size: run["peak_mb"] - run["ready_mb"] for size, run in ((SMALL, few), (BIG, many))}
        print(
            f"\n{format}: {SMALL:,} contributions: peak RSS {few['peak_mb']:.0f} MB "
            f"({added[SMALL]:.1f} MB over {few['ready_mb']:.0f} MB when ready), {few['seconds']:.1f} s, "
            f"{few['bytes'] / 1e6:.1f} MB file; "
            f"{BIG:,}: peak RSS {many['peak_mb']:.0f} MB ({added[BIG]:.1f} MB over {many['ready_mb']:.0f} MB), "
            f"{many['seconds']:.1f} s, {many['bytes'] / 1e6:.1f} MB file; floor: at most {GROWTH_LIMIT_MB} MB more"
        )
        assert added[BIG] < added[SMALL] + GROWTH_LIMIT_MB
