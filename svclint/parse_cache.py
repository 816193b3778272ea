"""Parsed documents cached on disk, so an unchanged file is never parsed twice.

The key is the svclint version, the path shown in reports (locations carry it) and the file's
bytes; a pre-commit run parses only what changed. Entries are pickles of lark-free syntax
objects, written by svclint itself into the user's cache directory; a corrupt or unreadable
entry is a miss, never an error.

Worker processes read the database but never write it: they hand their fresh entries back
(`take_pending`) and the main process stores a whole run's entries in one transaction.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from svclint import __version__
from svclint.documents import DOCUMENT_TYPES, Document, parse_document
from svclint.model import Diagnostic
from svclint.source import DEFAULT_MAX_BYTES, decode, display_path, read_bytes

Row = tuple[str, bytes]


def cache_dir_default() -> Path:
    from svclint.cache import user_cache_dir

    return user_cache_dir() / "parsed"


def _key(shown: str, data: bytes) -> str:
    digest = hashlib.sha256()
    for part in (__version__.encode(), shown.encode(), b"\0", data):
        digest.update(part)
    return digest.hexdigest()


class ParseCache:
    """Parsed files in one SQLite database (files per entry cost ~1 ms each on real file
    systems), plus the documents this process already has: a Bicep module called by many
    templates is unpickled once."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, Document] = {}
        self.pending: list[Row] = []

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.directory / "parsed.sqlite3", timeout=10)
                self._db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
            except (OSError, sqlite3.Error):
                self.directory = None  # unusable: run without a cache
        return self._db

    def get_many(self, keys: list[str]) -> dict[str, Document]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        db = self._connect() if missing else None
        if db is None:
            return found
        for start in range(0, len(missing), 500):  # SQLite limits the number of bound parameters
            batch = missing[start : start + 500]
            marks = ",".join("?" * len(batch))
            try:
                rows = db.execute(f"SELECT key, value FROM parsed WHERE key IN ({marks})", batch).fetchall()
            except sqlite3.Error:
                return found
            for key, blob in rows:
                value = _unpickle(blob)
                if value is not None:
                    found[key] = self._memory[key] = value
        return found

    def add(self, key: str, document: Document) -> None:
        self._memory[key] = document
        if self.directory is not None:
            self.pending.append((key, pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)))

    def take_pending(self) -> list[Row]:
        rows, self.pending = self.pending, []
        return rows

    def put_many(self, rows: list[Row]) -> None:
        db = self._connect()
        if db is None or not rows:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO parsed (key, value) VALUES (?, ?)", rows)
        except sqlite3.Error:
            pass  # a read-only or locked cache only costs speed

    def close(self) -> None:
        """Write what this process parsed and let go of the database (before forking workers:
        an SQLite connection must not cross a fork)."""
        self.put_many(self.take_pending())
        if self._db is not None:
            self._db.close()
            self._db = None


def _unpickle(blob: bytes) -> Document | None:
    try:
        value = pickle.loads(blob)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if isinstance(value, DOCUMENT_TYPES) else None


def content_key(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The cache key of a file's content now, or `!` and why it cannot be read."""
    shown = display_path(path)
    data = read_bytes(path, shown, max_bytes)
    return f"!{data.message}" if isinstance(data, Diagnostic) else _key(shown, data)


def load_documents(
    paths: Iterable[Path],
    cache: ParseCache,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float | None = None,
    reads: dict[str, str] | None = None,
) -> dict[Path, Document | Diagnostic]:
    """Every path parsed once, from the cache when it has the file. `reads` gets each path's
    content key (see `content_key`): what a cached unit result depends on."""
    results: dict[Path, Document | Diagnostic] = {}
    keyed: list[tuple[Path, str, str, bytes]] = []
    reads = {} if reads is None else reads
    for path in paths:
        shown = display_path(path)
        data = read_bytes(path, shown, max_bytes)
        if isinstance(data, Diagnostic):
            results[path] = data
            reads[str(path)] = f"!{data.message}"
        else:
            keyed.append((path, shown, _key(shown, data), data))
            reads[str(path)] = keyed[-1][2]
    cached = cache.get_many([key for _, _, key, _ in keyed])
    for path, shown, key, data in keyed:
        if key in cached:
            results[path] = cached[key]
            continue
        text = decode(data, shown)
        parsed = text if isinstance(text, Diagnostic) else parse_document(shown, text, timeout)
        results[path] = parsed
        if not isinstance(parsed, Diagnostic):
            cache.add(key, parsed)
    return results
