"""Every rule's violating and compliant fixtures, asserted by rule id and line.

Layout: fixtures/<language>/<RULE>/bad/ and .../good/. A bad fixture marks each expected
finding with an `expect: RULE` comment on its line; a good fixture must raise nothing from
*any* rule, which cross-checks every rule against every other rule's compliant code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from tests.conftest import FIXTURES, ROOT, expected_findings, run

LANGUAGES = ("terraform", "arm", "bicep", "azapi")


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob(f"*/*/{kind}") if p.parent.parent.name in LANGUAGES)


def _id(path: Path) -> str:
    return f"{path.parent.name}-{path.parent.parent.name}-{path.name}"


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("case", _cases("bad"), ids=_id)
def test_bad_fixture_findings(case: Path, all_rules: tuple[list[Rule], dict[str, Table]]) -> None:
    rules, tables = all_rules
    rule_id = case.parent.name
    result = run([case.relative_to(ROOT)], rules, tables)
    assert not result.diagnostics
    got = {(f.loc.path, f.rule_id, f.loc.line) for f in result.findings if f.rule_id == rule_id}
    want = {e for e in expected_findings(case) if e[1] == rule_id}
    assert want, f"{case} marks no expected {rule_id} finding"
    assert got == want


@pytest.mark.parametrize("case", _cases("good"), ids=_id)
def test_good_fixture_is_clean(case: Path, all_rules: tuple[list[Rule], dict[str, Table]]) -> None:
    # Every rule that is on by default, plus the fixture's own: opt-in rules (governance
    # notes) would otherwise flag every other rule's compliant code by design.
    rules, tables = all_rules
    rules = [r for r in rules if r.default_enabled or r.id == case.parent.name]
    result = run([case.relative_to(ROOT)], rules, tables)
    assert not result.diagnostics
    assert [(f.rule_id, f.loc.path, f.loc.line, f.message) for f in result.findings] == []


# Every rule needs fixtures in each language of each dialect it targets; azapi (an arm dialect
# language inside Terraform) is covered where it matters most, by SVC001's fixtures.
REQUIRED = {"terraform": ("terraform",), "arm": ("arm", "bicep")}


def test_every_rule_has_fixtures_for_each_dialect(all_rules: tuple[list[Rule], dict[str, Table]]) -> None:
    rules, _ = all_rules
    missing = [
        f"{rule.id}/{language}/{kind}"
        for rule in rules
        for dialect, languages in REQUIRED.items()
        if dialect in rule.checks
        for language in languages
        for kind in ("bad", "good")
        if not any((FIXTURES / language / rule.id / kind).glob("*"))
    ]
    assert missing == []


def test_fixture_dirs_name_real_rules(all_rules: tuple[list[Rule], dict[str, Table]]) -> None:
    rules, _ = all_rules
    ids = {r.id for r in rules}
    names = {p.name for p in FIXTURES.glob("*/*") if p.is_dir() and p.parent.name in LANGUAGES}
    assert names - ids == set(), os.fspath(FIXTURES)
