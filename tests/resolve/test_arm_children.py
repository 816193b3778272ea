"""ARM child resources name their parent, copy loops count their instances, `dependsOn`
entries refer to the resources they name, and Bicep loops carry the `copy` they compile to."""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint.engine.graph import Graph
from svclint.parsers.jsonc import loads
from svclint.resolve.arm import build_template
from svclint.units import Inputs, bicep_template
from tests.conftest import NOW

TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"namespaces": {"type": "array", "defaultValue": ["a", "b", "c"]}},
  "resources": [
    {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31", "name": "id-a",
     "resources": [{"type": "federatedIdentityCredentials", "apiVersion": "2023-01-31", "name": "nested"}]},
    {"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
     "apiVersion": "2023-01-31", "name": "[format('id-a/ns-{0}', parameters('namespaces')[copyIndex()])]",
     "copy": {"name": "fics", "count": "[length(parameters('namespaces'))]"},
     "dependsOn": [
       "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'id-a', 'nested')]"
     ]},
    {"type": "Microsoft.Graph/applications@v1.0", "uniqueName": "ci", "displayName": "ci"},
    {"type": "Microsoft.Graph/applications/federatedIdentityCredentials@v1.0", "name": "ci/main"}
  ]
}"""


def test_children_refer_to_parents_and_loops_count() -> None:
    uami, nested, looped, app, app_fic = build_template(loads(TEMPLATE, "t.json")[0], {}, "t.json")
    graph = Graph([uami, nested, looped, app, app_fic])
    for child, parent in ((nested, uami), (looped, uami), (app_fic, app)):
        assert [graph.target(child, r) for r in child.body.value["parent"].refs] == [parent]
    assert "parent" not in uami.body.value
    assert (uami.meta["instances"], looped.meta["instances"]) == (1, 3)
    depends = looped.body.value["dependsOn"].value[0]
    assert [graph.target(looped, r) for r in depends.refs] == [nested]


FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31"
BICEP = f"""\
resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {{
  name: 'id-a'
}}

@batchSize(1)
resource serial '{FIC}' = [for ns in ['a', 'b']: {{
  parent: uami
  name: ns
}}]

resource parallel '{FIC}' = [for ns in ['c', 'd', 'e']: {{
  parent: uami
  name: ns
}}]
"""


def test_bicep_loops_get_the_copy_they_compile_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.bicep").write_text(BICEP)
    uami, serial, parallel = bicep_template(tmp_path / "main.bicep", None, NOW, Inputs())
    assert "copy" not in uami.body.value
    assert serial.body.value["copy"].plain() == {"name": "serial", "count": 2, "mode": "serial", "batchSize": 1}
    assert parallel.body.value["copy"].plain() == {"name": "parallel", "count": 3, "mode": "parallel"}
