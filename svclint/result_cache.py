"""Whole unit results cached on disk: an unchanged unit is neither parsed nor evaluated again.

A unit's result depends on the files it read, the directories it listed, the rules and the
settings. An entry is found by the unit's identity and the run's fingerprint (svclint's
version, the working directory, the rules, the settings and the clock to the hour); it lists
every file the unit read, with the key of its content or why it could not be read, and every
directory it listed, and it is used only if all of them are unchanged. So a pre-commit run
re-evaluates the units whose files changed, and nothing else.

Findings that depend on the clock (credential lifetimes, `timestamp()`) are computed with the
time of the run that filled the entry, at most an hour ago; `--no-cache` gives the exact time.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svclint import __version__
from svclint.blob_store import BlobStore

if TYPE_CHECKING:
    from svclint.units import Job, Unit, UnitResult

LISTING = "ls:"
"""Prefix of a dependency that is a directory's listing rather than a file's content."""


def listing_key(directory: Path) -> str:
    """The names in a directory: a file added to a Terraform module changes its unit."""
    try:
        names = sorted(p.name for p in directory.iterdir())
    except OSError as exc:
        return f"!{exc.strerror}"
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


def fingerprint(job: Job) -> str:
    """What every unit result of a run depends on besides its own files."""
    settings = job.settings
    facts: dict[str, Any] = {
        "version": __version__,
        "cwd": str(Path.cwd()),
        "hour": job.now.strftime("%Y-%m-%dT%H"),
        "strict": settings.strict,
        "severity": dict(settings.severity_overrides),
        "params": {k: dict(v) for k, v in settings.params.items()},
        "rules": [_rule_facts(r) for r in job.rules],
        "tables": {name: list(table.rows) for name, table in job.tables.items()},
        "var_files": [str(p) for p in job.var_files],
        "limits": [job.max_bytes, job.timeout, job.keep_resources],
    }
    text = json.dumps(facts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _rule_facts(rule: Any) -> dict[str, Any]:
    checks = {
        dialect: [[c.resources, c.message, c.when, c.severity, c.at] for c in checks]
        for dialect, checks in rule.checks.items()
    }
    return {"id": rule.id, "severity": rule.severity, "params": rule.params, "checks": checks}


def unit_key(unit: Unit, run: str) -> str:
    parts = (run, unit.kind, str(unit.path), str(unit.param_file or ""), *unit.selected)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class ResultCache:
    """Unit results in the cache database, in a table of their own."""

    def __init__(self, directory: Path | None) -> None:
        self._store = BlobStore(directory, "units")

    def get_many(self, keys: list[str], content_key: Callable[[Path], str]) -> dict[str, UnitResult]:
        """The entries whose dependencies are all unchanged; `content_key(path)` gives a file's
        current key, as the parse cache computes it."""
        found: dict[str, UnitResult] = {}
        for key, blob in self._store.get_many(keys).items():
            result = _unpickle(blob)
            if result is not None and _unchanged(result.reads, content_key):
                found[key] = result
        return found

    def put_many(self, entries: list[tuple[str, UnitResult]]) -> None:
        self._store.put_many([(key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)) for key, result in entries])

    def close(self) -> None:
        self._store.close()


def _unchanged(reads: Mapping[str, str], content_key: Callable[[Path], str]) -> bool:
    for dependency, key in reads.items():
        if dependency.startswith(LISTING):
            current = listing_key(Path(dependency[len(LISTING) :]))
        else:
            current = content_key(Path(dependency))
        if current != key:
            return False
    return True


def _unpickle(blob: bytes) -> UnitResult | None:
    from svclint.units import UnitResult

    try:
        value = pickle.loads(blob)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if isinstance(value, UnitResult) else None
