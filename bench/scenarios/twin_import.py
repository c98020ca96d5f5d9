"""Import: a large CityGML tile (a Bavarian LoD2 tile is 10-150 MB) through the import staff run
(``participation.services.import_twin_file``), in a process of its own: wall time and peak resident memory.
The tile is the repository's TUM building repeated (bench/twin_tile.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.stack import ROOT
from bench.twin_tile import write_synthetic_citygml

MIB = 1024 * 1024


def tile(directory: Path, megabytes: int) -> Path:
    """The synthetic tile of this size, written once per run."""
    path = directory / f"tile-{megabytes}mb.gml"
    if not path.exists():
        write_synthetic_citygml(path, target_bytes=megabytes * MIB)
    return path


def run(ctx) -> None:
    megabytes = ctx.sizes["import_mb"]
    path = tile(Path(ctx.sizes["tile_dir"]), megabytes)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scenarios.twin_import", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=3600,
    )
    if completed.returncode != 0:
        ctx.facts["import"] = {"error": completed.stderr[-3000:]}
        ctx.figure("import", f"{megabytes} MB CityGML tile", None, "s", note="failed: see the results file")
        return
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    ctx.facts["import"] = result
    note = f"{result['objects']:,} objects"
    ctx.figure("import", f"{megabytes} MB CityGML tile: time", result["seconds"], "s", note=note)
    ctx.figure("import", f"{megabytes} MB CityGML tile: peak memory", result["peak_mib"], "MiB")


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _main(path: str) -> None:
    import django

    django.setup()
    from participation.services import import_twin_file

    started = time.monotonic()
    summary = import_twin_file(path=path, source="bench")
    seconds = time.monotonic() - started
    objects = sum(summary.created.values()) + sum(summary.updated.values())
    print(json.dumps({"seconds": seconds, "peak_mib": _peak_mib(), "objects": objects, "summary": str(summary)[:300]}))


if __name__ == "__main__":
    _main(sys.argv[1])
