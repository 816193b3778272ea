"""Adopting svclint with a baseline: only new findings are reported, fixed ones are listed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main
from tests.conftest import FIXTURES

NOW = ["--now", "2026-06-01T00:00:00Z"]
NEW_VIOLATION = """
resource "azuread_service_principal_password" "added" {
  service_principal_id = azuread_service_principal.orders.id
  end_date             = "2026-07-01T00:00:00Z"
}
"""


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, *NOW])
    return result.exit_code, result.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_baseline_then_one_new_violation_reports_exactly_that_one(repo: Path) -> None:
    code, _ = invoke("check", "fixtures", "--write-baseline", "baseline.json")
    assert code == 0
    entries = json.loads((repo / "baseline.json").read_text())["findings"]
    assert entries and all("line" not in e for e in entries)
    code, out = invoke("check", "fixtures", "--baseline", "baseline.json")
    total = sum(e["count"] for e in entries)
    assert code == 0
    assert re.fullmatch(rf"No new findings in \d+ files; {total} baselined\.\n", out)
    main_tf = repo / "fixtures" / "demo" / "main.tf"
    main_tf.write_text("# moved down\n\n" + main_tf.read_text() + NEW_VIOLATION)
    code, out = invoke("check", "fixtures", "--baseline", "baseline.json")
    lines = out.splitlines()
    assert code == 1
    assert [line.split(" ", 2)[:2] for line in lines[:-1]] == [
        ["fixtures/demo/main.tf:89:1:", "SVC012"],
        ["fixtures/demo/main.tf:89:1:", "SVC016"],
    ]
    assert "2 new findings" in lines[-1] and "baselined" in lines[-1]


def test_fixed_entries_are_listed_and_update_prunes_them(repo: Path) -> None:
    invoke("check", "fixtures/demo", "--write-baseline", "baseline.json")
    before = json.loads((repo / "baseline.json").read_text())["findings"]
    main_tf = repo / "fixtures" / "demo" / "main.tf"
    main_tf.write_text(
        main_tf.read_text().replace('role_definition_name = "Contributor"', 'role_definition_name = "Reader"')
    )
    _, out = invoke("check", "fixtures/demo", "--baseline", "baseline.json")
    assert "fixed since the baseline: SVC032 fixtures/demo/main.tf azurerm_role_assignment.orders_contributor" in out
    assert "1 fixed since the baseline" in out
    invoke("check", "fixtures/demo", "--baseline", "baseline.json", "--update-baseline")
    after = json.loads((repo / "baseline.json").read_text())["findings"]
    assert len(after) == len(before) - 1
    assert not any(e["rule"] == "SVC032" for e in after)


def test_a_broken_baseline_is_a_clear_error(repo: Path) -> None:
    (repo / "baseline.json").write_text("{not json")
    result = CliRunner().invoke(main, ["check", "fixtures/demo", "--baseline", "baseline.json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("svclint: error: baseline.json: not a svclint baseline")
