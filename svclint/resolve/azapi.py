"""Terraform `azapi_resource` blocks are ARM resources: give them the `arm` dialect's shape.

`type = "Microsoft.Web/sites@2023-12-01"`, `body` (an HCL object, or `jsonencode({...})` in
azapi 1.x) holds `properties`, `kind` and the rest; the `identity` block becomes ARM's
`identity` object (`userAssignedIdentities` keyed by identity id); `parent_id` is the parent
or, for extension resources such as role assignments, the scope. One `arm:` rule then covers
Bicep, ARM JSON and azapi alike.
"""

from __future__ import annotations

from svclint.model import Node, Resource
from svclint.parsers.hcl_syntax import Block, Call
from svclint.resolve.tf_eval import Scope, evaluate

AZAPI_TYPES = ("azapi_resource",)
_EXTENSION_NAMESPACES = ("microsoft.authorization/",)


def to_arm(resource: Resource, block: Block, scope: Scope) -> Resource | None:
    """The ARM view of an azapi resource, or None when its `type` is not known."""
    body = resource.body.value if isinstance(resource.body.value, dict) else {}
    declared = body.get("type")
    if declared is None or not isinstance(declared.value, str):
        return None
    arm_type = declared.value.split("@", 1)[0]
    out = _payload(block, scope)
    for key in ("name", "location", "tags"):
        if key in body:
            out.setdefault(key, body[key])
    identity = _identity(body.get("identity"))
    if identity is not None:
        out["identity"] = identity
    parent = body.get("parent_id")
    if parent is not None:
        key = "scope" if arm_type.casefold().startswith(_EXTENSION_NAMESPACES) else "parent"
        out.setdefault(key, Node(parent.value, parent.loc, (*parent.refs,), parent.text))
    arm_body = Node(out, resource.body.loc)
    converted = Resource("arm", arm_type, resource.address, arm_body, resource.loc, resource.mode, resource.module_dir)
    converted.meta.update(resource.meta)
    converted.meta["aliases"] = [resource.address]
    return converted


def _payload(block: Block, scope: Scope) -> dict[str, Node]:
    """`body = {...}` or `body = jsonencode({...})`: the object, with its structure kept."""
    attribute = block.body.attributes.get("body")
    if attribute is None:
        return {}
    expr = attribute.expr
    if isinstance(expr, Call) and expr.name == "jsonencode" and len(expr.args) == 1:
        expr = expr.args[0]
    value = evaluate(expr, scope)
    return dict(value.value) if isinstance(value.value, dict) else {}


def _identity(blocks: Node | None) -> Node | None:
    """azapi's `identity { type, identity_ids }` as ARM's `{type, userAssignedIdentities}`."""
    if blocks is None or not isinstance(blocks.value, list) or not blocks.value:
        return blocks
    first = blocks.value[0]
    if not isinstance(first.value, dict):
        return first
    out: dict[str, Node] = {}
    if "type" in first.value:
        out["type"] = first.value["type"]
    ids = first.value.get("identity_ids")
    if ids is not None:
        out["userAssignedIdentities"] = _keyed(ids)
    return Node(out, first.loc)


def _keyed(ids: Node) -> Node:
    """ARM keys user-assigned identities by id; each entry keeps the reference it was built from."""
    if not isinstance(ids.value, list):
        return ids
    entries: dict[str, Node] = {}
    for index, item in enumerate(ids.value):
        key = item.value if isinstance(item.value, str) else item.text or f"identity-{index}"
        entries[key] = Node({}, item.loc, item.refs, item.text)
    return Node(entries, ids.loc)
