"""Cached unit results are used again only while nothing they depend on has changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint import units
from svclint.engine.evaluate import Settings
from svclint.engine.loader import load_rules
from svclint.pipeline import LintResult, Options, lint
from tests.conftest import NOW

SECRET = 'resource "azuread_application_password" "p{n}" {{\n  application_id = "x"\n}}\n'
BICEP_MAIN = "module m 'mod.bicep' = {\n  name: 'm'\n}\n"
BICEP_MODULE = "resource app 'Microsoft.Web/sites@2023-12-01' = {\n  name: 'app'\n  location: 'westeurope'\n}\n"
ARM = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
ARM += '"parameters": {"pw": {"type": "securestring", "defaultValue": ""}}, "resources": []}\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(SECRET.format(n=1))
    (tmp_path / "bicep").mkdir()
    (tmp_path / "bicep" / "main.bicep").write_text(BICEP_MAIN)
    (tmp_path / "arm").mkdir()
    (tmp_path / "arm" / "azuredeploy.json").write_text(ARM)
    return tmp_path


class Runs:
    """Lint the repository with a cache, counting the units actually evaluated."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.evaluated: list[str] = []
        self.rules, self.tables = load_rules()
        real = units.lint_unit

        def counting(unit: units.Unit, job: units.Job, cache: object) -> units.UnitResult:
            self.evaluated.append(unit.path.as_posix())
            return real(unit, job, cache)  # type: ignore[arg-type]

        monkeypatch.setattr("svclint.pipeline.lint_unit", counting)

    def __call__(self, strict: bool = False, cache: bool = True) -> LintResult:
        self.evaluated.clear()
        options = Options([Path()], now=NOW, cache_dir=self.root / ".cache" if cache else None, strict=strict)
        return lint(options, self.rules, self.tables, Settings(NOW, strict))


@pytest.fixture
def runs(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Runs:
    return Runs(repo, monkeypatch)


def _summary(result: LintResult) -> list[tuple[str, int, str]]:
    return [(f.loc.path, f.loc.line, f.rule_id) for f in result.findings]


def test_an_unchanged_repository_is_not_evaluated_again(runs: Runs) -> None:
    first = runs()
    assert sorted(runs.evaluated) == ["arm/azuredeploy.json", "bicep/main.bicep", "tf"]
    second = runs()
    assert runs.evaluated == []
    assert second.findings == first.findings
    assert second.diagnostics == first.diagnostics
    assert second.comments == first.comments
    assert second.headers == first.headers
    assert second.files == first.files
    assert _summary(second) == _summary(runs(cache=False))


def test_a_changed_file_re_evaluates_its_unit_only(repo: Path, runs: Runs) -> None:
    runs()
    (repo / "tf" / "main.tf").write_text(SECRET.format(n=1) + SECRET.format(n=2))
    result = runs()
    assert runs.evaluated == ["tf"]
    assert sorted({line for path, line, _ in _summary(result) if path == "tf/main.tf"}) == [1, 4]


def test_a_file_added_to_a_module_directory_re_evaluates_it(repo: Path, runs: Runs) -> None:
    runs()
    (repo / "tf" / "notes.txt").write_text("anything\n")
    runs()
    assert runs.evaluated == ["tf"]


def test_a_missing_bicep_module_or_parameter_file_that_appears_counts(repo: Path, runs: Runs) -> None:
    runs()
    (repo / "bicep" / "mod.bicep").write_text(BICEP_MODULE)
    runs()
    assert runs.evaluated == ["bicep/main.bicep", "bicep/mod.bicep"]  # the caller, and the new file
    (repo / "arm" / "azuredeploy.parameters.json").write_text('{"parameters": {}}\n')
    runs()
    assert "arm/azuredeploy.json" in runs.evaluated


def test_other_settings_do_not_share_results(runs: Runs) -> None:
    runs()
    runs(strict=True)
    assert sorted(runs.evaluated) == ["arm/azuredeploy.json", "bicep/main.bicep", "tf"]


def test_a_corrupt_cache_is_only_slower(repo: Path, runs: Runs) -> None:
    first = runs()
    database = repo / ".cache" / "svclint.sqlite3"
    database.write_bytes(b"not a database")
    assert runs().findings == first.findings


def test_naming_one_file_reports_that_file_even_after_a_whole_directory_run(repo: Path, runs: Runs) -> None:
    (repo / "tf" / "other.tf").write_text(SECRET.format(n=2))
    runs()
    options = Options([Path("tf/main.tf")], now=NOW, cache_dir=repo / ".cache")
    result = lint(options, runs.rules, runs.tables, Settings(NOW))
    assert {f.loc.path for f in result.findings} == {"tf/main.tf"}
