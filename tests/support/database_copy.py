"""A copy of the whole test database, taken once and put back in place many times, fast and exactly: every
table's rows and every sequence, so that ids come out the same each time. Other processes (the test servers)
keep their connections open meanwhile and see the state put back on their next query.

- PostgreSQL: each table COPYed to memory; put back in one transaction: DELETE from every table, COPY FROM,
  setval of every sequence (~0.2 s for the demo's 1 MB). Not TRUNCATE: it makes new files for every table and
  index, 1-1.5 s with fsync on, where deleting the few rows a test starts with takes milliseconds. Not a
  template database (CREATE DATABASE ... TEMPLATE): it needs every other connection closed, and the servers'
  connection pools keep theirs.
- SQLite: the online backup API, to a database in memory and back into the file both processes open. It
  writes like any writer (under the file's lock), so the servers read the new pages on their next query.

Take and put back with Django's connection of the calling thread, outside any transaction.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from django.db import connection, transaction

# A deadlock with a server still writing (row locks) ends one of the two; the put-back is tried again.
ATTEMPTS = 3


def take() -> PostgresCopy | SqliteCopy:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return PostgresCopy.take()
    if connection.vendor == "sqlite":
        return SqliteCopy.take()
    raise NotImplementedError(f"no copy of a {connection.vendor} database")


@dataclass
class PostgresCopy:
    tables: list[str]  # every table of the schema, quoted
    rows: dict[str, bytes]  # quoted table -> its rows in COPY's text format, for tables that have any
    sequences: list[tuple[str, int, bool]]  # (quoted name, last_value, is_called)

    @classmethod
    def take(cls) -> PostgresCopy:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT format('%I', relname), relkind FROM pg_class"
                " WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'S') ORDER BY 1"
            )
            found = cursor.fetchall()
            tables = [name for name, kind in found if kind != "S"]
            sequences = []
            for name in (name for name, kind in found if kind == "S"):
                cursor.execute(f"SELECT last_value, is_called FROM {name}")  # nosec B608 # names from pg_class
                sequences.append((name, *cursor.fetchone()))
            rows = {}
            for table in tables:
                with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    rows[table] = data
        return cls(tables=tables, rows=rows, sequences=sequences)

    def content(self) -> tuple:
        """What the copy holds, in an order that does not depend on where rows lie: to compare two copies."""
        return {table: sorted(data.splitlines()) for table, data in self.rows.items()}, self.sequences

    def put_back(self) -> None:
        import psycopg

        for attempt in range(ATTEMPTS):
            try:
                self._put_back()
                return
            except psycopg.errors.DeadlockDetected:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.2)

    def _put_back(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            # Django's foreign keys are deferrable: checked at the commit, when every table is back.
            raw.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                raw.execute(f"DELETE FROM {table}")
            for table, data in self.rows.items():
                with raw.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)
            if self.sequences:
                calls = ", ".join("setval(%s::regclass, %s, %s)" for _ in self.sequences)
                raw.execute(f"SELECT {calls}", [value for sequence in self.sequences for value in sequence])


@dataclass
class SqliteCopy:
    memory: sqlite3.Connection

    @classmethod
    def take(cls) -> SqliteCopy:
        memory = sqlite3.connect(":memory:", check_same_thread=False)  # put back from other threads
        connection.connection.backup(memory)
        return cls(memory=memory)

    def content(self) -> list[str]:
        """What the copy holds, as SQL in an order that does not depend on where rows lie: to compare copies."""
        return sorted(self.memory.iterdump())

    def put_back(self) -> None:
        connection.ensure_connection()
        # The backup takes the file's write lock, waiting (and trying again) while a server holds it.
        self.memory.backup(connection.connection, sleep=0.05)
