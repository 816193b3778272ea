"""`svclint inventory` end to end: formats, output file, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from svclint.cli import main

NOW = ["--now", "2026-06-01T00:00:00Z"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["inventory", *args])
    return result.exit_code, result.stdout, result.stderr


def test_markdown_on_stdout_by_default() -> None:
    code, out, _ = invoke("fixtures/demo/", *NOW)
    assert code == 0
    assert out == (Path(__file__).parent / "golden" / "demo.md").read_text(encoding="utf-8")


def test_fail_on_privileged() -> None:
    assert invoke("fixtures/demo/", "--fail-on-privileged", *NOW)[0] == 1
    assert invoke("fixtures/terraform/SVC032/good", "--fail-on-privileged", *NOW)[0] == 0


def test_json_to_a_file_with_exclude(tmp_path: Path) -> None:
    target = tmp_path / "inventory.json"
    args = ["fixtures/demo/", "fixtures/inventory/", "--exclude", "variables.tf"]
    code, out, _ = invoke(*args, "--format", "json", "-o", str(target), *NOW)
    assert code == 0 and out == ""
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["summary"]["files"] == 2  # demo/main.tf and inventory/main.tf
    assert len(document["accounts"]) == 8


def test_csv_format() -> None:
    code, out, _ = invoke("fixtures/demo/", "--format", "csv", *NOW)
    assert code == 0 and out.splitlines()[0].startswith("kind,address,path,line,")


def test_usage_errors_are_exit_2(tmp_path: Path) -> None:
    assert invoke("no/such/dir")[0] == 2
    code, _, err = invoke("fixtures/demo/", "--now", "yesterday")
    assert code == 2 and "--now 'yesterday' is not an RFC 3339 timestamp" in err
    (tmp_path / "broken.tf").write_text('resource "x" "y" {\n', encoding="utf-8")
    assert invoke(str(tmp_path))[0] == 2  # nothing readable is never a silent 0


def test_var_file_feeds_the_resolver(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "role" {\n  type = string\n}\n'
        'resource "azurerm_user_assigned_identity" "x" {\n  name = "x"\n}\n'
        'resource "azurerm_role_assignment" "x" {\n'
        '  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"\n'
        "  role_definition_name = var.role\n"
        "  principal_id         = azurerm_user_assigned_identity.x.principal_id\n"
        "}\n",
        encoding="utf-8",
    )
    values = tmp_path / "owner.tfvars"
    values.write_text('role = "Owner"\n', encoding="utf-8")
    assert invoke(str(tmp_path), "--fail-on-privileged")[0] == 0  # role unknown
    assert invoke(str(tmp_path), "--fail-on-privileged", "--var-file", str(values))[0] == 1
