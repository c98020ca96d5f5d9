"""Small builders for the OGC API tests: twin objects on a grid, a client that reads JSON."""

from __future__ import annotations

from django.test import Client

from participation.models import TwinFeature, TwinKind
from tests.support import factories

OGC = "/api/ogc"
ITEMS = f"{OGC}/collections/{{}}/items"
PERSONAL_KEYS = {"author", "author_id", "user", "user_id", "voter", "email", "username", "terminal", "terminal_id"}


def client() -> Client:
    return Client(headers={"accept-language": "en"})


def warmed_client() -> Client:
    """A client whose host's first request (which reads the site's profile, kept after) is behind it: the
    query counts of its next requests are a page's own. The site's root comes first: making it later changes
    the site and drops what was kept."""
    factories.home_page()
    reader = client()
    reader.get(f"{OGC}/")
    return reader


def square(west: float, south: float, size: float = 0.0001) -> dict:
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def twin(twin_id: str, west: float, south: float, size: float = 0.0001, **fields) -> TwinFeature:
    """A twin object whose footprint is a square ``size`` degrees wide at (west, south)."""
    return TwinFeature.objects.create(**_twin_values(twin_id, west, south, size, **fields))


def twin_grid(count: int, *, west: float = 4.36, south: float = 52.01, step: float = 0.0002) -> list[TwinFeature]:
    """``count`` buildings on a grid of 50 per row, in one query."""
    return TwinFeature.objects.bulk_create(
        TwinFeature(**_twin_values(f"grid-{n}", west + (n % 50) * step, south + (n // 50) * step, step / 2))
        for n in range(count)
    )


def _twin_values(twin_id: str, west: float, south: float, size: float, **fields) -> dict:
    values = {
        "source": "test.geojson",
        "twin_id": twin_id,
        "kind": TwinKind.BUILDING,
        "geometry": square(west, south, size),
        "latitude": south + size / 2,
        "longitude": west + size / 2,
        "min_lon": west,
        "min_lat": south,
        "max_lon": west + size,
        "max_lat": south + size,
    }
    return values | fields


def bbox(west: float, south: float, east: float, north: float) -> str:
    return f"{west},{south},{east},{north}"


def link_of(body: dict, rel: str) -> dict | None:
    return next((link for link in body["links"] if link["rel"] == rel), None)


def all_pages(http: Client, url: str) -> list[dict]:
    """Every feature, following the next links from ``url`` (each page checked as it comes)."""
    found, pages = [], 0
    while url:
        response = http.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["numberReturned"] == len(body["features"])
        found += body["features"]
        next_link = link_of(body, "next")
        url = next_link["href"] if next_link else None
        pages += 1
        assert pages < 1000
    return found


def keys_everywhere(value) -> set[str]:
    """Every key of every object nested in ``value``."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_everywhere(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_everywhere(item)}
    return set()
