"""``python -m bench`` (``make bench``): every scenario on both configurations, one table, one results file.

    python -m bench                                   # everything, embedded and production
    python -m bench --config embedded --scenarios fanout,storm --quick
    BENCH_ARGS="--config production" make bench

Production needs PostgreSQL (a database ``bench_<random>`` is created and dropped; ``--postgres`` or
DATABASE_URL names the server) and Redis (``--redis`` or REDIS_URL). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import table
from bench.session import CONFIGS, SCENARIOS, SIZES, log
from bench.stack import ROOT, collect_static, server_env

RESULTS = ROOT / "bench" / "results"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="embedded,production", help="embedded, production or both (comma list)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help=f"comma list of {', '.join(SCENARIOS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a few minutes")
    parser.add_argument("--sizes", default="{}", help="JSON overriding sizes, e.g. '{\"fanout\": [100, 500]}'")
    parser.add_argument(
        "--postgres", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--no-save", action="store_true", help="print the table only, write no results file")
    args = parser.parse_args(argv)
    args.configs = [c.strip() for c in args.config.split(",") if c.strip()]
    args.scenario_list = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [c for c in args.configs if c not in CONFIGS] + [s for s in args.scenario_list if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    return args


def commit() -> tuple[str, bool]:
    """The commit measured, and whether the work tree had changes on top of it."""
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    return sha or "unknown", dirty


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mib": int(memory) // 1024,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_before": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="bench-run-"))
    figures, facts = [], {}
    try:
        static_root = scratch / "static"
        log("collecting static files (DEBUG is off in the servers, as in production)")
        collect_static(server_env(workdir=scratch, database_url=None, redis_url=None, static_root=static_root))
        for config in args.configs:
            out = scratch / f"{config}.json"
            options = {
                "scenarios": args.scenario_list,
                "size": "quick" if args.quick else "full",
                "sizes": json.loads(args.sizes),
                "static_root": str(static_root),
                "tile_dir": str(scratch),
                "postgres_url": args.postgres,
                "redis_url": args.redis,
                "out": str(out),
            }
            completed = subprocess.run([sys.executable, "-m", "bench.session", config, json.dumps(options)], cwd=ROOT)
            if completed.returncode != 0 or not out.exists():
                figures.append(
                    {
                        "scenario": "run",
                        "config": config,
                        "name": "configuration failed",
                        "value": None,
                        "unit": "",
                        "floor": None,
                        "ratio": None,
                        "target": "== 0",
                        "met": False,
                        "note": f"exit {completed.returncode}",
                    }
                )
                continue
            result = json.loads(out.read_text())
            figures += result["figures"]
            facts[config] = result["facts"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(table(figures))
    sha, dirty = commit()
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
        path = RESULTS / f"{stamp}-{sha[:8]}{'-dirty' if dirty else ''}.json"
        record = {
            "commit": sha,
            "dirty": dirty,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started),
            "arguments": {
                "configs": args.configs,
                "scenarios": args.scenario_list,
                "quick": args.quick,
                "sizes": args.sizes,
            },
            "machine": {**machine(), "load_after": os.getloadavg()},
            "sizes": SIZES["quick" if args.quick else "full"],
            "figures": figures,
            "facts": facts,
        }
        path.write_text(json.dumps(record, indent=1, default=str) + "\n")
        print(f"\nresults: {path.relative_to(ROOT)}")
    missed = [f for f in figures if f["met"] is False]
    print(f"{len(figures)} figures, {len(missed)} targets not met; {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
