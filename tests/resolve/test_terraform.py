"""Module resolution: variables, tfvars, locals, conditionals, dynamic blocks, references."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from svclint.model import Ref, Resource, Unknown, UnknownCount
from svclint.parsers.terraform import parse
from svclint.resolve.terraform import build_module

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _resources(source: str, *tfvars: str) -> dict[str, Resource]:
    files = [parse("main.tf", source)]
    var_files = [parse(f"v{i}.tfvars", text) for i, text in enumerate(tfvars)]
    return {r.address: r for r in build_module(files, var_files, NOW, ".")}


def _value(resource: Resource, name: str) -> object:
    return resource.body.value[name].value


def test_variables_take_tfvars_over_defaults_and_later_files_win() -> None:
    source = 'variable "a" { default = "d" }\nvariable "b" {}\nresource "x_y" "z" {\n  a = var.a\n  b = var.b\n}\n'
    assert _value(_resources(source)["x_y.z"], "a") == "d"
    assert isinstance(_value(_resources(source)["x_y.z"], "b"), Unknown)
    resolved = _resources(source, 'a = "one"\nb = "two"\n', 'b = "three"\n')["x_y.z"]
    assert (_value(resolved, "a"), _value(resolved, "b")) == ("one", "three")


def test_locals_interpolation_conditionals_and_functions() -> None:
    source = """
variable "env" { default = "prod" }
locals {
  name   = "app-${var.env}"
  prod   = var.env == "prod"
  tags   = merge({ a = "1" }, { b = upper(var.env) })
}
resource "x_y" "z" {
  name = local.name
  sku  = local.prod ? "P1" : "B1"
  tags = local.tags
  end  = timeadd("2026-01-01T00:00:00Z", "2160h")
  now  = timestamp()
}
"""
    body = _resources(source)["x_y.z"].body
    assert body.plain()["name"] == "app-prod"
    assert body.plain()["sku"] == "P1"
    assert body.plain()["tags"] == {"a": "1", "b": "PROD"}
    assert body.plain()["end"] == "2026-04-01T00:00:00Z"
    assert body.plain()["now"] == "2026-06-01T00:00:00Z"


def test_unknown_condition_keeps_references_from_both_branches() -> None:
    source = 'variable "c" {}\nresource "x_y" "z" {\n  p = var.c ? azurerm_a.one.id : azurerm_b.two.id\n}\n'
    node = _resources(source)["x_y.z"].body.value["p"]
    assert isinstance(node.value, Unknown)
    assert set(node.all_refs()) == {Ref("azurerm_a.one", "id"), Ref("azurerm_b.two", "id")}


def test_references_form_the_graph_with_attribute_paths() -> None:
    source = """
resource "azurerm_role_assignment" "r" {
  principal_id = azurerm_linux_web_app.w.identity[0].principal_id
  scope        = data.azurerm_subscription.current.id
  sp           = azuread_service_principal.s["k"].object_id
}
"""
    body = _resources(source)["azurerm_role_assignment.r"].body.value
    assert body["principal_id"].refs == (Ref("azurerm_linux_web_app.w", "identity.0.principal_id"),)
    assert body["scope"].refs == (Ref("data.azurerm_subscription.current", "id"),)
    assert body["sp"].refs == (Ref("azuread_service_principal.s", "object_id"),)


def test_known_map_keys_stay_in_reference_paths() -> None:
    source = """
resource "x_y" "z" {
  for_each = toset(["Mail.Send"])
  literal  = azuread_service_principal.g.app_role_ids["Files.Read.All"]
  bound    = azuread_service_principal.g.app_role_ids[each.value]
  unknown  = azuread_service_principal.g.app_role_ids[var.role]
}
"""
    body = _resources(source)["x_y.z"].body.value
    assert body["literal"].refs == (Ref("azuread_service_principal.g", 'app_role_ids["Files.Read.All"]'),)
    assert body["bound"].refs == (Ref("azuread_service_principal.g", 'app_role_ids["Mail.Send"]'),)
    assert body["unknown"].refs == (Ref("azuread_service_principal.g", "app_role_ids.?"),)


def test_plain_arguments_of_other_resources_are_known() -> None:
    source = """
resource "azurerm_resource_group" "rg" { name = "rg-app" }
data "azurerm_role_definition" "owner" { name = "Owner" }
resource "x_y" "z" {
  rg   = azurerm_resource_group.rg.name
  role = data.azurerm_role_definition.owner.name
  id   = azurerm_resource_group.rg.id
}
"""
    body = _resources(source)["x_y.z"].body.value
    assert body["rg"].value == "rg-app"
    assert body["rg"].refs[0] == Ref("azurerm_resource_group.rg", "name")
    assert body["role"].value == "Owner"
    assert isinstance(body["id"].value, Unknown)


def test_count_zero_and_empty_for_each_are_not_deployed() -> None:
    source = """
variable "on" { default = false }
variable "ras" { default = {} }
resource "x_y" "off" { count = var.on ? 1 : 0 }
resource "x_y" "none" { for_each = var.ras }
resource "x_y" "one" {
  for_each = { a = "Reader" }
  role     = each.value
}
"""
    resources = _resources(source)
    assert set(resources) == {"x_y.one"}
    assert _value(resources["x_y.one"], "role") == "Reader"


def test_dynamic_blocks_expand_when_for_each_is_known() -> None:
    source = """
variable "types" { default = ["SystemAssigned"] }
variable "unknown" {}
resource "x_y" "z" {
  dynamic "identity" {
    for_each = var.types
    iterator = id
    content { type = id.value }
  }
  dynamic "other" {
    for_each = var.unknown
    content { type = other.value }
  }
}
"""
    body = _resources(source)["x_y.z"].body
    assert body.plain()["identity"] == [{"type": "SystemAssigned"}]
    (marker,) = body.value["other"].value
    assert isinstance(marker.value, UnknownCount)


def test_self_referencing_locals_are_unknown_not_a_crash() -> None:
    source = 'locals {\n  a = local.b\n  b = local.a\n}\nresource "x_y" "z" { v = local.a }\n'
    assert isinstance(_value(_resources(source)["x_y.z"], "v"), Unknown)


def test_providers_and_backends_are_resources_too() -> None:
    source = 'provider "azurerm" {\n  features {}\n}\nterraform {\n  backend "azurerm" { key = "k" }\n}\n'
    resources = _resources(source)
    assert resources["provider.azurerm"].type == "provider.azurerm"
    assert resources["terraform.backend.azurerm"].body.plain() == {"key": "k"}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('distinct(["a", "b", "a"])', ["a", "b"]),
        ('format("%s-%d", "app", 3)', "app-3"),
        ('lookup({ a = "x" }, "b", "dflt")', "dflt"),
        ('join("/", ["a", "b"], ["c"])', "a/b/c"),
        ('coalesce("", "second")', "second"),
        ('try({ a = 1 }.b, "fallback")', "fallback"),
    ],
)
def test_functions(expression: str, expected: object) -> None:
    value = _value(_resources(f'resource "x_y" "z" {{\n  v = {expression}\n}}\n')["x_y.z"], "v")
    plain = [n.value for n in value] if isinstance(value, list) else value
    assert plain == expected


def test_unsupported_functions_are_unknown_not_wrong() -> None:
    value = _value(
        _resources('resource "x_y" "z" {\n  v = formatdate("YYYY", "2026-01-01T00:00:00Z")\n}\n')["x_y.z"], "v"
    )
    assert isinstance(value, Unknown)
