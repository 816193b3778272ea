"""`svclint test`: a custom rule pack's fixtures are checked the way svclint checks its own."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from svclint.cli import main

RULE = """\
id: ACME001
name: NoContributorForApps
title: App service principals must not get Contributor
severity: error
rationale: Contributor lets an application change everything in its scope.
source: {document: ACME cloud policy, quote: "Applications get data-plane roles only.", url: "https://example.com/policy"}
help_uri: https://example.com/ACME001
remediation: Grant a data-plane role on the resource instead.
terraform:
  - resources: [azurerm_role_assignment]
    when:
      all:
        - {path: role_definition_name, equals: Contributor}
        - {path: principal_id, principal: [service_principal]}
    message: "`{address}` gives Contributor to {principal_desc}."
"""
BAD = """\
resource "azurerm_role_assignment" "ci" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Contributor" # expect: ACME001
  principal_id         = azuread_service_principal.ci.object_id
}
"""
GOOD = BAD.replace('"Contributor" # expect: ACME001', '"Storage Blob Data Reader"')


def _pack(tmp_path: Path, bad: str = BAD) -> Path:
    pack = tmp_path / "policies"
    (pack / "fixtures" / "ACME001").mkdir(parents=True)
    (pack / "ACME001.yaml").write_text(RULE)
    (pack / "fixtures" / "ACME001" / "bad.tf").write_text(bad)
    (pack / "fixtures" / "ACME001" / "good.tf").write_text(GOOD)
    return pack


def test_a_passing_pack(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["test", str(_pack(tmp_path))])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_a_fixture_whose_marker_is_on_the_wrong_line_fails(tmp_path: Path) -> None:
    moved = BAD.replace(" # expect: ACME001", "").replace(
        "scope                = azurerm_resource_group.rg.id", "scope = azurerm_resource_group.rg.id # expect: ACME001"
    )
    result = CliRunner().invoke(main, ["test", str(_pack(tmp_path, moved))])
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "missing bad.tf:2; unexpected bad.tf:3" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed"


def test_a_rule_without_fixtures_fails(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    (pack / "ACME002.yaml").write_text(RULE.replace("ACME001", "ACME002"))
    result = CliRunner().invoke(main, ["test", str(pack)])
    assert result.exit_code == 1
    assert "FAIL ACME002: no bad/good fixtures under" in result.stdout
