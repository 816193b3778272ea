"""Key -> blob tables in one SQLite database in the cache directory: the parse cache and the
unit result cache each keep one table there.

One transaction for a whole run's writes (a file per entry costs ~1 ms each on real file
systems), safe when runs overlap, and never an error: an unusable database only costs speed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DATABASE = "svclint.sqlite3"
_BATCH = 500  # SQLite limits the number of bound parameters


class BlobStore:
    def __init__(self, directory: Path | None, table: str) -> None:
        self.directory = directory
        self.table = table
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.directory / DATABASE, timeout=10)
                self._db.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key TEXT PRIMARY KEY, value BLOB)")
            except (OSError, sqlite3.Error):
                self.directory = None  # unusable: run without it
        return self._db

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        db = self._connect() if keys else None
        found: dict[str, bytes] = {}
        if db is None:
            return found
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            try:
                found.update(db.execute(f"SELECT key, value FROM {self.table} WHERE key IN ({marks})", batch))
            except sqlite3.Error:
                break
        return found

    def put_many(self, rows: list[tuple[str, bytes]]) -> None:
        db = self._connect() if rows else None
        if db is None:
            return
        try:
            with db:
                db.executemany(f"INSERT OR REPLACE INTO {self.table} (key, value) VALUES (?, ?)", rows)
        except sqlite3.Error:
            pass  # a read-only or locked cache only costs speed

    def close(self) -> None:
        """Let go of the database (before forking workers: a connection must not cross a fork)."""
        if self._db is not None:
            self._db.close()
            self._db = None
