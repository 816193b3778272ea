"""Terraform plan JSON (`terraform show -json plan.out`) as terraform dialect resources.

A plan holds values Terraform has already resolved (module inputs, `for_each` keys, provider
defaults). Values still unknown are listed in `resource_changes[].change.after_unknown` and
become unknowns; references come from `configuration` (each expression's `references`), so
the resource graph works as it does for `.tf` files. When the configuration sits beside the
plan, findings point at the `.tf` block and attribute instead of the JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from svclint.model import Location, Node, Ref, Resource, Unknown

_INDEX = re.compile(r"\[[^\]]*\]")


def is_plan(root: Node) -> bool:
    value = root.value
    return isinstance(value, dict) and "format_version" in value and ("planned_values" in value or "values" in value)


@dataclass
class Sources:
    """Where the configuration declares each resource, to report at `.tf` lines."""

    blocks: dict[str, Location] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Location] = field(default_factory=dict)


def build_plan(root: Node, module_dir: str, sources: Sources) -> list[Resource]:
    plain = root.plain()
    unknown = _after_unknown(plain)
    references = _references(plain.get("configuration", {}).get("root_module", {}), "")
    values_root = _get(root, "planned_values") or _get(root, "values")
    module = _get(values_root, "root_module") if values_root is not None else None
    resources: list[Resource] = []
    for node in _resource_nodes(module):
        resource = _resource(node, module_dir, unknown, references, sources)
        if resource is not None:
            resources.append(resource)
    return resources


def _get(node: Node | None, key: str) -> Node | None:
    if node is None or not isinstance(node.value, dict):
        return None
    return node.value.get(key)


def _resource_nodes(module: Node | None) -> Iterator[Node]:
    if module is None:
        return
    listed = _get(module, "resources")
    if listed is not None and isinstance(listed.value, list):
        yield from listed.value
    children = _get(module, "child_modules")
    for child in children.value if children is not None and isinstance(children.value, list) else ():
        yield from _resource_nodes(child)


def _after_unknown(plan: Mapping[str, Any]) -> dict[str, Any]:
    return {
        str(change.get("address")): change.get("change", {}).get("after_unknown") or {}
        for change in plan.get("resource_changes", [])
        if isinstance(change, dict)
    }


def _references(module: Mapping[str, Any], prefix: str) -> dict[tuple[str, str], tuple[Ref, ...]]:
    """(resource address, attribute) -> references, from the configuration's expressions."""
    found: dict[tuple[str, str], tuple[Ref, ...]] = {}
    for resource in module.get("resources", []):
        address = prefix + str(resource.get("address", ""))
        for name, expression in (resource.get("expressions") or {}).items():
            refs = _expression_refs(expression, prefix)
            if refs:
                found[(address, name)] = refs
    for name, call in (module.get("module_calls") or {}).items():
        found.update(_references(call.get("module", {}), f"{prefix}module.{name}."))
    return found


def _expression_refs(expression: Any, prefix: str) -> tuple[Ref, ...]:
    """References of an expression, including those nested in blocks (lists of mappings)."""
    refs: list[Ref] = []
    stack = [expression]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            refs.extend(r for r in (_ref(text, prefix) for text in item.get("references", ())) if r is not None)
            stack.extend(v for k, v in item.items() if k != "references")
    # Terraform lists `a.b.c.d`, `a.b.c` and `a.b`: keep the most specific per address.
    best: dict[str, Ref] = {}
    for ref in refs:
        if len(ref.attribute) >= len(best.get(ref.address, Ref("", "")).attribute):
            best[ref.address] = ref
    return tuple(best.values())


def _ref(text: str, prefix: str) -> Ref | None:
    parts = _INDEX.sub(lambda m: "." + m.group(0)[1:-1].strip('"'), text).split(".")
    if parts[0] in ("var", "local", "each", "count", "path", "self") or len(parts) < 2:
        return None
    size = 3 if parts[0] == "data" else 2
    return Ref(prefix + ".".join(parts[:size]), ".".join(parts[size:]))


def _resource(
    node: Node,
    module_dir: str,
    unknown: Mapping[str, Any],
    references: Mapping[tuple[str, str], tuple[Ref, ...]],
    sources: Sources,
) -> Resource | None:
    info = node.plain()
    address = str(info.get("address", ""))
    base = _INDEX.sub("", address)
    values = _get(node, "values")
    if not address or values is None or not isinstance(values.value, dict):
        return None
    mapped = base in sources.blocks
    loc = sources.blocks.get(base, node.loc)
    body: dict[str, Node] = {}
    for name, value in values.value.items():
        mark = unknown.get(address, {}).get(name)
        attr_loc = sources.attributes.get((base, name), loc if mapped else value.loc)
        refs = references.get((_config_address(base), name), ())
        body[name] = _with_unknowns(value, mark, attr_loc, refs, mapped)
    # Planned values leave out what is known only after apply; after_unknown names it.
    for name, mark in unknown.get(address, {}).items():
        if mark is True and name not in body:
            refs = references.get((_config_address(base), name), ())
            body[name] = Node(Unknown("known after apply"), sources.attributes.get((base, name), loc), refs)
    mode: Literal["managed", "data"] = "data" if info.get("mode") == "data" else "managed"
    resource = Resource("terraform", str(info.get("type", "")), base, Node(body, loc), loc, mode, module_dir)
    resource.meta["instances"] = 1
    return resource


def _config_address(address: str) -> str:
    """Configuration addresses omit instance keys of module calls too."""
    return _INDEX.sub("", address)


def _with_unknowns(value: Node, mark: Any, loc: Location, refs: tuple[Ref, ...], mapped: bool) -> Node:
    """Plan values with `after_unknown` applied: `true` marks a value known only after apply.
    When the resource is `mapped` to its `.tf` block, nested values are reported at `loc` too."""
    if mark is True:
        return Node(Unknown("known after apply"), loc, refs)

    def inner(child: Node, child_mark: Any) -> Node:
        return _with_unknowns(child, child_mark, loc if mapped else child.loc, (), mapped)

    if isinstance(value.value, dict):
        by_key = mark if isinstance(mark, dict) else {}
        return Node({k: inner(v, by_key.get(k)) for k, v in value.value.items()}, loc, refs)
    if isinstance(value.value, list):
        by_index = mark if isinstance(mark, list) else []
        items = [inner(v, by_index[i] if i < len(by_index) else None) for i, v in enumerate(value.value)]
        return Node(items, loc, refs)
    return Node(value.value, loc, refs)
