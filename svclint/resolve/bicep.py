"""Bicep files to `arm` dialect resources, the same shape ARM JSON templates give.

A resource body is its object literal evaluated: literals, parameters (defaults, or values from
a `.bicepparam` file or a module call), variables, string interpolation, ternaries and the ARM
function library (`svclint.arm_functions`). A resource symbol used in an expression (`fn.id`,
`uami.properties.principalId`) becomes an unknown that carries a `Ref` to that symbol, which
is how the graph links a role assignment to the identity it grants. Child resources get their
full type and name; `existing` resources are context (data), not targets; `if` conditions known
to be false drop a resource; local modules are followed with their parameters bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from svclint import arm_functions
from svclint.durations import format_timestamp
from svclint.model import PLACEHOLDER, Comment, Location, Node, Ref, Resource, Unknown, mark_standalone
from svclint.parsers import bicep_syntax as syn
from svclint.resolve.arm import _add_parent as _parent_from_name
from svclint.resolve.arm import implicit_scope, resource_id

_SCOPES = {"subscription": "@subscription", "managementgroup": "@managementGroup", "tenant": "@tenant"}
_SCOPE_FUNCTIONS = {
    "subscription": "@subscription",
    "resourcegroup": "@resourceGroup",
    "managementgroup": "@managementGroup",
    "tenant": "@tenant",
    "deployment": "@deployment",
    "environment": "@environment",
    "deployer": "@deployer",
}
_MAX_MODULE_DEPTH = 8


@dataclass
class Module:
    """One Bicep file being turned into resources, with the values of its parameters."""

    file: syn.BicepFile
    shown: str
    module_dir: str
    now: datetime
    values: dict[str, Node] = field(default_factory=dict)
    load: Callable[[Path], tuple[syn.BicepFile, str] | None] | None = None
    """Loads a module file; None for one that cannot be had (a missing module is Bicep's error:
    the loader says nothing about it)."""
    depth: int = 0
    symbols: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Node] = field(default_factory=dict)
    resolving: set[str] = field(default_factory=set)
    bound: dict[str, Node] = field(default_factory=dict)
    modules: dict[tuple[str, str], tuple[syn.BicepFile, str] | None] = field(default_factory=dict)
    """Module files loaded by this template and the modules it calls, by (caller, path)."""

    def loc(self, node: syn.Node) -> Location:
        return Location(self.shown, node.line, node.column, node.end_line, node.end_column)

    def first_line(self, node: syn.Node, width: int) -> Location:
        """The location of the first `width` columns of `node`'s first line."""
        return Location(self.shown, node.line, node.column, node.line, node.column + width)

    def binding(self, bound: dict[str, Node]) -> Module:
        """This module with loop variables bound; it shares every cache (as it always has)."""
        return Module(
            self.file,
            self.shown,
            self.module_dir,
            self.now,
            self.values,
            self.load,
            self.depth,
            self.symbols,
            self.cache,
            self.resolving,
            {**self.bound, **bound},
            self.modules,
        )


def comments(file: syn.BicepFile, shown: str, text: str) -> list[Comment]:
    found = []
    for comment in file.comments:
        body = comment.text
        body = body[2:-2] if body.startswith("/*") else body[2:] if body.startswith("//") else body.lstrip("#")
        found.append(Comment(comment.line, comment.column, body.strip()))
    return mark_standalone(found, text)


def build(module: Module) -> list[Resource]:
    """All resources of a Bicep file (and of the local modules it calls)."""
    for statement in module.file.statements:
        if isinstance(statement, (syn.Param, syn.Var, syn.Resource, syn.Module, syn.Output, syn.FuncDecl)):
            module.symbols[statement.name] = statement
    scope = _target_scope(module)
    resources: list[Resource] = []
    for statement in module.file.statements:
        if isinstance(statement, syn.Resource):
            resources.extend(_resources(module, statement, None, scope))
        elif isinstance(statement, syn.Module):
            resources.extend(_module_call(module, statement))
        elif isinstance(statement, syn.Output):
            resources.append(_output(module, statement))
        elif isinstance(statement, syn.Param) and statement.decorator("secure") is not None:
            resources.append(_secure_parameter(module, statement))
    return resources


def _secure_parameter(module: Module, statement: syn.Param) -> Resource:
    """A `@secure()` parameter as a `parameter` resource, like ARM's secure parameters: the
    value a `.bicepparam` file gives it (located there), else its default in the template."""
    body: dict[str, Node] = {"secure": Node(True, module.loc(statement))}
    given = module.values.get(statement.name)
    if given is not None:
        body["value"] = given
    elif statement.default is not None:
        body["defaultValue"] = evaluate(statement.default, module)
    loc = next((n.loc for k, n in body.items() if k != "secure"), module.loc(statement))
    resource = Resource(
        "arm", "parameter", f"parameter.{statement.name}", Node(body, loc), loc, "config", module.module_dir
    )
    resource.meta.update({"name": statement.name, "instances": 1})
    return resource


def _output(module: Module, statement: syn.Output) -> Resource:
    """Outputs are resources of type `output`, as in ARM JSON: what they refer to is used."""
    loc = module.loc(statement)
    body = Node({"value": evaluate(statement.value, module)}, loc)
    resource = Resource("arm", "output", f"output.{statement.name}", body, loc, "config", module.module_dir)
    resource.meta.update({"name": statement.name, "instances": 1})
    return resource


def _target_scope(module: Module) -> str:
    for statement in module.file.statements:
        if isinstance(statement, syn.TargetScope):
            value = _value(statement.value, module).value
            if isinstance(value, str):
                return _SCOPES.get(value.casefold(), "@resourceGroup")
    return "@resourceGroup"


# --- resources -------------------------------------------------------------------------------


def _bodies(module: Module, value: syn.Expr) -> Iterator[tuple[syn.ObjectLit, int | None, Module]]:
    """The object literal(s) of a resource or module value: plain, `if (...)`, or `[for ...]`.

    Yields the body, its instance count (None when unknown), and the module state to evaluate
    it in (a loop binds its variables).
    """
    if isinstance(value, syn.ObjectLit):
        yield value, 1, module
    elif isinstance(value, syn.IfExpr):
        condition = _value(value.condition, module).value
        if condition is not False:
            yield value.body, 1, module
    elif isinstance(value, syn.ForExpr):
        collection = _value(value.iterable, module)
        items = collection.value if isinstance(collection.value, list) else None
        if items == []:
            return
        loc = module.loc(value)
        unknown = Node(Unknown("one of several loop items"), loc, collection.all_refs())
        item = items[0] if items is not None and len(items) == 1 else unknown
        bound = {value.item: item}
        if value.index:
            bound[value.index] = Node(0, loc) if items is not None and len(items) == 1 else unknown
        inner = module.binding(bound)
        for body, _, state in _bodies(inner, value.body):
            yield body, (len(items) if items is not None else None), state


def _resources(module: Module, statement: syn.Resource, parent: Resource | None, scope: str) -> Iterator[Resource]:
    declared = _string(statement.type_string)
    type_name, _, _version = declared.partition("@")
    for literal, instances, state in _bodies(module, statement.value):
        body = _object(literal, state)
        parent_resource = parent or _parent(state, body)
        name = _name(body)
        if parent_resource is not None and "." not in type_name.split("/", 1)[0]:
            type_name = f"{parent_resource.type}/{type_name}"
        if parent_resource is not None:
            name = f"{parent_resource.meta.get('name', '')}/{name}"
        header = module.first_line(statement, len("resource"))
        if parent is not None and isinstance(body.value, dict) and "parent" not in body.value:
            # A nested child refers to its parent, as `parent: x` does (and ARM's nested resources).
            body.value["parent"] = Node(Unknown("the parent resource's id"), header, (Ref(parent.address, "id"),))
        # A top-level child named `'${uami.name}/fic'` (or `'${app.uniqueName}/fic'`) refers to
        # the parent its name starts with, as in ARM JSON.
        _parent_from_name(body, type_name, None, header)
        if not statement.existing:
            _add_scope(body, scope, header)
        _add_copy(body, statement, instances, header)
        resource = Resource(
            "arm",
            type_name,
            statement.name,
            body,
            header,
            mode="data" if statement.existing else "managed",
            module_dir=module.module_dir,
        )
        aliases = [name, f"{type_name}/{name}".casefold(), resource_id(type_name, name).casefold()]
        resource.meta.update({"name": name, "aliases": aliases, "instances": instances})
        yield resource
        for child in literal.resources:
            yield from _resources(state, child, resource, scope)


def _add_copy(body: Node, statement: syn.Resource, instances: int | None, header: Location) -> None:
    """A resource loop gets the `copy` it compiles to: its count, and serial with `@batchSize`."""
    if not isinstance(statement.value, syn.ForExpr) or not isinstance(body.value, dict):
        return
    count = Node(instances if instances is not None else Unknown("the loop's length is unknown"), header)
    copy = {"name": Node(statement.name, header), "count": count, "mode": Node("parallel", header)}
    batch = statement.decorator("batchSize")
    if batch is not None and len(batch.args) == 1 and isinstance(batch.args[0], syn.IntLit):
        copy.update(mode=Node("serial", header), batchSize=Node(batch.args[0].value, header))
    body.value["copy"] = Node(copy, header)


def _parent(module: Module, body: Node) -> Resource | None:
    """`parent: vault` names the parent resource; its type and name prefix the child's."""
    parent = body.value.get("parent") if isinstance(body.value, dict) else None
    if parent is None:
        return None
    for ref in parent.refs:
        statement = module.symbols.get(ref.address)
        if isinstance(statement, syn.Resource):
            for resource in _resources(module, statement, None, "@resourceGroup"):
                return resource
    return None


def _name(body: Node) -> str:
    found = body.value.get("name") if isinstance(body.value, dict) else None
    if found is None and isinstance(body.value, dict):
        found = body.value.get("uniqueName")  # Microsoft Graph resources are named by it
    if found is None:
        return ""
    if isinstance(found.value, str):
        return found.value
    return found.text or "<unknown name>"


def _add_scope(body: Node, deployment_scope: str, header: Location) -> None:
    if isinstance(body.value, dict) and "scope" not in body.value:
        value, refs = implicit_scope(deployment_scope)
        body.value["scope"] = Node(value, header, refs)


def _module_call(module: Module, statement: syn.Module) -> Iterator[Resource]:
    """Follow a local module: its resources, with the parameters this call passes."""
    path = _string(statement.path_string)
    if module.load is None or module.depth >= _MAX_MODULE_DEPTH or not path.casefold().endswith(".bicep"):
        return  # registry (br:), template-spec (ts:) and ARM JSON modules are not followed
    key = (module.shown, path)
    if key not in module.modules:  # a module is often called many times
        module.modules[key] = module.load(Path(module.shown).parent / path)
    loaded = module.modules[key]
    if loaded is None:
        return
    file, shown = loaded
    for literal, _, state in _bodies(module, statement.value):
        body = _object(literal, state)
        params = body.value.get("params") if isinstance(body.value, dict) else None
        values = dict(params.value) if params is not None and isinstance(params.value, dict) else {}
        inner = Module(
            file,
            shown,
            f"{shown}@{module.module_dir}:{statement.name}",
            module.now,
            values,
            module.load,
            module.depth + 1,
            modules=module.modules,
        )
        yield from build(inner)


# --- expressions -----------------------------------------------------------------------------


def _string(literal: syn.StringLit | None) -> str:
    if literal is None:
        return ""
    if literal.value is not None:
        return literal.value
    return "".join(p if isinstance(p, str) else "" for p in literal.parts)


def _object(literal: syn.ObjectLit, module: Module) -> Node:
    out: dict[str, Node] = {}
    for item in literal.items:
        if isinstance(item, syn.ObjectProperty):
            # An interpolated key (`'${uami.id}': {}`) refers to what it names: its refs go on the value.
            key_node = None if isinstance(item.key, str) else _value(item.key, module)
            key = item.key if key_node is None else key_node.value
            # Multi-line entries are reported on their first line.
            loc = module.loc(item) if item.end_line == item.line else module.first_line(item, len(str(key)))
            handler = _AT_ANY_LOC.get(type(item.value)) if key_node is None else None
            if handler is not None:
                entry = handler(item.value, module, loc)  # made at the entry's location directly
            else:
                value = evaluate(item.value, module)
                refs = value.refs if key_node is None else tuple(dict.fromkeys((*value.refs, *key_node.all_refs())))
                entry = Node(value.value, loc, refs, value.text)
            out[str(key) if not isinstance(key, Unknown) else PLACEHOLDER] = entry
        elif isinstance(item, syn.Spread):
            spread = _value(item.expr, module)
            if isinstance(spread.value, dict):
                out.update(spread.value)
    return Node(out, module.loc(literal))


def evaluate(expr: syn.Expr, module: Module) -> Node:
    """The value of a Bicep expression as a Node at the expression's position."""
    handler = _HANDLERS.get(type(expr))
    loc = module.loc(expr)
    if handler is None:
        return Node(Unknown(f"{type(expr).__name__} is not evaluated"), loc)
    return handler(expr, module, loc)


_NOWHERE = Location("", 0, 0, 0, 0)


def _value(expr: syn.Expr, module: Module) -> Node:
    """The value of an expression whose own location the caller does not use (an operand, a
    function argument, a variable's value): most expressions then need no Location made.

    Only handlers that put `loc` on the Node they return, and nowhere inside it, are given a
    placeholder; the others (calls, whose results carry it inside, and those that return an
    operand's Node) are evaluated as usual.
    """
    handler = _AT_ANY_LOC.get(type(expr))
    if handler is None:
        return evaluate(expr, module)
    return handler(expr, module, _NOWHERE)


def _unknown(reason: str, loc: Location, *inputs: Node, partial: str | None = None) -> Node:
    refs = tuple(dict.fromkeys(r for n in inputs for r in n.all_refs()))
    return Node(Unknown(reason, partial), loc, refs)


def _identifier(expr: syn.Identifier, module: Module, loc: Location) -> Node:
    name = expr.name
    if name in module.bound:
        found = module.bound[name]
        return Node(found.value, loc, found.refs, name)
    statement = module.symbols.get(name)
    if isinstance(statement, syn.Param):
        return _param(statement, module, loc)
    if isinstance(statement, syn.Var):
        value = statement.value
        return _cached(name, lambda: _value(value, module), module, loc)
    if isinstance(statement, (syn.Resource, syn.Module)):
        # A bare symbol stands for the resource's id wherever an id is expected (scope, parent).
        return Node(Unknown(f"{name} is a resource"), loc, (Ref(name, "id"),), name)
    return Node(Unknown(f"{name} is not known before deployment"), loc, text=name)


def _param(statement: syn.Param, module: Module, loc: Location) -> Node:
    if statement.name in module.values:
        given = module.values[statement.name]
        return Node(given.value, loc, given.refs, statement.name)
    expression = statement.default
    if expression is None:
        return Node(Unknown(f"parameter '{statement.name}' has no value"), loc, text=statement.name)
    default = _cached(f"param:{statement.name}", lambda: _value(expression, module), module, loc)
    return Node(default.value, loc, default.refs, statement.name)


def _cached(key: str, compute: Callable[[], Node], module: Module, loc: Location) -> Node:
    if key in module.cache:
        found = module.cache[key]
        return Node(found.value, loc, found.refs, found.text)
    if key in module.resolving:
        return Node(Unknown(f"'{key}' refers to itself"), loc)
    module.resolving.add(key)
    try:
        value = compute()
    finally:
        module.resolving.discard(key)
    module.cache[key] = value
    return Node(value.value, loc, value.refs, value.text)


def _string_lit(expr: syn.StringLit, module: Module, loc: Location) -> Node:
    if expr.value is not None:
        return Node(expr.value, loc)
    pieces: list[str] = []
    inputs: list[Node] = []
    for part in expr.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        node = _value(part, module)
        inputs.append(node)
        pieces.append(arm_functions.to_text(node.value) if _known(node) else PLACEHOLDER)
    text = "".join(pieces)
    if PLACEHOLDER in text:
        return _unknown("interpolation of an unknown value", loc, *inputs, partial=text)
    return Node(text, loc, tuple(dict.fromkeys(r for n in inputs for r in n.all_refs())))


def _known(node: Node) -> bool:
    return arm_functions.first_unknown(node.plain()) is None and not isinstance(node.value, (dict, list))


def _literal(expr: syn.IntLit | syn.BoolLit | syn.NullLit, module: Module, loc: Location) -> Node:
    return Node(None if isinstance(expr, syn.NullLit) else expr.value, loc)


def _array(expr: syn.ArrayLit, module: Module, loc: Location) -> Node:
    items: list[Node] = []
    for item in expr.items:
        if isinstance(item, syn.Spread):
            spread = evaluate(item.expr, module)
            if isinstance(spread.value, list):
                items.extend(spread.value)
            else:
                items.append(spread)
        else:
            items.append(evaluate(item, module))
    return Node(items, loc)


def _object_expr(expr: syn.ObjectLit, module: Module, loc: Location) -> Node:
    return _object(expr, module)


def _access(expr: syn.PropertyAccess, module: Module, loc: Location) -> Node:
    path, root = _access_path(expr)
    if isinstance(root, syn.Identifier) and root.name not in module.bound:
        statement = module.symbols.get(root.name)
        if isinstance(statement, (syn.Resource, syn.Module)):
            return _symbol_property(root.name, statement, path, module, loc)
    if isinstance(root, syn.Call) and root.target is None and root.name.casefold() in _SCOPE_FUNCTIONS:
        ref = Ref(_SCOPE_FUNCTIONS[root.name.casefold()], ".".join(path))
        return Node(Unknown(f"{root.name}() is known at deployment"), loc, (ref,), root.name)
    base = _value(expr.obj, module)
    return _member(base, expr.name, loc)


def _access_path(expr: syn.Expr) -> tuple[list[str], syn.Expr]:
    path: list[str] = []
    while isinstance(expr, (syn.PropertyAccess, syn.NonNull)):
        if isinstance(expr, syn.PropertyAccess):
            path.insert(0, expr.name)
            expr = expr.obj
        else:
            expr = expr.expr
    return path, expr


def _symbol_property(
    name: str, statement: syn.Resource | syn.Module, path: list[str], module: Module, loc: Location
) -> Node:
    """`fn.name` is known when the body says it; `fn.identity.principalId` is a reference."""
    ref = Ref(name, ".".join(path))
    if path == ["name"] and isinstance(statement.value, syn.ObjectLit):
        literal = statement.value.get("name")
        if literal is not None:
            value = _value(literal, module)
            return Node(value.value, loc, (ref, *value.refs), f"{name}.name")
    return Node(Unknown(f"{name}.{'.'.join(path)} is known at deployment"), loc, (ref,), f"{name}.{'.'.join(path)}")


def _member(base: Node, key: Any, loc: Location) -> Node:
    value = base.value
    if isinstance(value, dict) and isinstance(key, str):
        found = value.get(key)
        if found is None:
            folded = key.casefold()
            found = next((v for k, v in value.items() if k.casefold() == folded), None)
        if found is not None:
            return Node(found.value, loc, (*base.refs, *found.refs), found.text)
    if isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
        found = value[key]
        return Node(found.value, loc, (*base.refs, *found.refs), found.text)
    return _unknown(f"no member {key!r}", loc, base)


def _index(expr: syn.IndexAccess, module: Module, loc: Location) -> Node:
    base = _value(expr.obj, module)
    index = _value(expr.index, module)
    if isinstance(index.value, Unknown):
        return _unknown("index is unknown", loc, base, index)
    key = index.value
    if expr.from_end and isinstance(key, int) and isinstance(base.value, list):
        key = len(base.value) - key
    return _member(base, key, loc)


def _call(expr: syn.Call, module: Module, loc: Location) -> Node:
    name = expr.name.casefold()
    namespace = expr.namespace.casefold() if expr.namespace else ""
    if namespace not in ("", "az", "sys"):
        return Node(Unknown(f"{expr.namespace}.{expr.name}() is not evaluated"), loc)
    if name in _SCOPE_FUNCTIONS:
        ref = Ref(_SCOPE_FUNCTIONS[name], "id")
        return Node(Unknown(f"{expr.name}() is known at deployment"), loc, (ref,), f"{expr.name}()")
    if name == "utcnow":  # only legal in parameter defaults: the deployment time, i.e. now
        return Node(format_timestamp(module.now), loc)
    if name == "getsecret":
        return Node(Unknown("a Key Vault secret reference"), loc, text="getSecret()")
    args = [_value(a, module) for a in expr.args]
    result = arm_functions.call(expr.name, [a.plain() for a in args])
    refs = tuple(dict.fromkeys(r for a in args for r in a.all_refs()))
    return _to_node(result, loc, refs)


def _to_node(value: Any, loc: Location, refs: tuple[Ref, ...]) -> Node:
    if isinstance(value, dict):
        return Node({k: _to_node(v, loc, ()) for k, v in value.items()}, loc, refs)
    if isinstance(value, list):
        return Node([_to_node(v, loc, ()) for v in value], loc, refs)
    return Node(value, loc, refs)


def _unary(expr: syn.Unary, module: Module, loc: Location) -> Node:
    operand = _value(expr.operand, module)
    value = operand.value
    if expr.op == "!" and isinstance(value, bool):
        return Node(not value, loc, operand.refs)
    if expr.op == "-" and isinstance(value, int) and not isinstance(value, bool):
        return Node(-value, loc, operand.refs)
    return _unknown(f"cannot evaluate {expr.op!r}", loc, operand)


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "=~": lambda a, b: str(a).casefold() == str(b).casefold(),
    "!~": lambda a, b: str(a).casefold() != str(b).casefold(),
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a // b,
    "%": lambda a, b: a % b,
}


def _binary(expr: syn.Binary, module: Module, loc: Location) -> Node:
    if expr.op == "??":  # the result is an operand's own Node
        left = evaluate(expr.left, module)
        return evaluate(expr.right, module) if left.value is None else left
    left = _value(expr.left, module)
    if expr.op in ("&&", "||") and isinstance(left.value, bool) and left.value == (expr.op == "||"):
        return Node(left.value, loc, left.refs)  # short-circuit
    right = _value(expr.right, module)
    if expr.op in ("&&", "||"):
        if isinstance(right.value, bool) and isinstance(left.value, bool):
            return Node(right.value, loc, (*left.refs, *right.refs))
        return _unknown("operand is unknown", loc, left, right)
    if arm_functions.first_unknown(left.plain()) or arm_functions.first_unknown(right.plain()):
        return _unknown("operand is unknown", loc, left, right)
    try:
        return Node(_COMPARE[expr.op](left.plain(), right.plain()), loc, (*left.refs, *right.refs))
    except (KeyError, TypeError, ZeroDivisionError):
        return _unknown(f"cannot evaluate {expr.op!r}", loc, left, right)


def _ternary(expr: syn.Ternary, module: Module, loc: Location) -> Node:
    condition = _value(expr.condition, module)
    if isinstance(condition.value, bool):
        return evaluate(expr.if_true if condition.value else expr.if_false, module)
    return _unknown("condition is unknown", loc, condition, _value(expr.if_true, module), _value(expr.if_false, module))


def _inner(expr: syn.Parenthesized | syn.NonNull, module: Module, loc: Location) -> Node:
    return evaluate(expr.expr, module)


def _for(expr: syn.ForExpr, module: Module, loc: Location) -> Node:
    collection = _value(expr.iterable, module)
    return _unknown("loop results are not evaluated", loc, collection)


Handler = Callable[[Any, Module, Location], Node]
_HANDLERS: dict[type, Handler] = {
    syn.Identifier: _identifier,
    syn.StringLit: _string_lit,
    syn.IntLit: _literal,
    syn.BoolLit: _literal,
    syn.NullLit: _literal,
    syn.ArrayLit: _array,
    syn.ObjectLit: _object_expr,
    syn.PropertyAccess: _access,
    syn.IndexAccess: _index,
    syn.Call: _call,
    syn.Unary: _unary,
    syn.Binary: _binary,
    syn.Ternary: _ternary,
    syn.Parenthesized: _inner,
    syn.NonNull: _inner,
    syn.ForExpr: _for,
}
_AT_ANY_LOC: dict[type, Handler] = {
    kind: _HANDLERS[kind]
    for kind in (
        syn.Identifier,
        syn.StringLit,
        syn.IntLit,
        syn.BoolLit,
        syn.NullLit,
        syn.ArrayLit,
        syn.PropertyAccess,
        syn.IndexAccess,
        syn.Unary,
        syn.ForExpr,
    )
}
"""Handlers that put their `loc` only on the Node they return (not on Nodes inside it, as a
call's result does, nor returning an operand's own Node, as `??`, `?:` and `(...)` do): these
can be given the location the caller will use, or none."""
