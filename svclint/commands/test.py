"""`svclint test RULES_DIR`: run a rule pack's own fixtures, as svclint's test suite runs its own.

A rule pack keeps fixtures beside its rules: `RULES_DIR/fixtures/<ID>/bad.tf`, `good.bicep`,
... (files, or `bad/` and `good/` directories). In a bad fixture every line that must raise a
finding carries a comment `expect: <ID>` (`#` or `//`; in ARM JSON too, which accepts `//`
comments). A fixture passes when the pack's rules find exactly the marked (rule, line) pairs in
bad fixtures and nothing in good ones. Each fixture is linted alone, in a copy, so fixtures of
one rule never act as context for another.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import click

from svclint.discover import kind_of
from svclint.engine.evaluate import Settings
from svclint.engine.loader import Rule, load_rules
from svclint.engine.tables import Table
from svclint.errors import ConfigError
from svclint.pipeline import Options, lint

EXPECT = re.compile(r"expect:\s*((?:[A-Z][A-Z0-9]*\d{3}\s*,?\s*)+)")
_RULE_ID = re.compile(r"[A-Z][A-Z0-9]*\d{3}")
# A fixed clock: lifetimes in fixtures must not depend on the day the tests run.
FIXTURE_NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def expected_lines(path: Path) -> set[tuple[str, int]]:
    """(rule id, line) for every `expect:` marker in a fixture file."""
    found: set[tuple[str, int]] = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(text)
        if match:
            found.update((rule_id, number) for rule_id in _RULE_ID.findall(match.group(1)))
    return found


def test(rules_dir: Path, fixtures: Path | None) -> int:
    all_rules, tables = load_rules([rules_dir])
    pack = [r for r in all_rules if r.path.parent.resolve() == rules_dir.resolve()]
    if not pack:
        raise ConfigError(f"{rules_dir}: no rules found")
    root = fixtures or rules_dir / "fixtures"
    cases = list(_cases(root, pack))
    results = [(case, _check(case, kind, rule, pack, tables)) for case, kind, rule in cases]
    for case, problem in results:
        click.echo(f"{'FAIL' if problem else 'ok  '} {case}{': ' + problem if problem else ''}")
    untested = sorted({r.id for r in pack} - {rule.id for _, _, rule in cases})
    for rule_id in untested:
        click.echo(f"FAIL {rule_id}: no bad/good fixtures under {root}")
    failed = sum(1 for _, problem in results if problem)
    click.echo(f"{len(results) - failed} passed, {failed + len(untested)} failed")
    return 1 if failed or untested else 0


def _cases(root: Path, pack: Sequence[Rule]) -> Iterator[tuple[Path, str, Rule]]:
    """(fixture path, 'bad' or 'good', rule) for every fixture of the pack's rules."""
    by_id = {r.id: r for r in pack}
    for directory in sorted(p for p in root.rglob("*") if p.is_dir() and p.name in by_id):
        for entry in sorted(directory.iterdir()):
            kind = entry.name.split(".", 1)[0]
            if kind in ("bad", "good"):
                yield entry, kind, by_id[directory.name]


def _check(case: Path, kind: str, rule: Rule, pack: Sequence[Rule], tables: dict[str, Table]) -> str:
    """'' when the fixture behaves, else what went wrong."""
    files = sorted(p for p in case.rglob("*") if p.is_file()) if case.is_dir() else [case]
    with tempfile.TemporaryDirectory() as scratch:
        _copy(case, Path(scratch))
        result = lint(Options([Path(scratch)], now=FIXTURE_NOW), list(pack), tables, Settings(now=FIXTURE_NOW))
        if result.diagnostics:
            return "; ".join(d.message for d in result.diagnostics)
        found = {(f.rule_id, f.loc.line, Path(f.loc.path).name) for f in result.findings}
    if kind == "good":
        return ", ".join(f"unexpected {r} at {n}:{line}" for r, line, n in sorted(found))
    want = {(r, line, p.name) for p in files for r, line in expected_lines(p) if r == rule.id}
    if not want:
        return f"marks no `expect: {rule.id}` line"
    got = {item for item in found if item[0] == rule.id}
    missing = ", ".join(f"{n}:{line}" for _, line, n in sorted(want - got))
    extra = ", ".join(f"{n}:{line}" for _, line, n in sorted(got - want))
    parts = (f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else "")
    return "; ".join(part for part in parts if part)


def _copy(case: Path, scratch: Path) -> None:
    if case.is_dir():
        shutil.copytree(case, scratch, dirs_exist_ok=True)
    elif kind_of(case) is None:
        raise ConfigError(f"{case}: not a file svclint reads")
    else:
        shutil.copyfile(case, scratch / case.name)
