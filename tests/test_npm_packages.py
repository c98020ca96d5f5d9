"""The front-end packages (package-lock.json, installed by `npm ci`) install cleanly on Node.js 20 or newer,
as the README promises: no package in the lock declares an engine range that leaves Node.js 20 out (npm
would warn EBADENGINE), and the one override that keeps it so is in place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODES = [(20, 0, 0), (22, 0, 0), (24, 0, 0)]  # the oldest Node.js the README names, and newer ones
COMPARATOR = re.compile(r"^(>=|<=|>|<|=|\^|~)?\s*v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$")


def version_key(parts: tuple) -> tuple[int, int, int]:
    return tuple(0 if p is None or not p.isdigit() else int(p) for p in parts)  # type: ignore[return-value]


def satisfies(version: tuple[int, int, int], comparator: str) -> bool:
    """One comparator of an npm (semver) range, e.g. ``>= 22``, ``^16.14.0``, ``1.x``, ``*``."""
    if comparator in {"*", "x", "X", ""}:
        return True
    match = COMPARATOR.match(comparator)
    assert match, f"cannot read the engine range part {comparator!r}"
    operator, *parts = match.groups()
    given = [p for p in parts if p is not None and p.isdigit()]
    low = version_key(tuple(parts))
    if operator in {None, "="} and len(given) < 3:  # 1.x, 1.2: a range of its own
        operator = "~" if len(given) == 2 else "^"
    if operator == ">=":
        return version >= low
    if operator == ">":
        return version > low
    if operator == "<":
        return version < low
    if operator == "<=":
        return version <= low
    if operator in {None, "="}:
        return version == low
    if operator == "~":
        high = (low[0] + 1, 0, 0) if len(given) < 2 else (low[0], low[1] + 1, 0)
    else:  # ^: up to the next change of the first non-zero part
        first = next((i for i, value in enumerate(low) if value), 0)
        high = tuple(value + 1 if i == first else (value if i < first else 0) for i, value in enumerate(low))
    return low <= version < high


def accepts(version: tuple[int, int, int], engine_range: str) -> bool:
    return any(
        all(satisfies(version, part) for part in re.sub(r"(>=|<=|>|<|=|\^|~)\s+", r"\1", option).split())
        for option in engine_range.split("||")
    )


def test_the_range_reader_reads_what_npm_packages_declare():
    assert accepts((20, 0, 0), ">=16.14.0") and accepts((20, 0, 0), ">= 0.6") and accepts((20, 0, 0), "*")
    assert not accepts((20, 20, 2), ">= 22") and accepts((22, 0, 0), ">= 22")
    assert accepts((20, 1, 0), "^18.0.0 || ^20.0.0") and not accepts((21, 0, 0), "^18.0.0 || ^20.0.0")
    assert accepts((20, 5, 0), ">=18 <21") and not accepts((22, 0, 0), ">=18 <21")
    assert accepts((20, 5, 0), "20.x") and not accepts((22, 0, 0), "~20.1")


@pytest.mark.parametrize("node", NODES, ids=lambda v: f"node-{v[0]}")
def test_every_locked_package_accepts_node(node):
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    refused = {
        name: package["engines"]["node"]
        for name, package in lock["packages"].items()
        if name and "node" in package.get("engines", {}) and not accepts(node, package["engines"]["node"])
    }
    assert refused == {}, f"npm ci would warn EBADENGINE on Node.js {node[0]}: {refused}"


def test_the_override_for_node_20_is_in_place_and_locked():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert package["overrides"] == {"@mapbox/jsonlint-lines-primitives": "2.0.2"}
    locked = {
        name: entry["version"]
        for name, entry in lock["packages"].items()
        if name.endswith("node_modules/@mapbox/jsonlint-lines-primitives")
    }
    assert set(locked.values()) == {"2.0.2"}, locked
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
