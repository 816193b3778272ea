"""The condition language: paths, operators and three-valued logic."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from svclint.engine.conditions import Context, _table_row, evaluate
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


def test_referenced_by_counts_per_instance_of_the_referenced_resource() -> None:
    app = resource({}, "azuread_application", "azuread_application.a")
    ref = (Ref("azuread_application.a", "id"),)
    pw = resource({"application_id": Node(Unknown("id"), LOC, ref)}, "x_pw", "x_pw.p")
    pw.meta["instances"] = 6
    spec = {"types": ["x_pw"], "path": "application_id"}
    app.meta["instances"] = 3  # six credentials over three applications: two to six each
    assert check({"referenced_by": {**spec, "count": {"gt": 1}}}, app, pw) is True
    assert check({"referenced_by": {**spec, "count": {"gt": 2}}}, app, pw) is None
    assert check({"referenced_by": {**spec, "count": {"gt": 6}}}, app, pw) is False
    assert check({"referenced_by": {**spec, "count": {"equals": 2}}}, app, pw) is None
    app.meta["instances"] = None  # a count over an unknown value
    assert check({"referenced_by": {**spec, "count": {"gt": 2}}}, app, pw) is None


def test_length_transform_counts_elements() -> None:
    res = resource({"keys": [1, 2, 3], "dyn": [Node(UnknownCount("dynamic"), LOC)], "s": "abc"})
    assert check({"path": "keys", "transform": ["length"], "gt": 2}, res) is True
    assert check({"path": "keys", "transform": ["length"], "gt": 3}, res) is False
    assert check({"path": "s", "transform": ["length"], "equals": 3}, res) is True
    assert check({"path": "dyn", "transform": ["length"], "gt": 0}, res) is None


def test_has_witness_of_the_element_itself_is_the_element_path() -> None:
    res = resource({"m": {"K": "v"}, "l": [{"type": "S"}]})
    _, tables = load_rules()
    ctx = Context(Graph([res]), tables, {}, NOW)
    keyed = {"path": "m.*", "has": {"path": "@key", "equals": "K"}}
    assert evaluate(keyed, res, ctx).witness.path == "m.K"  # type: ignore[union-attr]
    inner = {"path": "l", "has": {"path": "type", "equals": "S"}}
    assert evaluate(inner, res, ctx).witness.path == "l.0.type"  # type: ignore[union-attr]


def test_index_key_reads_the_key_of_a_map_lookup_on_another_resource() -> None:
    graph = "azuread_service_principal.g"
    looked_up = Node(Unknown("after apply"), LOC, (Ref(graph, 'app_role_ids["Mail.Send"]'),))
    plain = Node(Unknown("after apply"), LOC, (Ref(graph, "object_id"),))
    res = resource({"role": looked_up, "sp": plain, "id": "b633e1c5-b582-4048-a93e-9f11b44c7e96"})
    assert check({"path": "role", "transform": ["index_key"], "equals": "Mail.Send"}, res) is True
    assert check({"path": "sp", "transform": ["index_key"], "equals": "Mail.Send"}, res) is None
    assert check({"path": "id", "transform": ["index_key"], "matches": "^b633"}, res) is True


def test_literal_tells_written_values_from_variables_and_references() -> None:
    res = resource(
        {
            "written": "3f2c6a9e-1111-2222-3333-444455556666",
            "from_var": Node("3f2c6a9e-1111-2222-3333-444455556666", LOC, text="var.principal_id"),
            "from_ref": Node(Unknown("after apply"), LOC, (Ref("azurerm_user_assigned_identity.u", "principal_id"),)),
        }
    )
    assert check({"path": "written", "literal": True}, res) is True
    assert check({"path": "from_var", "literal": True}, res) is False
    assert check({"path": "from_ref", "literal": False}, res) is True


def test_target_follows_arm_resource_ids_written_out() -> None:
    site = Resource("arm", "Microsoft.Web/sites", "site", node({"kind": "app"}), LOC)
    site.meta["aliases"] = ["microsoft.web/sites/app1"]
    scope = node({"scope": "Microsoft.Web/sites/app1"})
    ra = Resource("arm", "Microsoft.Authorization/roleAssignments", "ra", scope, LOC)
    where = {"where": {"path": "kind", "equals": "app"}}
    assert check({"path": "scope", "target": where}, ra, site) is True
    storage = {"types": ["Microsoft.Storage/storageAccounts"], **where}
    assert check({"path": "scope", "target": storage}, ra, site) is False


def test_keys_include_names_the_missing_keys() -> None:
    res = resource({"tags": {"Owner": "x", "purpose": "y"}, "unknown": UNKNOWN})
    _, tables = load_rules()
    ctx = Context(Graph([res]), tables, {}, NOW)
    assert evaluate({"path": "tags", "keys_include": ["owner", "purpose", "review-by"]}, res, ctx).truth is False
    assert ctx.facts["missing"] == "review-by"
    assert check({"path": "tags", "keys_include": ["owner", "purpose"]}, res) is True
    assert check({"path": "unknown", "keys_include": ["owner"]}, res) is None
    assert check({"path": "missing", "keys_include": ["owner"]}, res) is False


def test_instances_path_reads_count_and_for_each() -> None:
    res = resource({})
    res.meta["instances"] = 4
    assert check({"path": "@instances", "ge": 3}, res) is True
    res.meta["instances"] = None  # for_each over an unknown map
    assert check({"path": "@instances", "ge": 3}, res) is None
    assert check({"path": "@instances", "ge": 3}, resource({})) is False  # one instance


def test_referenced_by_counts_distinct_values() -> None:
    uami = resource({}, "azurerm_user_assigned_identity", "azurerm_user_assigned_identity.u")
    ref = (Ref("azurerm_user_assigned_identity.u", "id"),)
    subjects = [
        "repo:contoso/infra:environment:prod",
        "repo:contoso/infra:ref:refs/heads/main",
        "repo:contoso/web:pull_request",
    ]
    fics = [
        resource({"parent_id": Node(Unknown("id"), LOC, ref), "subject": s}, "x_fic", f"x_fic.f{i}")
        for i, s in enumerate(subjects)
    ]
    for fic in fics:
        fic.meta["instances"] = 1
    spec = {"types": ["x_fic"], "path": "parent_id", "count": {"gt": 1}}
    assert check({"referenced_by": {**spec, "distinct": {"path": "subject"}}}, uami, *fics) is True
    by_repo = {"path": "subject", "capture": "^repo:([^:]+)"}
    assert check({"referenced_by": {**spec, "distinct": by_repo}}, uami, *fics) is True
    assert check({"referenced_by": {**spec, "distinct": by_repo}}, uami, *fics[:2]) is False
    fics[1].body.value["subject"] = UNKNOWN  # one repository known: another may be unknown
    assert check({"referenced_by": {**spec, "distinct": by_repo}}, uami, *fics[:2]) is None


def test_in_module_looks_at_every_resource_of_a_type() -> None:
    config = resource({"version": "~> 3.30"}, "terraform", "terraform")
    uami = resource({}, "azurerm_user_assigned_identity", "azurerm_user_assigned_identity.u")
    fic = resource(
        {"parent_id": Node(Unknown("id"), LOC, (Ref("azurerm_user_assigned_identity.u", "id"),))},
        "azurerm_federated_identity_credential",
        "azurerm_federated_identity_credential.f",
    )
    uami.meta["instances"], fic.meta["instances"] = 1, 2
    used = {"referenced_by": {"types": ["azurerm_federated_identity_credential"], "path": "parent_id"}}
    assert check({"in_module": {"types": ["azurerm_user_assigned_identity"], "where": used}}, config, uami, fic) is True
    assert check({"in_module": {"types": ["azurerm_user_assigned_identity"], "where": used}}, config, uami) is False
    counted = {"in_module": {"types": ["azurerm_federated_identity_credential"], "count": {"ge": 2}}}
    assert check(counted, config, uami, fic) is True


def test_nothing_is_in_an_empty_list() -> None:
    assert check({"path": "u", "in": []}, resource({"u": UNKNOWN})) is False
    assert check({"path": "u", "in": ["x"]}, resource({"u": UNKNOWN})) is None


def test_a_path_through_an_unknown_value_may_name_nothing() -> None:
    through = resource({"registries": UNKNOWN, "password": UNKNOWN})
    assert check({"path": "registries.password", "exists": True}, through) is None
    assert check({"not": {"path": "registries.password", "exists": True}}, through) is None
    assert check({"path": "password", "exists": True}, through) is True  # written, value unknown
    template = Node(Unknown("var.x", partial="AccountKey=\ufffc"), LOC)
    assert check({"path": "settings.value", "matches": "AccountKey="}, resource({"settings": template})) is None


def test_table_lookups_find_the_row_a_scan_finds() -> None:
    _, tables = load_rules()
    ctx = Context(Graph([]), tables, {}, NOW)
    for name, table in tables.items():
        for column in {key for row in table.rows for key in row}:
            values = [row.get(column) for row in table.rows]
            for value in [*values, *(v.swapcase() for v in values if isinstance(v, str)), "absent", 0]:
                assert _table_row(ctx, name, column, value) is table.find(column, value), (name, column, value)
