"""The condition language: paths, operators and three-valued logic."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from svclint.engine.conditions import Context, evaluate
from svclint.engine.graph import Graph
from svclint.engine.loader import load_rules
from svclint.engine.paths import select
from svclint.model import Location, Node, Ref, Resource, Unknown, UnknownCount

LOC = Location("m.tf", 1, 1, 1, 2)
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def node(value: Any, refs: tuple[Ref, ...] = ()) -> Node:
    if isinstance(value, dict):
        return Node({k: node(v) if not isinstance(v, Node) else v for k, v in value.items()}, LOC, refs)
    if isinstance(value, list):
        return Node([node(v) if not isinstance(v, Node) else v for v in value], LOC, refs)
    return Node(value, LOC, refs)


def resource(body: dict[str, Any], type_: str = "x_y", address: str = "x_y.z") -> Resource:
    return Resource("terraform", type_, address, node(body), LOC)


def check(condition: dict[str, Any], res: Resource, *others: Resource) -> bool | None:
    _, tables = load_rules()
    ctx = Context(Graph([res, *others]), tables, {"limit": 90}, NOW)
    return evaluate(condition, res, ctx).truth


UNKNOWN = Node(Unknown("var.x"), LOC)


def test_paths_map_over_blocks_and_fold_case() -> None:
    body = node({"identity": [{"type": "A"}, {"type": "B"}], "Properties": {"X": 1}})
    assert [m.node.value for m in select(body, "identity.type")] == ["A", "B"]
    assert [m.path for m in select(body, "identity.*.type")] == [
        "identity.0.type",
        "identity.1.type",
    ]
    assert [m.node.value for m in select(body, "properties.x")] == [1]
    assert select(body, "missing.path") == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"path": "a", "equals": "x"}, True),
        ({"path": "a", "equals": "X"}, True),  # strings compare case-insensitively
        ({"path": "a", "in": ["y", "x"]}, True),
        ({"path": "a", "matches": "^x$"}, True),
        ({"path": "n", "gt": 3}, True),
        ({"path": "n", "le": 3}, False),
        ({"path": "u", "equals": "x"}, None),
        ({"path": "u", "exists": True}, True),  # written, value unknown
        ({"path": "missing", "exists": False}, True),
        ({"path": "dyn", "exists": True}, None),  # dynamic block with unknown for_each
        ({"path": "end", "lifetime": {"gt": 30}}, True),
        ({"path": "end", "lifetime": {"gt": {"param": "limit"}}}, False),
        ({"path": "rel", "lifetime": {"gt": "P30D"}}, True),
    ],
)
def test_leaf_operators(condition: dict[str, Any], expected: bool | None) -> None:
    res = resource(
        {
            "a": "x",
            "n": 5,
            "u": UNKNOWN,
            "dyn": [Node(UnknownCount("dynamic"), LOC)],
            "end": "2026-08-01T00:00:00Z",
            "rel": "2160h",
        }
    )
    assert check(condition, res) is expected


@pytest.mark.parametrize(
    ("combinator", "expected"),
    [
        ({"all": [{"path": "t", "exists": True}, {"path": "u", "equals": "x"}]}, None),
        ({"all": [{"path": "f", "exists": True}, {"path": "u", "equals": "x"}]}, False),
        ({"any": [{"path": "t", "exists": True}, {"path": "u", "equals": "x"}]}, True),
        ({"any": [{"path": "f", "exists": True}, {"path": "u", "equals": "x"}]}, None),
        ({"not": {"path": "u", "equals": "x"}}, None),
        ({"not": {"path": "f", "exists": True}}, True),
    ],
)
def test_kleene_logic(combinator: dict[str, Any], expected: bool | None) -> None:
    assert check(combinator, resource({"t": 1, "u": UNKNOWN})) is expected


def test_partial_templates_match_on_known_text_only() -> None:
    partial = Node(Unknown("interp", "Server=x;ClientSecret=\ufffc"), LOC)
    res = resource({"cs": partial})
    assert check({"path": "cs", "matches": "ClientSecret="}, res) is True
    assert check({"path": "cs", "matches": "ClientSecret=abc"}, res) is None


def test_principal_scope_and_table_lookups() -> None:
    ra = resource(
        {
            "principal_id": Node(
                Unknown("after apply"),
                LOC,
                (Ref("azurerm_user_assigned_identity.u", "principal_id"),),
            ),
            "user": Node(Unknown("after apply"), LOC, (Ref("azuread_user.p", "object_id"),)),
            "scope": Node(Unknown("after apply"), LOC, (Ref("data.azurerm_subscription.current", "id"),)),
            "rg": "/subscriptions/0000/resourceGroups/rg",
            "role_id": "/providers/Microsoft.Authorization/roleDefinitions/B24988AC-6180-42A0-AB88-20F7382DD24C",
        }
    )
    assert check({"path": "principal_id", "principal": ["managed_identity"]}, ra) is True
    assert check({"path": "user", "principal": ["managed_identity", "service_principal"]}, ra) is False
    assert check({"path": "u", "principal": ["user"]}, resource({"u": UNKNOWN})) is None
    assert check({"path": "scope", "scope_class": ["subscription"]}, ra) is True
    assert check({"path": "rg", "scope_class": ["subscription"]}, ra) is False
    table = {"table": "azure_roles", "column": "id", "where": {"privileged": True}}
    assert check({"path": "role_id", "transform": ["trailing_guid"], "in_table": table}, ra) is True


def test_connections_between_resources() -> None:
    user = resource({"upn": "svc-a@x"}, "azuread_user", "azuread_user.a")
    ra = resource(
        {"principal_id": Node(Unknown("after apply"), LOC, (Ref("azuread_user.a", "object_id"),))},
        "azurerm_role_assignment",
        "azurerm_role_assignment.r",
    )
    used = {"referenced_by": {"types": ["azurerm_role_assignment"], "path": "principal_id"}}
    assert check(used, user, ra) is True
    assert check(used, resource({}, "azuread_user", "azuread_user.b"), ra) is False
    target = {"path": "principal_id", "target": {"where": {"path": "upn", "matches": "^svc-"}}}
    assert check(target, ra, user) is True


def test_has_reads_name_and_value_from_the_same_element() -> None:
    res = resource({"settings": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]})
    same = {
        "path": "settings",
        "has": {"all": [{"path": "name", "equals": "A"}, {"path": "value", "equals": "1"}]},
    }
    mixed = {
        "path": "settings",
        "has": {"all": [{"path": "name", "equals": "A"}, {"path": "value", "equals": "2"}]},
    }
    assert check(same, res) is True
    assert check(mixed, res) is False
    keyed = {
        "path": "m.*",
        "has": {"all": [{"path": "@key", "equals": "K"}, {"path": ".", "equals": "v"}]},
    }
    assert check(keyed, resource({"m": {"K": "v"}})) is True


def test_referenced_by_counts_instances() -> None:
    app = resource({}, "azuread_application", "azuread_application.a")
    ref = (Ref("azuread_application.a", "id"),)
    fics = []
    for i, instances in enumerate((1, 3, 2)):
        fic = resource({"application_id": Node(Unknown("id"), LOC, ref)}, "x_fic", f"x_fic.f{i}")
        fic.meta["instances"] = instances
        fics.append(fic)
    spec = {"types": ["x_fic"], "path": "application_id"}
    assert check({"referenced_by": {**spec, "count": {"gt": 5}}}, app, *fics) is True
    assert check({"referenced_by": {**spec, "count": {"gt": 6}}}, app, *fics) is False
    fics[0].meta["instances"] = None  # a for_each over an unknown map
    assert check({"referenced_by": {**spec, "count": {"gt": 5}}}, app, *fics) is True
    assert check({"referenced_by": {**spec, "count": {"gt": 6}}}, app, *fics) is None
    assert check({"referenced_by": {"types": ["*"], "path": "application_id"}}, app, *fics) is True
