"""Adopt svclint on a repository that already has findings: record them, report only new ones.

An entry is keyed on rule, path (relative to the baseline file), resource address and
attribute path: never a line number (unrelated edits move lines) and never the address
alone (a second problem in the same resource must still show up).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svclint.errors import ConfigError
from svclint.model import Finding

VERSION = 1


@dataclass(frozen=True, slots=True)
class Entry:
    rule: str
    path: str
    address: str
    attribute: str


@dataclass
class Comparison:
    new: list[Finding] = field(default_factory=list)
    baselined: list[Finding] = field(default_factory=list)
    fixed: list[Entry] = field(default_factory=list)


def entry_for(finding: Finding, base: Path) -> Entry:
    try:
        path = Path(os.path.relpath(Path(finding.loc.path).resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        path = finding.loc.path
    return Entry(finding.rule_id, path, finding.address, finding.attribute)


def write(path: Path, findings: list[Finding]) -> int:
    entries = sorted({entry_for(f, path.parent) for f in findings}, key=_sort_key)
    counts = Counter(entry_for(f, path.parent) for f in findings)
    _dump(path, [(e, counts[e]) for e in entries])
    return len(findings)


def _sort_key(entry: Entry) -> tuple[str, str, str, str]:
    return (entry.path, entry.rule, entry.address, entry.attribute)


def _dump(path: Path, entries: list[tuple[Entry, int]]) -> None:
    document = {
        "version": VERSION,
        "tool": "svclint",
        "findings": [
            {
                "rule": e.rule,
                "path": e.path,
                "address": e.address,
                "attribute": e.attribute,
                "count": n,
            }
            for e, n in entries
        ],
    }
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write baseline: {exc.strerror or exc}") from exc


def load(path: Path) -> Counter[Entry]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: baseline file not found (create it with --write-baseline)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a svclint baseline: {exc}") from exc
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise ConfigError(f"{path}: not a svclint baseline (version {VERSION} expected)")
    entries: Counter[Entry] = Counter()
    for raw in document.get("findings", []):
        entries[_entry(path, raw)] += int(raw.get("count", 1)) if isinstance(raw, dict) else 1
    return entries


def _entry(path: Path, raw: Any) -> Entry:
    keys = ("rule", "path", "address", "attribute")
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in keys):
        raise ConfigError(f"{path}: baseline entry {raw!r} needs rule, path, address and attribute")
    return Entry(raw["rule"], raw["path"], raw["address"], raw["attribute"])


def compare(findings: list[Finding], entries: Counter[Entry], base: Path) -> Comparison:
    remaining = Counter(entries)
    result = Comparison()
    for finding in findings:
        key = entry_for(finding, base)
        if remaining[key] > 0:
            remaining[key] -= 1
            result.baselined.append(finding)
        else:
            result.new.append(finding)
    result.fixed = sorted((e for e, n in remaining.items() for _ in range(n)), key=_sort_key)
    return result


def prune(path: Path, entries: Counter[Entry], comparison: Comparison) -> None:
    """Rewrite the baseline without its fixed entries; new findings are not added."""
    still = Counter(entry_for(f, path.parent) for f in comparison.baselined)
    kept = sorted((e for e in entries if still[e]), key=_sort_key)
    _dump(path, [(e, min(entries[e], still[e])) for e in kept])
