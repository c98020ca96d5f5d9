"""A dump of the whole test database, as an operator would take it (pg_dump, sqlite3's .dump): to look for what
must not be in it. Only what other connections see: for transactional tests."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from tests.support.needs import require


def database_dump() -> bytes:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        assert db["NAME"] != ":memory:" and "mode=memory" not in str(db["NAME"]), "needs a database file"
        with sqlite3.connect(Path(db["NAME"])) as dump:
            return "\n".join(dump.iterdump()).encode()
    require(shutil.which("pg_dump") is not None, "postgresql", "apt-get install postgresql-client")
    command = ["pg_dump", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"], db["NAME"]]
    env = {"PGPASSWORD": db["PASSWORD"] or ""}
    return subprocess.run(command, env=env, capture_output=True, check=True, timeout=120).stdout
