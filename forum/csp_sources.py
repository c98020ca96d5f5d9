"""Sources of the Content-Security-Policy that come from configuration (plain Python: the settings import it)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def tile_origins(url: str) -> list[str]:
    """The origin of an external tile server (MAP_TILE_URL) as a CSP source: ``https://{s}.tiles.example.org/..``
    gives ``https://*.tiles.example.org``. A tile URL of the site itself (a path) needs none."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return []
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return [f"{parts.scheme}://{host}"]
