"""The command line, end to end: exit codes, formats, errors, the default command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint import __version__
from svclint.cli import main
from tests.conftest import ROOT

NOW = ["--now", "2026-06-01T00:00:00Z"]


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_demo_findings_and_exit_code() -> None:
    code, out, _ = invoke("check", "fixtures/demo/", *NOW)
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "Found 10 findings (3 errors, 4 warnings, 3 notes) in 2 files."
    assert lines[0].startswith("fixtures/demo/main.tf:16:3: SVC022 ")
    assert "fixtures/demo/main.tf:49:5: SVC002 `azurerm_linux_function_app.orders`" in out


def test_check_is_the_default_command() -> None:
    assert invoke("fixtures/demo/", *NOW)[:2] == invoke("check", "fixtures/demo/", *NOW)[:2]


def test_fail_on_threshold() -> None:
    assert invoke("fixtures/demo/", "--fail-on", "error", *NOW)[0] == 1
    assert invoke("fixtures/demo/", "--fail-on", "never", *NOW)[0] == 0
    assert invoke("fixtures/terraform/SVC001/good", "--fail-on", "note", *NOW)[0] == 0


def test_select_and_ignore_by_prefix() -> None:
    _, out, _ = invoke("fixtures/demo/", "--select", "SVC01", "--ignore", "SVC014", *NOW)
    ids = {line.split()[1] for line in out.splitlines()[:-1]}
    assert ids == {"SVC012"}
    code, _, err = invoke("fixtures/demo/", "--select", "XYZ")
    assert code == 2 and "unknown rule or prefix 'XYZ'" in err


def test_json_output(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, _ = invoke("fixtures/demo/", "--format", "json", "-o", str(target), *NOW)
    data = json.loads(target.read_text())
    assert code == 1
    assert data["summary"]["by_severity"] == {"error": 3, "warning": 4, "note": 3}
    first = data["findings"][0]
    assert (first["rule_id"], first["path"], first["line"], first["column"]) == (
        "SVC022",
        "fixtures/demo/main.tf",
        16,
        3,
    )
    assert first["address"] == "provider.azurerm" and first["attribute"] == "client_secret"


def test_broken_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "azurerm_linux_web_app" "w" {\n  name = "x"\n}\n')
    (tmp_path / "b.tf").write_text('resource "x" "y" {\n  name = \n}\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.tf").write_text('resource "azuread_application_password" "p" {\n  end_date = "2026-07-01T00:00:00Z"\n}\n')
    code, out, _ = invoke(str(tmp_path), *NOW)
    lines = out.splitlines()
    errors = [line for line in lines if "parse error" in line]
    broken = f"{tmp_path.as_posix()}/b.tf"
    assert errors == [f"{broken}:2:10: parse error: unexpected '}}'; expected an expression"]
    assert any(" SVC001 " in line for line in lines)
    assert any(" SVC012 " in line for line in lines)
    assert code == 1


def test_nothing_readable_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "b.tf").write_text('resource "x" "y" {\n')
    code, out, _ = invoke(str(tmp_path))
    assert code == 2 and "parse error" in out


def test_missing_path_is_a_usage_error() -> None:
    code, _, err = invoke("no/such/dir")
    assert code == 2 and "no/such/dir: no such file or directory" in err


def test_bad_rules_dir_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "X001.yaml").write_text("id: X001\n")
    code, _, err = invoke("fixtures/demo/", "--rules-dir", str(tmp_path))
    assert code == 2
    assert err.startswith(f"svclint: error: {tmp_path / 'X001.yaml'}: invalid rule at (top level): ")


def test_strict_counts_unknowns() -> None:
    assert invoke("fixtures/terraform/SVC032/good", *NOW)[0] == 0
    code, out, _ = invoke("fixtures/terraform/SVC032/good", "--strict", *NOW)
    assert code == 1 and "(unknown value counted by --strict)" in out


def test_explicit_file_reads_its_module_but_reports_only_itself() -> None:
    code, out, _ = invoke("fixtures/demo/variables.tf", *NOW)
    assert code == 0 and out.strip() == "No findings in 1 file."
    _, out, _ = invoke("fixtures/demo/main.tf", *NOW)
    assert "in 1 file." in out and " SVC014 " in out  # the lifetime comes from variables.tf


def test_rules_and_explain() -> None:
    code, out, _ = invoke("rules", "--format", "json")
    listed = json.loads(out)
    assert code == 0 and {"id", "severity", "dialects", "default_enabled"} <= set(listed[0])
    code, out, _ = invoke("explain", "svc012")
    assert code == 0
    assert "Certificates are more secure" in out and "Violating (terraform)" in out
    assert invoke("explain", "SVC999")[0] == 2


def test_version_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "svclint", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"svclint, version {__version__}"


def test_version_does_not_import_parsers() -> None:
    code = (
        "import sys; from svclint.cli import main; print('lark' in sys.modules, 'svclint.engine.loader' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]
