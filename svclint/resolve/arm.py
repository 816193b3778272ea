"""ARM JSON templates to `arm` dialect resources.

Handles what real templates use: child resources nested in `resources` (their type and name
are relative to the parent), `copy` loops and `condition`s (a resource known not to deploy
is dropped), nested `Microsoft.Resources/deployments` with inline templates (evaluated with
the parameters the deployment passes), and `languageVersion: 2.0` symbolic resources.
Outputs become resources of type `output`.
Resources that carry no `scope` get the template's deployment scope, so rules can classify
where a role assignment applies.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from svclint.arm_expr import EvalContext, evaluate_node
from svclint.model import PLACEHOLDER, Comment, Location, Node, Ref, Resource, Unknown

TEMPLATE_SCHEMA = "deploymenttemplate.json"
PARAMETERS_SCHEMA = "deploymentparameters.json"
_SCOPES = {
    "subscriptiondeploymenttemplate": "@subscription",
    "managementgroupdeploymenttemplate": "@managementGroup",
    "tenantdeploymenttemplate": "@tenant",
}
_MAX_NESTING = 20


def schema_of(root: Node) -> str:
    """The `$schema` of a JSON document, lower-cased ('' when there is none)."""
    if not isinstance(root.value, dict):
        return ""
    schema = root.value.get("$schema")
    return schema.value.lower() if schema is not None and isinstance(schema.value, str) else ""


def is_template(root: Node) -> bool:
    return TEMPLATE_SCHEMA in schema_of(root)


def is_parameters(root: Node) -> bool:
    return PARAMETERS_SCHEMA in schema_of(root)


def parameter_values(root: Node) -> dict[str, Any]:
    """Values from a parameters file; Key Vault references are secrets svclint cannot read."""
    values: dict[str, Any] = {}
    params = root.value.get("parameters") if isinstance(root.value, dict) else None
    if params is None or not isinstance(params.value, dict):
        return values
    for name, spec in params.value.items():
        plain = spec.plain()
        if isinstance(plain, dict) and "value" in plain:
            values[name] = plain["value"]
        elif isinstance(plain, dict) and "reference" in plain:
            values[name] = Unknown(f"parameter '{name}' is a Key Vault reference")
    return values


@dataclass
class _Template:
    root: Node
    ctx: EvalContext
    scope: str
    module_dir: str
    depth: int = 0


def build_template(root: Node, values: dict[str, Any], module_dir: str) -> list[Resource]:
    """Every resource a template deploys, nested deployments and child resources included."""
    schema = schema_of(root)
    scope = next((ref for key, ref in _SCOPES.items() if key in schema), "@resourceGroup")
    template = _Template(root, _context(root, values), scope, module_dir)
    return list(_resources(template))


_CONTEXT_SECTIONS = ("parameters", "variables", "functions")


def _context(root: Node, values: dict[str, Any]) -> EvalContext:
    """The evaluation context of a template: only the sections it reads are made plain data,
    not the resources (a nested deployment's template can be megabytes)."""
    sections = root.value if isinstance(root.value, dict) else {}
    plain = {key: sections[key].plain() for key in _CONTEXT_SECTIONS if key in sections}
    return EvalContext.from_template(plain, values)


def _get(node: Node, key: str) -> Node | None:
    """`node[key]`, else the first entry whose key matches it without case, as ARM matches
    property names."""
    entries = node.value
    if not isinstance(entries, dict):
        return None
    found: Node | None = entries.get(key)
    if found is None:
        folded = key.casefold()
        if folded in map(str.casefold, entries):  # most lookups miss (`condition`, `copy`): a C loop
            found = next(v for k, v in entries.items() if k.casefold() == folded)
    return found


def _declared(template: _Template) -> Iterator[tuple[str, Node]]:
    """(symbolic name or '', resource node) for an array or a 2.0 symbolic object."""
    resources = _get(template.root, "resources")
    if resources is None:
        return
    if isinstance(resources.value, list):
        yield from (("", item) for item in resources.value)
    elif isinstance(resources.value, dict):
        yield from resources.value.items()


def _resources(template: _Template) -> Iterator[Resource]:
    for symbol, node in _declared(template):
        yield from _resource(template, symbol, node, parent=None)
    yield from _outputs(template)


def _outputs(template: _Template) -> Iterator[Resource]:
    """Outputs are resources of type `output` (as in Terraform): what they refer to is used,
    and an output that is a resource ID (`resourceId(...)`) refers to that resource."""
    outputs = _get(template.root, "outputs")
    for name, node in outputs.value.items() if outputs is not None and isinstance(outputs.value, dict) else ():
        body = evaluate_node(node, template.ctx)
        value = _get(body, "value")
        if value is not None and not value.refs and isinstance(value.value, str) and "/providers/" in value.value:
            value.refs = (Ref(value.value, "id"),)
        resource = Resource("arm", "output", f"output.{name}", body, node.loc, "config", template.module_dir)
        resource.meta.update({"name": name, "instances": 1})
        yield resource


def _resource(template: _Template, symbol: str, node: Node, parent: Resource | None) -> Iterator[Resource]:
    if not isinstance(node.value, dict):
        return
    if _skipped(template, node):
        return
    body = evaluate_node(node, template.ctx)
    # Extension resources write their version into the type: `Microsoft.Graph/users@v1.0`.
    type_name = _text(_get(body, "type")).split("@", 1)[0]
    # Microsoft Graph resources are named by `uniqueName`: `${app.uniqueName}/fic` names a child.
    name = _text(_get(body, "name")) or _text(_get(body, "uniqueName"))
    if parent is not None and "." not in type_name.split("/", 1)[0]:
        type_name = f"{parent.type}/{type_name}"
        name = f"{parent.meta.get('name', '')}/{name}"
    if not type_name:
        return
    header = _header(node)
    _add_scope(body, template.scope, header)
    _add_parent(body, type_name, parent, header)
    _link_depends_on(body)
    address = symbol or resource_id(type_name, name)
    existing = _get(node, "existing")
    is_existing = existing is not None and existing.value is True
    resource = Resource(
        "arm", type_name, address, body, header, "data" if is_existing else "managed", template.module_dir
    )
    resource.meta.update(
        {"name": name, "aliases": _aliases(type_name, name, symbol), "instances": _instances(template, node)}
    )
    yield resource
    children = _get(node, "resources")
    if children is not None and isinstance(children.value, list):
        for child in children.value:
            yield from _resource(template, "", child, resource)
    if type_name.casefold() == "microsoft.resources/deployments" and template.depth < _MAX_NESTING:
        yield from _nested(template, body, node)


def _skipped(template: _Template, node: Node) -> bool:
    """A `condition` known to be false, or a `copy` loop known to run zero times."""
    condition = _get(node, "condition")
    if condition is not None and evaluate_node(condition, template.ctx).value is False:
        return True
    copy = _get(node, "copy")
    count = _get(copy, "count") if copy is not None else None
    return count is not None and evaluate_node(count, template.ctx).value == 0


def _instances(template: _Template, node: Node) -> int | None:
    """How many instances a `copy` loop makes (1 without one), None when unknown."""
    copy = _get(node, "copy")
    if copy is None:
        return 1
    count = _get(copy, "count")
    value = evaluate_node(count, template.ctx).value if count is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node.value, str):
        return node.value
    return node.text or ""


def _header(node: Node) -> Location:
    """Where a resource is reported when a rule names no attribute: the line of its `type`."""
    type_node = _get(node, "type")
    loc = (type_node or node).loc
    return Location(
        loc.path, loc.line, loc.column, loc.line, loc.end_column if loc.end_line == loc.line else loc.column + 1
    )


def resource_id(type_name: str, name: str) -> str:
    """`Microsoft.Web/sites/slots` + `app/staging` -> `Microsoft.Web/sites/app/slots/staging`."""
    namespace, _, types = type_name.partition("/")
    parts = [namespace]
    for kind, part in zip(types.split("/"), name.split("/"), strict=False):
        parts += [kind, part]
    return "/".join(parts)


def _aliases(type_name: str, name: str, symbol: str) -> list[str]:
    """Other ways expressions name this resource: its name, and `type/name` as in resource IDs."""
    names = [n for n in (name, f"{type_name}/{name}".casefold(), symbol) if n]
    return list(dict.fromkeys(names))


def _add_scope(body: Node, deployment_scope: str, header: Location) -> None:
    """The deployment scope when none is written; a written resource ID or `Type/name` scope
    (of an extension resource such as a role assignment) refers to that resource."""
    if not isinstance(body.value, dict):
        return
    written = _get(body, "scope")
    if written is not None:
        if isinstance(written.value, str) and not written.refs:
            written.refs = (Ref(written.value, "id"),)
        return
    value, refs = implicit_scope(deployment_scope)
    body.value["scope"] = Node(value, header, refs)


@functools.cache
def implicit_scope(deployment_scope: str) -> tuple[Unknown, tuple[Ref, ...]]:
    """Value and refs of the `scope` a resource gets when none is written, made once per scope
    (both are immutable, so every resource can share them)."""
    return Unknown(f"the deployment scope ({deployment_scope[1:]})"), (Ref(deployment_scope, "id"),)


def _add_parent(body: Node, type_name: str, parent: Resource | None, header: Location) -> None:
    """Give a child resource a `parent` that refers to its parent, as Bicep's `parent:` does:
    the resource it is nested in, else the one its name starts with (`uami/fic`)."""
    if not isinstance(body.value, dict) or _get(body, "parent") is not None or type_name.count("/") < 2:
        return
    refs: tuple[Ref, ...] = ()
    if parent is not None:
        refs = (Ref(parent.address, "id"),)
    else:
        name = _get(body, "name")
        text = name.value.partial if name is not None and isinstance(name.value, Unknown) else _text(name)
        parent_name = (text or "").rpartition("/")[0]
        if parent_name and PLACEHOLDER not in parent_name:
            refs = (Ref(resource_id(type_name.rpartition("/")[0], parent_name), "id"),)
        elif parent_name and name is not None:
            refs = name.all_refs()  # `format('{0}/ci', reference('app').uniqueName)`
    if refs:
        body.value["parent"] = Node(Unknown("the parent resource's id"), header, refs)


def _link_depends_on(body: Node) -> None:
    """`dependsOn` entries (resource IDs, names or symbolic names) refer to those resources."""
    depends = _get(body, "dependsOn")
    for item in depends.value if depends is not None and isinstance(depends.value, list) else ():
        if isinstance(item.value, str) and not item.refs:
            item.refs = (Ref(item.value, "id"),)


def _nested(template: _Template, body: Node, raw: Node) -> Iterator[Resource]:
    properties = _get(raw, "properties")
    inner = _get(properties, "template") if properties is not None else None
    if inner is None or not isinstance(inner.value, dict):
        return
    scope = next((ref for key, ref in _SCOPES.items() if key in schema_of(inner)), template.scope)
    options = _get(properties, "expressionEvaluationOptions") if properties is not None else None
    inner_scope = options is not None and _text(_get(options, "scope")).casefold() == "inner"
    # By default ARM evaluates a nested template's expressions in the outer template.
    ctx = _context(inner, _passed_parameters(body)) if inner_scope else template.ctx
    yield from _resources(_Template(inner, ctx, scope, template.module_dir, template.depth + 1))


def _passed_parameters(body: Node) -> dict[str, Any]:
    properties = _get(body, "properties")
    passed = _get(properties, "parameters") if properties is not None else None
    values: dict[str, Any] = {}
    if passed is not None and isinstance(passed.value, dict):
        for name, spec in passed.value.items():
            value = _get(spec, "value")
            if value is not None:
                values[name] = value.plain()
    return values


def metadata_suppressions(resources: list[Resource]) -> list[Comment]:
    """`"metadata": {"svclint": {"ignore": ["SVC012 -- reason"]}}` (JSON has no comments to
    spare) as suppression comments on the resource's first line."""
    found: list[Comment] = []
    for resource in resources:
        metadata = _get(resource.body, "metadata")
        svclint = _get(metadata, "svclint") if metadata is not None else None
        ignore = _get(svclint, "ignore") if svclint is not None else None
        entries = ignore.plain() if ignore is not None else None
        for entry in entries if isinstance(entries, list) else [entries] if isinstance(entries, str) else []:
            loc = resource.loc
            found.append(Comment(loc.line, loc.column, f"svclint:ignore {entry}", standalone=False))
    return found


_SECURE_TYPES = ("securestring", "secureobject")


def secure_parameters(template: Node, params: Node | None, module_dir: str) -> list[Resource]:
    """`parameter` resources for a template's secure parameters: the value a parameters file
    gives them (or the template's own default), located where it is written, so a rule can
    tell a literal secret from a Key Vault reference."""
    declared = _get(template, "parameters")
    given = _get(params, "parameters") if params is not None else None
    found: list[Resource] = []
    for name, spec in declared.value.items() if declared is not None and isinstance(declared.value, dict) else ():
        kind = _get(spec, "type")
        if kind is None or not isinstance(kind.value, str) or kind.value.casefold() not in _SECURE_TYPES:
            continue
        entry = _get(given, name) if given is not None else None
        body: dict[str, Node] = {"secure": Node(True, spec.loc)}
        for key, source in (("value", entry), ("reference", entry), ("defaultValue", spec)):
            found_node = _get(source, key) if source is not None else None
            if found_node is not None:
                body[key] = found_node
        loc = next((n.loc for k, n in body.items() if k != "secure"), spec.loc)
        resource = Resource("arm", "parameter", f"parameter.{name}", Node(body, loc), loc, "config", module_dir)
        resource.meta.update({"name": name, "instances": 1})
        found.append(resource)
    return found
