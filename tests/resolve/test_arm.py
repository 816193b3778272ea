"""ARM JSON and Bicep to resources: references hidden in object keys, and outputs."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from svclint.engine.graph import Graph
from svclint.model import Ref
from svclint.parsers.jsonc import loads
from svclint.resolve.arm import build_template
from svclint.units import Inputs, bicep_template

TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31", "name": "id-a"},
    {"type": "Microsoft.Web/sites", "apiVersion": "2022-09-01", "name": "app",
     "identity": {"type": "UserAssigned", "userAssignedIdentities": {
       "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-a')]": {}}}}
  ],
  "outputs": {
    "id": {"type": "string", "value": "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-a')]"},
    "principal": {"type": "string", "value": "[reference('id-a').principalId]"}
  }
}"""


def test_expression_keys_and_outputs_refer_to_resources() -> None:
    resources = build_template(loads(TEMPLATE, "t.json")[0], {}, "t.json")
    graph = Graph(resources)
    uami, site, *outputs = resources
    entry = site.body.value["identity"].value["userAssignedIdentities"]
    assert list(entry.value) == ["[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-a')]"]
    assert [graph.target(site, r) for r in entry.all_refs()] == [uami]
    assert [(o.type, o.address) for o in outputs] == [("output", "output.id"), ("output", "output.principal")]
    assert all(graph.target(o, r) is uami for o in outputs for r in o.body.value["value"].all_refs())


def test_bicep_interpolated_keys_refer_to_resources(tmp_path: Path) -> None:
    path = tmp_path / "main.bicep"
    path.write_text(
        "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = { name: 'id-a' }\n"
        "resource site 'Microsoft.Web/sites@2023-12-01' = {\n"
        "  name: 'app'\n"
        "  identity: { type: 'UserAssigned', userAssignedIdentities: { '${uami.id}': {} } }\n"
        "}\n"
    )
    _, site = bicep_template(path, None, datetime(2026, 6, 1, tzinfo=timezone.utc), Inputs())
    entry = site.body.value["identity"].value["userAssignedIdentities"]
    assert entry.all_refs() == (Ref("uami", "id"),)
