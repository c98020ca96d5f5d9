"""A PostgreSQL cluster of a test's own (Debian's postgresql-15 binaries), on a free port: one the test may restart
(an outage) without touching the PostgreSQL that the machine's other runs share.

initdb refuses to run as root: as root the cluster runs as the ``postgres`` user, in a directory of its own
under /tmp (pytest's tmp_path is root's alone). Made for speed, not for keeping: no fsync, trust auth on
127.0.0.1 and the socket in the cluster's directory.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.server import ROOT, free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    """Whether this machine can make a cluster: the binaries, and (as root) a ``postgres`` user to run them."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return False
    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return shutil.which("runuser") is not None


class PostgresProcess:
    """initdb + pg_ctl: ``start``, ``restart`` (fast: sessions are cut, open transactions roll back), ``stop``."""

    def __init__(self, *, database: str = "buergerforum"):
        self.port = free_port()
        self.database = database
        self.directory = Path(tempfile.mkdtemp(prefix="bf-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run(
            BIN / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()
        self._run(BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)

    def _run(self, *command, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*prefix, *map(str, command)], capture_output=True, text=True, timeout=timeout, cwd=self.directory
        )
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", action, *options)

    def start(self) -> None:
        server_options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("start", "-o", server_options)

    def restart(self) -> None:
        """Stops the cluster (cutting every session) and starts it again; returns once it accepts connections."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._pg_ctl("stop", "-m", "immediate")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def load(self, source: dict) -> None:
        """The schema and rows of ``source`` (a DATABASES entry on PostgreSQL, e.g. the run's migrated test
        database), copied with pg_dump: a migrated database in seconds, where ``manage.py migrate`` takes minutes."""
        where = ["-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432), "-U", source["USER"]]
        env = {**os.environ, "PGPASSWORD": source["PASSWORD"] or ""}
        dump = subprocess.run(
            [BIN / "pg_dump", "--no-owner", "--no-privileges", *where, "-d", source["NAME"]],
            capture_output=True,
            env=env,
            timeout=120,
        )
        if dump.returncode:
            raise RuntimeError(f"pg_dump failed: {dump.stderr.decode(errors='replace')}")
        here = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", self.database]
        loaded = subprocess.run(
            [BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", *here], input=dump.stdout, capture_output=True, timeout=120
        )
        if loaded.returncode:
            raise RuntimeError(f"psql failed: {loaded.stderr.decode(errors='replace')}")

    def python(self, *arguments: str, env: dict | None = None, timeout: float = 300) -> str:
        """``python ARGUMENTS`` (``manage.py ...``, ``-m module ...``) on this cluster, in the project's directory;
        its output."""
        done = subprocess.run(
            [sys.executable, *arguments],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": self.url, "REDIS_URL": "", **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"python {' '.join(arguments)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def __enter__(self) -> PostgresProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()
