"""ARM resources need only the `arm` rows of `inventory_sources.yaml`, no code.

No ARM front end exists yet, so these resources are built by hand in the shape the model
promises: the resource JSON as the body, references as `Ref`s on the nodes that make them.
"""

from __future__ import annotations

from typing import Any

from svclint.engine.loader import load_rules
from svclint.inventory.build import build_inventory
from svclint.model import Location, Node, Ref, Resource, Unknown
from svclint.pipeline import LintResult
from tests.conftest import NOW

LOC = Location("main.json", 1, 1, 1, 2)
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
GRAPH = "00000003-0000-0000-c000-000000000000"


def _node(value: Any) -> Node:
    if isinstance(value, Ref):
        return Node(Unknown("known after deployment"), LOC, (value,), f"{value.address}.x")
    if isinstance(value, dict):
        return Node({k: _node(v) for k, v in value.items()}, LOC)
    if isinstance(value, list):
        return Node([_node(v) for v in value], LOC)
    return Node(value, LOC)


def _arm(type_name: str, address: str, body: dict[str, Any]) -> Resource:
    return Resource("arm", type_name, address, _node(body), LOC)


def _grant(address: str, principal: Ref, scope: str) -> Resource:
    properties = {
        "principalId": principal,
        "roleDefinitionId": f"[subscriptionResourceId('x', '{CONTRIBUTOR}')]",
    }
    return _arm(
        "Microsoft.Authorization/roleAssignments",
        address,
        {"scope": scope, "properties": properties},
    )


RESOURCES = [
    _arm("Microsoft.ManagedIdentity/userAssignedIdentities", "uai", {"tags": {"owner": "ops"}}),
    _arm(
        "Microsoft.Web/sites",
        "site",
        {
            "identity": {
                "type": "SystemAssigned, UserAssigned",
                "userAssignedIdentities": {"[resourceId('x')]": Ref("uai", "id")},
            }
        },
    ),
    _arm(
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "fic",
        {
            "parent": Ref("uai", "id"),
            "properties": {"issuer": "https://issuer.example", "subject": "system:sa:x"},
        },
    ),
    _arm(
        "Microsoft.Graph/applications",
        "app",
        {
            "passwordCredentials": [{"endDateTime": "2027-06-01T00:00:00Z"}],
            "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [{"id": "r1", "type": "Role"}]}],
        },
    ),
    _arm("Microsoft.Graph/servicePrincipals", "sp", {"appId": Ref("app", "appId")}),
    _grant("site_contributor", Ref("site", "identity.principalId"), "/subscriptions/s1"),
    _grant("sp_contributor", Ref("sp", "id"), "/subscriptions/s1/resourceGroups/rg"),
]


def test_arm_rows_build_the_same_inventory_shape() -> None:
    _, tables = load_rules()
    result = LintResult([], [], [], 1, RESOURCES)
    found = {a.address: a for a in build_inventory(result, tables, NOW).accounts}
    assert list(found) == ["site.identity", "uai", "app"]
    system, uai, app = found.values()
    assert [(g.role, g.scope_class, g.broad_and_privileged) for g in system.roles] == [
        ("Contributor", "subscription", True)
    ]
    assert uai.workloads == ("site",)
    assert uai.governance == (("tags.owner", "ops"),)
    assert [(c.kind, c.issuer, c.subject) for c in uai.credentials] == [
        ("federated", "https://issuer.example", "system:sa:x")
    ]
    assert app.service_principal == "sp"
    assert [(c.kind, c.lifetime_days) for c in app.credentials] == [("password", 365)]
    assert [g.scope_class for g in app.roles] == ["resource_group"]
    assert [p.summary() for p in app.permissions] == ["Microsoft Graph: r1 (Role)"]
