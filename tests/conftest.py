"""Shared helpers: run svclint in-process on fixtures and read expectations from comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint.commands.test import FIXTURE_NOW, expected_lines
from svclint.engine.evaluate import Settings
from svclint.engine.loader import Rule, load_rules
from svclint.engine.tables import Table
from svclint.pipeline import LintResult, Options, lint
from svclint.selection import select_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
NOW = FIXTURE_NOW


@pytest.fixture(scope="session")
def all_rules() -> tuple[list[Rule], dict[str, Table]]:
    rules, tables = load_rules()
    return select_rules(rules, ["ALL"], []), tables


def run(paths: list[Path], rules: list[Rule], tables: dict[str, Table], strict: bool = False) -> LintResult:
    options = Options(paths, now=NOW, strict=strict)
    return lint(options, rules, tables, Settings(now=NOW, strict=strict))


def expected_findings(directory: Path) -> set[tuple[str, str, int]]:
    """(path, rule, line) for every `expect: SVC001` comment in the fixture's files."""
    found: set[tuple[str, str, int]] = set()
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        shown = path.relative_to(ROOT).as_posix()
        found.update((shown, rule_id, line) for rule_id, line in expected_lines(path))
    return found
