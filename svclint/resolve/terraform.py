"""Assemble one Terraform module directory into resolved resources.

Inputs are the parsed files of one directory plus any tfvars; output is one `Resource` per
resource, data source, provider and backend block, with every attribute evaluated in the
module's scope (variables, locals, other resources' plain arguments).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from svclint.model import Location, Node, Resource, Unknown, UnknownCount
from svclint.parsers.hcl_syntax import Block, Body, ConfigFile, Expr, Traversal
from svclint.resolve.azapi import AZAPI_TYPES, to_arm
from svclint.resolve.tf_eval import Scope, evaluate, is_fully_known

_META_ARGS = ("count", "for_each")


@dataclass
class _Declared:
    block: Block
    type: str
    address: str
    mode: Literal["managed", "data", "config"]


def build_module(
    files: Iterable[ConfigFile], var_files: Iterable[ConfigFile], now: datetime, module_dir: str
) -> list[Resource]:
    """Resources of one module, in file order then source order."""
    files = list(files)
    declared = [d for f in files for d in _declarations(f.body)]
    scope = _module_scope(files, list(var_files), now)
    by_address = {d.address: d for d in declared}
    resolving: set[tuple[str, str]] = set()

    def resource_args(address: str, name: str) -> Node | None:
        found = by_address.get(address)
        key = (address, name)
        if found is None or name not in found.block.body.attributes or key in resolving:
            return None
        resolving.add(key)
        try:
            return evaluate(found.block.body.attributes[name].expr, scope)
        finally:
            resolving.discard(key)

    scope.resource_args = resource_args
    resources = []
    for item in declared:
        instance_scope = _instance_scope(item.block.body, scope)
        if instance_scope is None:
            continue  # count = 0 or an empty for_each: nothing is deployed
        body = body_node(item.block.body, instance_scope, item.block.loc)
        resource = Resource("terraform", item.type, item.address, body, item.block.loc, item.mode, module_dir)
        resource.meta["instances"] = _instances(item.block.body, scope)
        if item.type in AZAPI_TYPES:  # an ARM resource written in Terraform
            resource = to_arm(resource, item.block, instance_scope) or resource
        resources.append(resource)
    return resources


def _instances(body: Body, scope: Scope) -> int | None:
    """How many instances `count`/`for_each` make (1 without them), None when unknown."""
    if "count" in body.attributes:
        count = evaluate(body.attributes["count"].expr, scope).value
        return count if isinstance(count, int) and not isinstance(count, bool) else None
    if "for_each" in body.attributes:
        items = _iteration(evaluate(body.attributes["for_each"].expr, scope))
        return None if items is None else len(items)
    return 1


def _declarations(body: Body) -> Iterable[_Declared]:
    for block in body.blocks:
        labels = block.labels
        if block.type == "resource" and len(labels) == 2:
            yield _Declared(block, labels[0], f"{labels[0]}.{labels[1]}", "managed")
        elif block.type == "data" and len(labels) == 2:
            yield _Declared(block, labels[0], f"data.{labels[0]}.{labels[1]}", "data")
        elif block.type == "provider" and len(labels) == 1:
            alias = block.body.attributes.get("alias")
            suffix = f".{alias.expr.value}" if alias is not None and hasattr(alias.expr, "value") else ""
            yield _Declared(block, f"provider.{labels[0]}", f"provider.{labels[0]}{suffix}", "config")
        elif block.type == "module" and len(labels) == 1:
            yield _Declared(block, "module", f"module.{labels[0]}", "config")
        elif block.type == "output" and len(labels) == 1:
            yield _Declared(block, "output", f"output.{labels[0]}", "config")
        elif block.type == "terraform":
            yield _Declared(block, "terraform", "terraform", "config")
            for inner in block.body.blocks:
                if inner.type == "backend" and len(inner.labels) == 1:
                    name = inner.labels[0]
                    yield _Declared(inner, f"backend.{name}", f"terraform.backend.{name}", "config")


def _module_scope(files: list[ConfigFile], var_files: list[ConfigFile], now: datetime) -> Scope:
    empty = Scope({}, {}, now)
    values: dict[str, Node] = {}
    for var_file in var_files:  # later files win, as with repeated -var-file
        for name, attr in var_file.body.attributes.items():
            values[name] = evaluate(attr.expr, empty)
    variables: dict[str, Node] = {}
    locals_: dict[str, Expr] = {}
    for config in files:
        for block in config.body.blocks:
            if block.type == "variable" and len(block.labels) == 1:
                name = block.labels[0]
                variables[name] = values.get(name) or _default(block, empty)
            elif block.type == "locals":
                locals_.update({n: a.expr for n, a in block.body.attributes.items()})
    return Scope(variables, locals_, now)


def _default(block: Block, scope: Scope) -> Node:
    default = block.body.attributes.get("default")
    if default is None:
        return Node(Unknown(f"var.{block.labels[0]} has no default and no value"), block.loc)
    return evaluate(default.expr, scope)


def _instance_scope(body: Body, scope: Scope) -> Scope | None:
    """The scope for a resource's body, or None when count/for_each say it is not deployed."""
    count_attr = body.attributes.get("count")
    if count_attr is not None:
        count = evaluate(count_attr.expr, scope)
        if count.value == 0:
            return None
        index = Node(0, count_attr.loc) if count.value == 1 else Node(Unknown("count.index"), count_attr.loc)
        return scope.with_bound(count=Node({"index": index}, count_attr.loc))
    each_attr = body.attributes.get("for_each")
    if each_attr is not None:
        collection = evaluate(each_attr.expr, scope)
        items = _iteration(collection)
        if items == []:
            return None
        if items is not None and len(items) == 1:
            key, value = items[0]
            return scope.with_bound(each=Node({"key": key, "value": value}, each_attr.loc))
        unknown = Node(Unknown("each is one of several instances"), each_attr.loc, collection.all_refs())
        return scope.with_bound(each=Node({"key": unknown, "value": unknown}, each_attr.loc))
    return scope


def _iteration(collection: Node) -> list[tuple[Node, Node]] | None:
    """(key, value) pairs of a known map or set, None when the collection is unknown."""
    value = collection.value
    if isinstance(value, dict):
        return [(Node(k, collection.loc), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(v if is_fully_known(v) else Node(i, v.loc), v) for i, v in enumerate(value)]
    return None


def body_node(body: Body, scope: Scope, loc: Location) -> Node:
    """A block body as a map Node: attributes by name, nested blocks as lists by type."""
    out: dict[str, Node] = {}
    for name, attr in body.attributes.items():
        if name in _META_ARGS:
            continue
        value = evaluate(attr.expr, scope)
        out[name] = Node(value.value, _first_line(attr.loc, name), value.refs, value.text)
    for block in body.blocks:
        if block.type == "dynamic" and block.labels:
            _add_dynamic(out, block, scope)
        else:
            inner = body_node(block.body, scope, block.loc)
            if block.labels:  # `provisioner "local-exec" {}`, `backend "azurerm" {}`
                inner.value["_labels"] = Node([Node(label, block.loc) for label in block.labels], block.loc)
            _append(out, block.type, inner)
    return Node(out, loc)


def _first_line(loc: Location, name: str) -> Location:
    """Multi-line attributes are reported on their first line, so PR annotations stay visible."""
    if loc.end_line == loc.line:
        return loc
    return Location(loc.path, loc.line, loc.column, loc.line, loc.column + len(name))


def _append(out: dict[str, Node], name: str, block: Node) -> None:
    existing = out.get(name)
    if existing is None or not isinstance(existing.value, list):
        out[name] = Node([block], block.loc)
    else:
        existing.value.append(block)


def _add_dynamic(out: dict[str, Node], block: Block, scope: Scope) -> None:
    name = block.labels[0]
    for_each = block.body.attributes.get("for_each")
    content = next((b for b in block.body.blocks if b.type == "content"), None)
    if for_each is None or content is None:
        return
    iterator_attr = block.body.attributes.get("iterator")
    iterator = name
    if iterator_attr is not None and isinstance(iterator_attr.expr, Traversal):
        iterator = iterator_attr.expr.root  # `iterator = item` names the loop variable
    items = _iteration(evaluate(for_each.expr, scope))
    if items is None:
        marker = Node(UnknownCount(f"dynamic {name!r} block: for_each is unknown"), block.loc)
        _append(out, name, marker)
        return
    for key, value in items:
        bound = scope.with_bound(**{iterator: Node({"key": key, "value": value}, block.loc)})
        _append(out, name, body_node(content.body, bound, block.loc))
