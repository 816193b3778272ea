"""Inline suppressions: where they apply, what they must say, and what is reported about them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main

# The source below is about suppressions, not about app owners or credential counts.
NOW = ["--now", "2026-06-01T00:00:00Z", "--ignore", "SVC017,SVC040"]
SOURCE = """\
resource "azuread_application_password" "trailing" { # svclint:ignore SVC012 -- vendor tool needs a secret
  application_id = azuread_application.a.id
  end_date       = "2026-07-01T00:00:00Z"
}

# svclint:ignore SVC012, SVC013 -- whole block: legacy, removed in Q3
resource "azuread_application_password" "above_block" {
  application_id = azuread_application.a.id
}

resource "azurerm_linux_web_app" "web" {
  identity {
    type = "SystemAssigned"
  }
  app_settings = {
    # svclint:ignore SVC002 until=2026-01-31 -- migration to managed identity
    AZURE_CLIENT_SECRET = var.secret
  }
}

resource "azuread_application_password" "no_reason" { # svclint:ignore SVC012
  application_id = azuread_application.a.id
  end_date       = "2026-07-01T00:00:00Z"
}

# svclint:ignore SVC001 -- nothing here to suppress
resource "azuread_application" "a" {
  display_name = "a"
}
"""


def run(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    (tmp_path / "main.tf").write_text(SOURCE)
    result = CliRunner().invoke(main, ["check", str(tmp_path), *NOW, *args])
    return result.exit_code, result.stdout.splitlines()


def _short(lines: list[str], tmp_path: Path) -> list[str]:
    prefix = f"{tmp_path.as_posix()}/main.tf:"
    return [line.removeprefix(prefix)[:48] for line in lines]


def test_where_suppressions_apply_and_what_is_reported(tmp_path: Path) -> None:
    _, lines = run(tmp_path)
    assert _short(lines, tmp_path) == [
        "16:5: suppression expired on 2026-01-31",
        "17:5: SVC002 `azurerm_linux_web_app.web` carries",
        "21:1: SVC012 App registration secret `azuread_ap",
        "21:55: suppression of SVC012 needs a reason afte",
        "26:1: unused suppression for SVC001",
        "Found 2 findings (1 error, 1 warning) in 1 file;",
    ]
    assert lines[-1].endswith("3 suppressed, 3 file problems (see above).")


def test_unsuppressible_rules_ignore_inline_suppressions(tmp_path: Path) -> None:
    (tmp_path / ".svclint.yaml").write_text("unsuppressible: [SVC012]\n")
    _, lines = run(tmp_path)
    short = _short(lines, tmp_path)
    assert "1:54: SVC012 may not be suppressed (unsuppressib" in short
    assert "1:1: SVC012 App registration secret `azuread_app" in short


def test_suppressed_findings_stay_out_of_sarif(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    run(tmp_path, "--format", f"sarif:{out}")
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results) == [
        ("SVC002", 17),
        ("SVC012", 21),
    ]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# svclint:ignore -- no rule", "suppression names no rule"),
        ("# svclint:ignore nonsense -- x", "suppression not a rule id: NONSENSE"),
        ("# svclint:ignore SVC012 until=someday -- x", "suppression has a bad date 'someday'"),
    ],
)
def test_malformed_suppressions_are_reported(tmp_path: Path, comment: str, message: str) -> None:
    (tmp_path / "main.tf").write_text(f'{comment}\nresource "azuread_application" "a" {{\n  display_name = "a"\n}}\n')
    result = CliRunner().invoke(main, ["check", str(tmp_path), *NOW])
    assert message in result.stdout


def test_per_path_ignores_from_config(tmp_path: Path) -> None:
    (tmp_path / ".svclint.yaml").write_text('per-path-ignores:\n  "*.tf": [SVC0]\n')
    code, lines = run(tmp_path)
    assert code == 0
    assert lines[-1].startswith("No findings in 1 file; 5 suppressed")
