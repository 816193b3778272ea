"""Parse many Terraform files fast: a content-addressed on-disk cache, and a process pool for
the files the cache does not have.

The cache key is the svclint version, the path shown in reports (locations carry it) and the
file's bytes, so an unchanged file is never parsed twice and a pre-commit run parses only what
changed. Entries are pickles of lark-free syntax objects, written by svclint itself into the
user's cache directory; a corrupt or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from svclint import __version__
from svclint.model import Diagnostic
from svclint.parsers.hcl_syntax import ConfigFile
from svclint.progress import Progress
from svclint.source import DEFAULT_MAX_BYTES, decode, display_path, read_bytes
from svclint.timelimit import TimeLimitExceeded, time_limit, timed_out

PARALLEL_THRESHOLD = 64  # below this, starting worker processes costs more than it saves
_CHUNK = 16


def cache_dir_default() -> Path:
    from svclint.cache import user_cache_dir

    return user_cache_dir() / "parsed"


def _key(shown: str, data: bytes) -> str:
    digest = hashlib.sha256()
    for part in (__version__.encode(), shown.encode(), b"\0", data):
        digest.update(part)
    return digest.hexdigest()


def _parse_bytes(item: tuple[str, bytes], timeout: float | None = None) -> bytes | Diagnostic:
    """Parse in a worker and return the pickle: it is what crosses the process boundary anyway,
    and it is what the cache stores, so nothing is pickled twice. The time budget is enforced
    here, in whichever process parses, so a stuck parse never blocks the pool."""
    from svclint.parsers import parse_terraform

    shown, data = item
    text = decode(data, shown)
    if isinstance(text, Diagnostic):
        return text
    try:
        with time_limit(timeout):
            parsed = parse_terraform(shown, text)
    except TimeLimitExceeded:
        return timed_out(shown, timeout or 0)
    return pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


class ParseCache:
    """Parsed files in one SQLite database: one transaction for a whole run's writes (files per
    entry cost ~1 ms each on real file systems), and safe when runs overlap."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.directory / "parsed.sqlite3", timeout=10)
                self._db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
            except (OSError, sqlite3.Error):
                self.directory = None  # unusable: run without a cache
        return self._db

    def get_many(self, keys: list[str]) -> dict[str, ConfigFile]:
        db = self._connect()
        found: dict[str, ConfigFile] = {}
        if db is None:
            return found
        for start in range(0, len(keys), 500):  # SQLite limits the number of bound parameters
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            try:
                rows = db.execute(f"SELECT key, value FROM parsed WHERE key IN ({marks})", batch).fetchall()
            except sqlite3.Error:
                return found
            for key, blob in rows:
                value = _unpickle(blob)
                if value is not None:
                    found[key] = value
        return found

    def put_many(self, rows: list[tuple[str, bytes]]) -> None:
        db = self._connect()
        if db is None or not rows:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO parsed (key, value) VALUES (?, ?)", rows)
        except sqlite3.Error:
            pass  # a read-only or locked cache only costs speed


def _unpickle(blob: bytes) -> ConfigFile | None:
    try:
        value = pickle.loads(blob)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if isinstance(value, ConfigFile) else None


def parse_files(
    paths: Iterable[Path],
    cache: ParseCache,
    jobs: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool | None = False,
    timeout: float | None = None,
) -> dict[Path, ConfigFile | Diagnostic]:
    """Parse every path once; results are keyed by path, whatever order the workers finish in."""
    results: dict[Path, ConfigFile | Diagnostic] = {}
    keyed: list[tuple[Path, str, str, bytes]] = []
    for path in paths:
        shown = display_path(path)
        data = read_bytes(path, shown, max_bytes)
        if isinstance(data, Diagnostic):
            results[path] = data
        else:
            keyed.append((path, shown, _key(shown, data), data))
    cached = cache.get_many([key for _, _, key, _ in keyed])
    pending = [item for item in keyed if item[2] not in cached]
    results.update((path, cached[key]) for path, _, key, _ in keyed if key in cached)
    items = [(shown, data) for _, shown, _, data in pending]
    meter = Progress(len(items), enabled=progress)
    parsed: list[bytes | Diagnostic] = []
    if jobs > 1 and len(items) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for blob in pool.map(functools.partial(_parse_bytes, timeout=timeout), items, chunksize=_CHUNK):
                parsed.append(blob)
                meter.advance()
    else:
        for item in items:
            parsed.append(_parse_bytes(item, timeout))
            meter.advance()
    meter.close()
    fresh: list[tuple[str, bytes]] = []
    for (path, shown, key, _), blob in zip(pending, parsed, strict=True):
        if isinstance(blob, Diagnostic):
            results[path] = blob
            continue
        value = _unpickle(blob)
        results[path] = value if value is not None else Diagnostic(shown, 1, 1, "internal error: parse result lost")
        fresh.append((key, blob))
    cache.put_many(fresh)
    return results
