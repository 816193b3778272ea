"""Parsed documents cached, so an unchanged Terraform file is never parsed twice.

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
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from svclint import __version__
from svclint.blob_store import BlobStore
from svclint.documents import DOCUMENT_TYPES, Document, parse_document
from svclint.model import Diagnostic
from svclint.parsers.hcl_syntax import ConfigFile
from svclint.source import DEFAULT_MAX_BYTES, decode, display_path, read_bytes

Row = tuple[str, bytes]
MEMORY_ENTRIES = 256


def cache_dir_default() -> Path:
    from svclint.cache import user_cache_dir

    return user_cache_dir() / "parsed"


def _key(shown: str, data: bytes) -> str:
    digest = hashlib.sha256()
    for part in (__version__.encode(), shown.encode(), b"\0", data):
        digest.update(part)
    return digest.hexdigest()


class ParseCache:
    """Parsed files in the cache database, plus the documents this process used last: a Bicep
    module called by many templates is parsed or unpickled once. Only the last few are kept,
    so a long run's memory (and the garbage collector's work) does not grow with it."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._store = BlobStore(directory, "parsed")
        self._memory: OrderedDict[str, Document] = OrderedDict()
        self.pending: list[Row] = []

    def get_many(self, keys: list[str]) -> dict[str, Document]:
        found = {k: self._recall(k) for k in keys if k in self._memory}
        for key, blob in self._store.get_many([k for k in keys if k not in found]).items():
            value = _unpickle(blob)
            if value is not None:
                found[key] = self._remember(key, value)
        return found

    def _recall(self, key: str) -> Document:
        self._memory.move_to_end(key)
        return self._memory[key]

    def _remember(self, key: str, document: Document) -> Document:
        self._memory[key] = document
        if len(self._memory) > MEMORY_ENTRIES:
            self._memory.popitem(last=False)
        return document

    def add(self, key: str, document: Document) -> None:
        """Remember a fresh document; Terraform files are also stored on disk. A Bicep or JSON
        unit is one file (and the modules it calls), so its unit result is what a later run
        reuses, and storing its tree too made a cold run a third slower for nothing."""
        self._remember(key, document)
        if self.directory is not None and isinstance(document, ConfigFile):
            self.pending.append((key, pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)))

    def take_pending(self) -> list[Row]:
        rows, self.pending = self.pending, []
        return rows

    def close(self) -> None:
        """Write what this process parsed and let go of the database."""
        self._store.put_many(self.take_pending())
        self._store.close()


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
