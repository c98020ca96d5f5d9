"""What the suite needs beyond Python (tests.support.needs): a missing tool skips with what to install,
or fails when the run's REQUIRE lists it; .ci/run asks only for needs the suite knows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import needs

ROOT = Path(__file__).resolve().parents[1]


def test_a_missing_need_skips_with_what_to_install(monkeypatch):
    monkeypatch.setattr(needs, "REQUIRED", set())
    with pytest.raises(pytest.skip.Exception, match=r"^needs gdal: apt-get install gdal-bin$"):
        needs.require(False, "gdal", "apt-get install gdal-bin")
    needs.require(True, "gdal", "apt-get install gdal-bin")  # present: nothing happens


@pytest.mark.parametrize("required", [{"maplibre-gl"}, {"all"}, {"chromium", "maplibre-gl"}])
def test_a_required_need_that_is_missing_fails(monkeypatch, required):
    monkeypatch.setattr(needs, "REQUIRED", required)
    with pytest.raises(pytest.fail.Exception, match=r"^this run requires maplibre-gl: make install$"):
        needs.require(False, "maplibre-gl", "make install")


def test_a_need_is_one_the_suite_knows():
    with pytest.raises(AssertionError, match="unknown need"):
        needs.require(True, "chrome", "a typo")


def test_ci_requires_only_needs_the_suite_knows():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lists = re.findall(r"\bREQUIRE=([\w,.-]+)", script)
    assert lists == ["all", "chromium,gettext,maplibre-gl,gdal,nginx,oidc-provider"], lists
    for names in lists:
        assert set(names.split(",")) <= needs.NEEDS | {"all"}, names
