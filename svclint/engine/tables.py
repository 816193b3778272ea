"""Reference tables shared by rules (roles, identity-capable types, principal kinds, scopes).

Each `rules/tables/<name>.yaml` holds `description` and `rows` (a list of flat mappings).
Lookups compare strings case-insensitively: role names, GUIDs and ARM types all are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from svclint import yamlsafe
from svclint.errors import RuleError


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    rows: tuple[Mapping[str, Any], ...]

    def select(self, where: Mapping[str, Any] | None = None) -> list[Mapping[str, Any]]:
        if not where:
            return list(self.rows)
        return [row for row in self.rows if all(_same(row.get(k), v) for k, v in where.items())]

    def column(self, column: str, where: Mapping[str, Any] | None = None) -> list[Any]:
        return [row[column] for row in self.select(where) if row.get(column) is not None]

    def find(self, column: str, value: Any, where: Mapping[str, Any] | None = None) -> Mapping[str, Any] | None:
        for row in self.select(where):
            if _same(row.get(column), value):
                return row
        return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


def load_tables(directories: Iterable[Path]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.yaml")):
            tables[path.stem] = _load(path)
    return tables


def _load(path: Path) -> Table:
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read table: {exc}") from exc
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise RuleError(f"{path}: a table needs 'rows', a list of mappings")
    return Table(path.stem, tuple(rows))
