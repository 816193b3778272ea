"""Terraform JSON syntax (`.tf.json`) to the same blocks and expressions as native `.tf`.

Without provider schemas a JSON object cannot be told apart from a nested block, so nested
objects become object expressions; paths read both the same way (`identity.type`). Strings
holding `${...}` are parsed as HCL templates and placed at the string's position.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from svclint.model import Location, Node
from svclint.parsers.hcl_syntax import (
    Attribute,
    Block,
    Body,
    ConfigFile,
    Expr,
    Lit,
    ObjectExpr,
    ObjectItem,
    TupleExpr,
)
from svclint.parsers.jsonc import JsoncError, loads

# Top-level keys whose value is `{label: {label: body}}` (two labels) or `{label: body}` (one).
_TWO_LABELS = ("resource", "data")
_ONE_LABEL = ("variable", "provider", "module", "output")


def parse(path: str, text: str) -> ConfigFile:
    try:
        root, comments = loads(text, path)
    except JsoncError as exc:
        return _failed(path, exc.line, exc.column, exc.message)
    if not isinstance(root.value, dict):
        return _failed(path, root.loc.line, root.loc.column, "a .tf.json file must hold an object")
    body = Body()
    for key, node in root.value.items():
        body.blocks.extend(_top_level(path, key, node))
    return ConfigFile(path, body, comments)


def _failed(path: str, line: int, column: int, message: str) -> ConfigFile:
    from svclint.model import Diagnostic

    return ConfigFile(path, Body(), diagnostics=[Diagnostic(path, line, column, f"parse error: {message}")])


def _entries(node: Node) -> list[tuple[str, Node]]:
    """Members of an object, or of each object in a list (both spellings are legal)."""
    items = node.value if isinstance(node.value, list) else [node]
    return [(k, v) for item in items if isinstance(item.value, dict) for k, v in item.value.items()]


def _top_level(path: str, key: str, node: Node) -> list[Block]:
    if key in _TWO_LABELS:
        return [
            _block(key, (type_name, name), body_node)
            for type_name, by_name in _entries(node)
            for name, body_node in _entries(by_name)
        ]
    if key in _ONE_LABEL:
        return [_block(key, (label,), body_node) for label, body_node in _entries(node)]
    if key == "locals":
        return [_block("locals", (), item) for item in _list(node)]
    if key == "terraform":
        return [_terraform_block(item) for item in _list(node)]
    return []


def _list(node: Node) -> list[Node]:
    return node.value if isinstance(node.value, list) else [node]


def _terraform_block(node: Node) -> Block:
    block = _block("terraform", (), node)
    backends = dict(_entries(node)).get("backend")
    if backends is not None:
        block.body.blocks.extend(_block("backend", (name,), body) for name, body in _entries(backends))
    return block


def _block(block_type: str, labels: tuple[str, ...], node: Node) -> Block:
    body = Body()
    for key, value in _entries(node):
        if key == "backend" and block_type == "terraform":
            continue
        body.attributes[key] = Attribute(key, expression(value), value.loc)
    loc = node.loc
    header = Location(loc.path, loc.line, loc.column, loc.line, loc.column + 1)
    return Block(block_type, labels, body, header, loc.end_line)


def expression(node: Node) -> Expr:
    value = node.value
    if isinstance(value, dict):
        items = tuple(ObjectItem(Lit(k, v.loc), expression(v), v.loc) for k, v in value.items())
        return ObjectExpr(items, node.loc)
    if isinstance(value, list):
        return TupleExpr(tuple(expression(v) for v in value), node.loc)
    if isinstance(value, str) and ("${" in value or "%{" in value):
        return _template(value, node.loc)
    return Lit(value, node.loc)


def _template(text: str, loc: Location) -> Expr:
    from svclint.parsers import terraform

    parsed = terraform.parse(loc.path, f"x = {json.dumps(text)}\n")
    attribute = parsed.body.attributes.get("x")
    if attribute is None:
        return Lit(text, loc)
    return _relocated(attribute.expr, loc)


def _relocated(value: Any, loc: Location) -> Any:
    """The same expression with every position moved to `loc` (the JSON string's span)."""
    if isinstance(value, Location):
        return loc
    if isinstance(value, tuple):
        return tuple(_relocated(v, loc) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _relocated(getattr(value, f.name), loc) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value
