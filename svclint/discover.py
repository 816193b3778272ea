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
    return _kind_of_name(path.name)


def _kind_of_name(name: str) -> str | None:
    lowered = name.lower()
    return next((KINDS[suffix] for suffix in _SUFFIXES if lowered.endswith(suffix)), None)


_SUFFIXES = sorted(KINDS, key=len, reverse=True)  # `.tf.json` before `.json`


def discover(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[SourceFile]:
    """Yield lintable files under `paths` in a stable order, pruning skipped directories."""
    patterns = tuple(exclude)
    seen: set[tuple[int, int] | Path] = set()
    for root in paths:
        if root.is_dir():
            files = _walk(root, patterns)
        else:
            kind = kind_of(root)
            files = iter([SourceFile(root, kind, explicit=True)] if kind else [])
        for item in files:
            key = _identity(item.path)
            if key not in seen:
                seen.add(key)
                yield item


def _identity(path: Path) -> tuple[int, int] | Path:
    """What makes two paths the same file (a symbolic link and its target, overlapping roots):
    device and inode, from one `stat`; a path that cannot be read is its own real path."""
    try:
        info = path.stat()
    except OSError:
        return real_path(path)
    return (info.st_dev, info.st_ino)


def _walk(root: Path, patterns: tuple[str, ...]) -> Iterator[SourceFile]:
    for directory, dirnames, filenames in os.walk(root):
        base = Path(directory)
        if patterns:
            dirnames[:] = [d for d in dirnames if not _excluded(base / d, patterns)]
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            kind = _kind_of_name(name)
            if kind and not (patterns and _excluded(base / name, patterns)):
                yield SourceFile(base / name, kind)


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(text, f"*/{p}") for p in patterns
    )
