"""Find the files to lint and say what kind each one is."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from svclint.source import real_path

SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".svn", ".hg", "__pycache__"})

KINDS: dict[str, str] = {
    ".tf": "terraform",
    ".tf.json": "terraform-json",
    ".json": "json",
    ".jsonc": "json",
    ".bicep": "bicep",
    ".bicepparam": "bicepparam",
}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read. `explicit` files were named on the command line and are always linted."""

    path: Path
    kind: str
    explicit: bool = False


def kind_of(path: Path) -> str | None:
    """The front end for a file name, or None if svclint does not read it."""
    name = path.name.lower()
    for suffix in sorted(KINDS, key=len, reverse=True):
        if name.endswith(suffix):
            return KINDS[suffix]
    return None


def discover(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[SourceFile]:
    """Yield lintable files under `paths` in a stable order, pruning skipped directories."""
    patterns = tuple(exclude)
    seen: set[Path] = set()
    for root in paths:
        if root.is_dir():
            files = _walk(root, patterns)
        else:
            kind = kind_of(root)
            files = iter([SourceFile(root, kind, explicit=True)] if kind else [])
        for item in files:
            key = real_path(item.path)
            if key not in seen:
                seen.add(key)
                yield item


def _walk(root: Path, patterns: tuple[str, ...]) -> Iterator[SourceFile]:
    for directory, dirnames, filenames in os.walk(root):
        base = Path(directory)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not _excluded(base / d, patterns))
        for name in sorted(filenames):
            path = base / name
            kind = kind_of(path)
            if kind and not _excluded(path, patterns):
                yield SourceFile(path, kind)


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(text, f"*/{p}") for p in patterns
    )
