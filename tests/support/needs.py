"""What a test needs beyond Python: a test that needs something this machine lacks skips with what to install.

REQUIRE lists what a run must have (e.g. ``chromium`` or ``all``; .ci/run sets it): for those, the skip
becomes a failure. The names are the ones REQUIRE takes: ``NEEDS``.
"""

from __future__ import annotations

import os
import shutil

import pytest

NEEDS = {"chromium", "gettext", "maplibre-gl", "gdal", "nginx", "redis", "postgresql", "oidc-provider"}
REQUIRED = {item.strip() for item in os.environ.get("REQUIRE", "").split(",") if item.strip()}


def require(condition: bool, need: str, how: str) -> None:
    """Skip when ``condition`` is false, or fail if this run requires ``need``."""
    assert need in NEEDS, f"unknown need {need!r}: one of {sorted(NEEDS)}"
    if condition:
        return
    if need in REQUIRED or "all" in REQUIRED:
        pytest.fail(f"this run requires {need}: {how}")
    pytest.skip(f"needs {need}: {how}")


def require_chromium() -> str:
    path = shutil.which("chromium")
    require(path is not None, "chromium", "apt-get install chromium (Debian's build; no browser download)")
    return path


def require_maplibre() -> str:
    """MapLibre GL JS's built script, where the 3D view serves it from (``npm ci`` puts it there)."""
    from django.contrib.staticfiles import finders

    from participation.views.scene import MAPLIBRE_SCRIPT

    found = finders.find(MAPLIBRE_SCRIPT)
    require(found is not None, "maplibre-gl", "make install (runs npm ci: Node.js 20 or newer and npm at set-up)")
    return found


def require_gdal() -> str:
    path = shutil.which("ogrinfo")
    require(path is not None, "gdal", "apt-get install gdal-bin (GDAL's ogrinfo with the OAPIF driver)")
    return path


def require_nginx() -> str:
    """nginx from Debian's packages: the proxy of deploy/, which the bench and its CI version start."""
    path = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    require(path is not None, "nginx", "apt-get install nginx-light (Debian's nginx; only its binary is used)")
    return path


def require_gettext() -> str:
    path = shutil.which("xgettext")
    require(path is not None, "gettext", "apt-get install gettext")
    return path


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "redis", "start redis-server and set REDIS_URL=redis://127.0.0.1:6379/1")
    return url


def require_postgresql() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "postgresql", "set DATABASE_URL=postgres://user@127.0.0.1/buergerforum")
