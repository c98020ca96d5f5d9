"""``python -m bench.soak --minutes 10``: the soak scenario alone (bench/scenarios/soak.py), on the production
configuration (PostgreSQL and Redis, 2 ASGI processes behind nginx), with its table printed.

Takes the servers as ``python -m bench`` does (``--postgres``/DATABASE_URL, ``--redis``/REDIS_URL); writes
no results file unless ``--save``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import table
from bench.session import log
from bench.stack import ROOT, collect_static, server_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument(
        "--postgres", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--save", metavar="PATH", help="also write the figures and facts as JSON to PATH")
    args = parser.parse_args(argv)
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    try:
        static_root = scratch / "static"
        log("collecting static files (DEBUG is off in the servers, as in production)")
        collect_static(server_env(workdir=scratch, database_url=None, redis_url=None, static_root=static_root))
        out = scratch / "soak.json"
        options = {
            "scenarios": ["soak"],
            "size": "quick",  # the seed's sizes: accounts enough for the online votes and comments
            "sizes": {"soak_seconds": args.minutes * 60},
            "static_root": str(static_root),
            "tile_dir": str(scratch),
            "postgres_url": args.postgres,
            "redis_url": args.redis,
            "out": str(out),
        }
        completed = subprocess.run([sys.executable, "-m", "bench.session", "production", json.dumps(options)], cwd=ROOT)
        if completed.returncode != 0 or not out.exists():
            print(f"the soak failed (exit {completed.returncode})")
            return 1
        result = json.loads(out.read_text())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(table(result["figures"]))
    if args.save:
        Path(args.save).write_text(json.dumps(result, indent=1, default=str) + "\n")
    missed = [f for f in result["figures"] if f["met"] is False]
    print(f"{len(result['figures'])} figures, {len(missed)} targets not met; {time.monotonic() - started:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
