"""Terraform plan JSON: resolved values, unknowns from after_unknown, references, .tf lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main

CONFIG = """\
resource "azurerm_user_assigned_identity" "etl" {
  name = "id-etl"
}

resource "azurerm_role_assignment" "etl" {
  scope                = var.scope
  role_definition_name = var.role
  principal_id         = azurerm_user_assigned_identity.etl.principal_id
}

resource "azurerm_linux_web_app" "web" {
  name = "app-web"
}
"""
PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.5",
    "planned_values": {
        "root_module": {
            "resources": [
                {
                    "address": "azurerm_user_assigned_identity.etl",
                    "mode": "managed",
                    "type": "azurerm_user_assigned_identity",
                    "name": "etl",
                    "values": {"name": "id-etl"},
                },
                {
                    "address": "azurerm_role_assignment.etl",
                    "mode": "managed",
                    "type": "azurerm_role_assignment",
                    "name": "etl",
                    "values": {
                        "scope": "/subscriptions/00000000-0000-0000-0000-000000000000",
                        "role_definition_name": "Owner",
                        "principal_type": None,
                    },
                },
                {
                    "address": "azurerm_linux_web_app.web",
                    "mode": "managed",
                    "type": "azurerm_linux_web_app",
                    "name": "web",
                    "values": {"name": "app-web", "identity": []},
                },
            ]
        }
    },
    "resource_changes": [
        {"address": "azurerm_role_assignment.etl", "change": {"after_unknown": {"principal_id": True, "id": True}}},
    ],
    "configuration": {
        "root_module": {
            "resources": [
                {
                    "address": "azurerm_role_assignment.etl",
                    "expressions": {
                        "principal_id": {
                            "references": [
                                "azurerm_user_assigned_identity.etl.principal_id",
                                "azurerm_user_assigned_identity.etl",
                            ]
                        }
                    },
                }
            ]
        }
    },
}


@pytest.fixture
def plan_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.json").write_text(json.dumps(PLAN, indent=2))
    return tmp_path


def _lines(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["check", *args, "--no-cache", "--select", "SVC001,SVC032"])
    return result.stdout.splitlines()


def test_plan_findings_use_resolved_values_and_references(plan_dir: Path) -> None:
    lines = _lines("plan.json")
    assert lines[-1] == "Found 2 findings (1 error, 1 warning) in 1 file."
    role = next(line for line in lines if " SVC032 " in line)
    assert role.startswith("plan.json:")
    assert "managed identity `azurerm_user_assigned_identity.etl`" in role and "'Owner' at subscription" in role
    assert any(" SVC001 `azurerm_linux_web_app.web`" in line for line in lines)


def test_findings_point_at_the_tf_lines_beside_the_plan(plan_dir: Path) -> None:
    (plan_dir / "main.tf").write_text(CONFIG)
    lines = _lines("plan.json")
    assert [line.split(" ", 2)[:2] for line in lines[:-1]] == [
        ["main.tf:7:3:", "SVC032"],
        ["main.tf:11:1:", "SVC001"],
    ]
