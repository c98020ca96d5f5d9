"""A map of 100,000 comments stays fast: the database groups them into grid clusters.

Measured on every run (printed, ms per request) and held to a bound with room for slow CI machines.
"""

from __future__ import annotations

import random
import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from participation import selectors
from participation.models import Contribution
from tests.support import factories

COMMENTS = 100_000
BOUND_MS = 1500  # per request, the median of several; measured here: well under a third of it
AREA_BBOX = "4.3622,52.0109,4.3660,52.0135"


def many_comments(consultation, count: int) -> None:
    """``count`` published comments at random places inside DELFT_AREA; a tenth about a twin object."""
    rng = random.Random(7)
    building = factories.twin_feature()
    batch = []
    for n in range(count):
        if n % 10 == 9:
            batch.append(Contribution(consultation=consultation, text=f"Haus {n}", twin_feature=building))
        else:
            latitude, longitude = 52.0109 + 0.0026 * rng.random(), 4.3622 + 0.0038 * rng.random()
            batch.append(
                Contribution(consultation=consultation, text=f"Punkt {n}", latitude=latitude, longitude=longitude)
            )
        if len(batch) == 10_000:
            Contribution.objects.bulk_create(batch)
            batch = []
    Contribution.objects.bulk_create(batch)
    # As the database's autovacuum (PostgreSQL) would soon after such a load: fresh planner statistics.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Contribution._meta.db_table}")


def timed_get(client: Client, params: dict, runs: int = 5) -> tuple[float, dict, int]:
    """Median milliseconds of ``runs`` requests (after one to warm up), the last answer, its query count."""
    url = "/api/v1/contributions/geojson/"
    client.get(url, params)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times), response.json(), len(queries.captured_queries)


@pytest.mark.django_db
def test_100000_comments_come_as_clusters_fast(participating_consultation, capsys):
    many_comments(participating_consultation, COMMENTS)
    client = Client()
    report = []
    for zoom in (14, 16, 18):
        params = {"consultation": participating_consultation.pk, "bbox": AREA_BBOX, "zoom": zoom}
        milliseconds, body, queries = timed_get(client, params)
        report.append(f"zoom {zoom}: {milliseconds:.0f} ms, {len(body['features'])} features, {queries} queries")

        assert body["clustered"] is True and body["total"] == COMMENTS
        assert 0 < len(body["features"]) <= selectors.MAP_MAX_CELLS
        counts = [f["properties"].get("count", 1) for f in body["features"]]
        assert sum(counts) == COMMENTS
        assert milliseconds < BOUND_MS, report[-1]
        assert queries <= 6
    with capsys.disabled():
        print(f"\n[map clusters, {COMMENTS:,} comments on {connection.vendor}] " + "; ".join(report))
