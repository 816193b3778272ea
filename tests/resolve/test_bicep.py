"""Bicep to resources: values, references, children, loops, conditions, modules, .bicepparam."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from svclint.model import Ref, Resource, Unknown
from svclint.pipeline import Options
from svclint.units import Inputs, bicep_template, bicep_using

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _build(tmp_path: Path, files: dict[str, str], *names: str) -> dict[str, Resource]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    inputs = Inputs()
    resources = [r for n in names for r in _template(tmp_path / n, inputs)]
    assert inputs.diagnostics == []
    return {f"{Path(r.loc.path).name}:{r.address}": r for r in resources}


def _template(path: Path, inputs: Inputs) -> list[Resource]:
    """A template's resources; a `.bicepparam` file's template with its values."""
    if path.suffix == ".bicepparam":
        target = bicep_using(path, inputs)
        return bicep_template(target, path, NOW, inputs) if target else []
    return bicep_template(path, None, NOW, inputs)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


MAIN = """\
param env string = 'prod'
param owner string
var name = 'app-${env}'

resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}'
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  kind: env == 'prod' ? 'app' : 'app,linux'
  tags: { owner: owner }
  resource cfg 'config' = {
    name: 'appsettings'
  }
}

resource slot 'Microsoft.Web/sites/slots@2023-12-01' = {
  parent: site
  name: 'staging'
}

resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(uami.id)
  properties: {
    principalId: uami.properties.principalId
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
  }
}

resource old 'Microsoft.Web/sites@2023-12-01' existing = {
  name: 'legacy'
}

resource never 'Microsoft.Web/sites@2023-12-01' = if (env == 'dev') {
  name: 'dev-only'
}

resource many 'Microsoft.Web/sites@2023-12-01' = [for i in range(0, 3): {
  name: 'app-${i}'
}]
"""


def test_values_children_existing_conditions_and_loops(tmp_path: Path) -> None:
    found = _build(tmp_path, {"main.bicep": MAIN}, "main.bicep")
    assert sorted(found) == [
        "main.bicep:cfg",
        "main.bicep:many",
        "main.bicep:old",
        "main.bicep:ra",
        "main.bicep:site",
        "main.bicep:slot",
        "main.bicep:uami",
    ]
    site = found["main.bicep:site"].body.plain()
    assert site["name"] == "app-prod" and site["kind"] == "app"
    assert isinstance(site["tags"]["owner"], Unknown)
    cfg, slot = found["main.bicep:cfg"], found["main.bicep:slot"]
    assert (cfg.type, cfg.meta["name"]) == ("Microsoft.Web/sites/config", "app-prod/appsettings")
    assert (slot.type, slot.meta["name"]) == ("Microsoft.Web/sites/slots", "app-prod/staging")
    assert found["main.bicep:old"].mode == "data"
    assert found["main.bicep:many"].meta["instances"] == 3
    principal = found["main.bicep:ra"].body.value["properties"].value["principalId"]
    assert principal.refs == (Ref("uami", "properties.principalId"),)
    role = found["main.bicep:ra"].body.plain()["properties"]["roleDefinitionId"]
    assert role.endswith("/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7")
    assert found["main.bicep:ra"].body.value["scope"].refs == (Ref("@resourceGroup", "id"),)


def test_bicepparam_supplies_values_and_modules_bind_parameters(tmp_path: Path) -> None:
    files = {
        "main.bicep": "param env string\nmodule m './mod.bicep' = {\n  name: 'm'\n  params: { label: 'x-${env}' }\n}\n",
        "mod.bicep": (
            "targetScope = 'subscription'\nparam label string\n"
            "resource s 'Microsoft.Web/sites@2023-12-01' = {\n  name: label\n}\n"
        ),
        "prod.bicepparam": "using './main.bicep'\nparam env = 'prod'\n",
    }
    found = _build(tmp_path, files, "prod.bicepparam")
    (site,) = found.values()
    assert site.loc.path == "mod.bicep"
    assert site.body.plain()["name"] == "x-prod"
    assert site.body.value["scope"].refs == (Ref("@subscription", "id"),)


def test_syntax_error_is_a_positioned_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "bad.bicep").write_text("resource x 'a@1' = {\n  name: [\n}\n")
    inputs = Inputs()
    assert bicep_template(tmp_path / "bad.bicep", None, NOW, inputs) == []
    (diag,) = inputs.diagnostics
    assert (diag.path, diag.line) == ("bad.bicep", 3)
    assert diag.message.startswith("parse error: ")


def test_options_default_keeps_cache_off() -> None:
    assert Options([Path()]).cache_dir is None


def test_outputs_are_resources(tmp_path: Path) -> None:
    text = (
        "resource s 'Microsoft.Resources/deploymentScripts@2023-08-01' = {\n  name: 's'\n}\n"
        "@secure()\noutput secret string = s.properties.outputs.secret\n"
    )
    found = _build(tmp_path, {"main.bicep": text}, "main.bicep")
    output = found["main.bicep:output.secret"]
    assert (output.type, output.mode, output.loc.line) == ("output", "config", 5)
    assert output.body.value["value"].refs == (Ref("s", "properties.outputs.secret"),)


def test_nested_child_refers_to_its_parent(tmp_path: Path) -> None:
    found = _build(tmp_path, {"main.bicep": MAIN}, "main.bicep")
    assert found["main.bicep:cfg"].body.value["parent"].refs == (Ref("site", "id"),)


def test_top_level_child_named_after_its_parent_refers_to_it(tmp_path: Path) -> None:
    # As in ARM JSON: `'${app.uniqueName}/fic'` or `'id-deploy/gh'` names the parent.
    text = (
        "extension microsoftGraphV1\n"
        "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'id-deploy'\n}\n"
        "resource gh 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {\n"
        "  name: 'id-deploy/gh'\n}\n"
        "resource app 'Microsoft.Graph/applications@v1.0' = {\n  uniqueName: 'ci'\n}\n"
        "resource fic 'Microsoft.Graph/applications/federatedIdentityCredentials@v1.0' = {\n"
        "  name: '${app.uniqueName}/infra'\n}\n"
    )
    found = _build(tmp_path, {"main.bicep": text}, "main.bicep")
    gh_parent = found["main.bicep:gh"].body.value["parent"].refs
    assert gh_parent == (Ref("Microsoft.ManagedIdentity/userAssignedIdentities/id-deploy", "id"),)
    assert gh_parent[0].address.casefold() in found["main.bicep:uami"].meta["aliases"]
    assert found["main.bicep:fic"].body.value["parent"].refs == (Ref("app", "uniqueName"),)
    assert found["main.bicep:app"].meta["name"] == "ci"
