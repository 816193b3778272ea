"""Evaluate Terraform expressions to `Node`s: known where the module says enough, else unknown.

What is knowable: literals, variables (tfvars, defaults), locals, `each`/`count` when bound,
interpolation and conditionals over known parts, the functions in `tf_functions`, and plain
arguments of other resources in the module (`azurerm_resource_group.rg.name`). Everything else
(computed attributes, module outputs, `file()`) is an `Unknown` that still carries the
references it was built from, which is how the resource graph is formed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from svclint.durations import format_timestamp
from svclint.model import PLACEHOLDER, Location, Node, Ref, Unknown
from svclint.parsers.hcl_syntax import (
    BinaryOp,
    Call,
    Conditional,
    Expr,
    Lit,
    ObjectExpr,
    Opaque,
    Postfix,
    Template,
    Traversal,
    TupleExpr,
    UnaryOp,
    sub_expressions,
)
from svclint.resolve.tf_functions import SCALAR, STRUCTURAL, FunctionError, to_node

_NON_RESOURCE_ROOTS = {"var", "local", "each", "count", "path", "terraform", "self"}
# Resources whose timestamp attribute is the apply time: lifetimes built on them are relative
# to "now", like timestamp().
_APPLY_TIME = {
    ("time_rotating", "rfc3339"),
    ("time_static", "rfc3339"),
    ("time_offset", "base_rfc3339"),
}


@dataclass
class Scope:
    """Everything a module-level expression can name."""

    variables: dict[str, Node]
    locals: dict[str, Expr]
    now: datetime
    resource_args: Callable[[str, str], Node | None] = lambda address, name: None
    bound: dict[str, Node] = field(default_factory=dict)
    _local_cache: dict[str, Node] = field(default_factory=dict)
    _in_progress: set[str] = field(default_factory=set)

    def with_bound(self, **names: Node) -> Scope:
        """A scope where `each`, `count` or a dynamic block iterator are bound."""
        child = replace(self, bound={**self.bound, **names})
        child._local_cache = self._local_cache
        child._in_progress = self._in_progress
        return child

    def local(self, name: str, loc: Location) -> Node:
        if name in self._local_cache:
            return self._local_cache[name]
        expr = self.locals.get(name)
        if expr is None:
            return Node(Unknown(f"local.{name} is not declared"), loc)
        if name in self._in_progress:
            return Node(Unknown(f"local.{name} refers to itself"), loc)
        self._in_progress.add(name)
        try:
            value = evaluate(expr, replace(self, bound={}))
        finally:
            self._in_progress.discard(name)
        self._local_cache[name] = value
        return value


def evaluate(expr: Expr, scope: Scope) -> Node:
    """The value of `expr` as a Node located at the expression."""
    handler = _HANDLERS[type(expr)]
    return handler(expr, scope)


def unknown(reason: str, loc: Location, *inputs: Node, refs: tuple[Ref, ...] = ()) -> Node:
    """An unknown result that keeps every reference its inputs carried."""
    collected = list(refs)
    for node in inputs:
        collected.extend(node.all_refs())
    return Node(Unknown(reason), loc, tuple(dict.fromkeys(collected)))


def is_fully_known(node: Node) -> bool:
    value = node.value
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_fully_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_fully_known(v) for v in value)
    return True


def relocate(node: Node, loc: Location, text: str = "") -> Node:
    """The same value reported at `loc` (a variable's value is reported where it is used)."""
    value = node.value
    if isinstance(value, dict):
        value = {k: relocate(v, loc) for k, v in value.items()}
    elif isinstance(value, list):
        value = [relocate(v, loc) for v in value]
    return Node(value, loc, node.refs, text or node.text)


def _lit(expr: Lit, scope: Scope) -> Node:
    return Node(expr.value, expr.loc)


def _template(expr: Template, scope: Scope) -> Node:
    pieces: list[str] = []
    inputs: list[Node] = []
    known = True
    for part in expr.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        node = evaluate(part, scope)
        inputs.append(node)
        if not is_fully_known(node) or isinstance(node.value, (dict, list)) or node.value is None:
            known = False
            pieces.append(PLACEHOLDER)
        else:
            pieces.append(_to_text(node.value))
    refs = tuple(dict.fromkeys(r for n in inputs for r in n.all_refs()))
    if not known:
        return Node(Unknown("interpolation of an unknown value", "".join(pieces)), expr.loc, refs)
    return Node("".join(pieces), expr.loc, refs)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def traversal_text(expr: Traversal) -> str:
    out = expr.root
    for step in expr.steps:
        if isinstance(step, str):
            out += "[*]" if step == "*" else f".{step}"
        elif isinstance(step, int):
            out += f"[{step}]"
        else:
            out += "[...]"
    return out


def _traversal(expr: Traversal, scope: Scope) -> Node:
    text = traversal_text(expr)
    root, steps = expr.root, expr.steps
    if root in scope.bound:
        return _walk(relocate(scope.bound[root], expr.loc, text), steps, scope, expr.loc)
    if root == "var" and steps and isinstance(steps[0], str):
        name = steps[0]
        found = scope.variables.get(name)
        base = (
            Node(Unknown(f"var.{name} is not declared"), expr.loc) if found is None else relocate(found, expr.loc, text)
        )
        return _walk(base, steps[1:], scope, expr.loc)
    if root == "local" and steps and isinstance(steps[0], str):
        base = relocate(scope.local(steps[0], expr.loc), expr.loc, text)
        return _walk(base, steps[1:], scope, expr.loc)
    if not _names_resource(root):
        return Node(Unknown(f"{text} is not known before apply"), expr.loc, text=text)
    return _resource_reference(expr, scope, text)


def _names_resource(root: str) -> bool:
    """Resource types always carry a provider prefix (`azurerm_`); loop variables do not."""
    return root in ("data", "module") or ("_" in root and root not in _NON_RESOURCE_ROOTS)


def _resource_reference(expr: Traversal, scope: Scope, text: str) -> Node:
    steps = list(expr.steps)
    prefix = [expr.root]
    # `data.TYPE.NAME`, `module.NAME`, `TYPE.NAME`: how many name steps form the address.
    names = {"data": 2, "module": 1}.get(expr.root, 1)
    for _ in range(names):
        first = steps.pop(0) if steps else None
        if not isinstance(first, str):
            return Node(Unknown(f"{text} is not known before apply"), expr.loc, text=text)
        prefix.append(first)
    # An instance key right after the name (`x[0]`, `x["a"]`) belongs to the address, not the path.
    while steps and not (isinstance(steps[0], str) and steps[0] != "*"):
        steps.pop(0)
    address = ".".join(prefix)
    attribute = _path_text(steps, scope)
    ref = Ref(address, attribute)
    if len(prefix) >= 2 and (prefix[-2], attribute) in _APPLY_TIME:
        return Node(format_timestamp(scope.now), expr.loc, (ref,), text)
    if steps and isinstance(steps[0], str) and steps[0] != "*":
        known = scope.resource_args(address, steps[0])
        if known is not None and is_fully_known(known):
            walked = _walk(relocate(known, expr.loc, text), tuple(steps[1:]), scope, expr.loc)
            return Node(walked.value, expr.loc, (ref, *walked.refs), text)
    return Node(Unknown(f"{text} is known only after apply"), expr.loc, (ref,), text)


def _path_text(steps: list[str | int | Expr], scope: Scope) -> str:
    """A reference's attribute path; a known map key stays readable: `app_role_ids["X.All"]`."""
    out = ""
    for step in steps:
        key = evaluate(step, scope).value if not isinstance(step, (str, int)) else None
        if isinstance(key, str):
            out += f'["{key}"]'
        else:
            out += ("." if out else "") + (str(step) if isinstance(step, (str, int)) else "?")
    return out


def _walk(node: Node, steps: tuple[str | int | Expr, ...], scope: Scope, loc: Location) -> Node:
    for step in steps:
        if isinstance(node.value, Unknown):
            return node
        key: Any = step
        if not isinstance(step, (str, int)):
            index = evaluate(step, scope)
            if not is_fully_known(index):
                return unknown("index is unknown", loc, node, index)
            key = index.value
        if key == "*":
            return node if isinstance(node.value, list) else Node([node], loc, node.refs, node.text)
        child = _child(node, key, scope, loc)
        if child is None:
            return Node(Unknown(f"no element {key!r}"), loc, node.refs, node.text)
        node = child
    return node


def _child(node: Node, key: Any, scope: Scope, loc: Location) -> Node | None:
    value = node.value
    if isinstance(value, dict):
        found: Node | None = value.get(key) if isinstance(key, str) else None
        return found
    if not isinstance(value, list):
        return None
    if isinstance(key, int) and -len(value) <= key < len(value):
        return value[key]
    if isinstance(key, str):  # a name after a list (splat result) maps over the elements
        return Node([_walk(item, (key,), scope, loc) for item in value], loc)
    return None


def _postfix(expr: Postfix, scope: Scope) -> Node:
    return _walk(evaluate(expr.base, scope), expr.steps, scope, expr.loc)


def _call(expr: Call, scope: Scope) -> Node:
    name = expr.name.rsplit("::", 1)[-1] if expr.name.startswith("provider::") else expr.name
    if name == "timestamp":
        return Node(format_timestamp(scope.now), expr.loc)
    if name in ("try", "coalesce"):
        return _first_usable(expr, scope, name)
    if name == "can":
        args = [evaluate(a, scope) for a in expr.args]
        return unknown("can() is not evaluated", expr.loc, *args)
    args = [evaluate(a, scope) for a in expr.args]
    if expr.expand_last and args:
        last = args.pop()
        if not isinstance(last.value, list):
            return unknown("expanded argument is unknown", expr.loc, last, *args)
        args.extend(last.value)
    try:
        return _apply(name, args, expr.loc)
    except (FunctionError, KeyError, ValueError, TypeError, IndexError, ZeroDivisionError):
        return unknown(f"{name}() could not be evaluated", expr.loc, *args)


def _apply(name: str, args: list[Node], loc: Location) -> Node:
    refs = tuple(r for a in args for r in a.all_refs())
    structural = STRUCTURAL.get(name)
    if structural is not None:
        if any(isinstance(a.value, Unknown) for a in args):
            return unknown(f"argument of {name}() is unknown", loc, *args)
        result = structural(args, loc)
        return Node(result.value, result.loc, tuple(dict.fromkeys((*result.refs, *refs))), result.text)
    scalar = SCALAR.get(name)
    if scalar is None:
        return unknown(f"{name}() is not evaluated by svclint", loc, *args)
    if not all(is_fully_known(a) for a in args):
        return unknown(f"argument of {name}() is unknown", loc, *args)
    result_node = to_node(scalar(*(a.plain() for a in args)), loc)
    return Node(result_node.value, loc, refs)


def _first_usable(expr: Call, scope: Scope, name: str) -> Node:
    seen: list[Node] = []
    for arg in expr.args:
        node = evaluate(arg, scope)
        seen.append(node)
        if isinstance(node.value, Unknown):
            if name == "try" and node.value.reason.startswith("no element"):
                continue  # try() exists to absorb exactly this
            return unknown(f"{name}() argument is unknown", expr.loc, *seen)
        if name == "coalesce" and node.value in (None, ""):
            continue
        return node
    return unknown(f"{name}() has no usable argument", expr.loc, *seen)


def _conditional(expr: Conditional, scope: Scope) -> Node:
    cond = evaluate(expr.cond, scope)
    if isinstance(cond.value, bool):
        return evaluate(expr.then if cond.value else expr.other, scope)
    then, other = evaluate(expr.then, scope), evaluate(expr.other, scope)
    return unknown("condition is unknown", expr.loc, cond, then, other)


def _tuple(expr: TupleExpr, scope: Scope) -> Node:
    return Node([evaluate(item, scope) for item in expr.items], expr.loc)


def _object(expr: ObjectExpr, scope: Scope) -> Node:
    out: dict[str, Node] = {}
    for item in expr.items:
        key = evaluate(item.key, scope)
        value = evaluate(item.value, scope)
        if not isinstance(key.value, (str, int, float, bool)):
            return unknown("object key is unknown", expr.loc, key, value)
        # The entry is reported at its `key = value` span so findings can name the setting.
        out[_to_text(key.value)] = Node(value.value, item.key_loc, value.refs, value.text)
    return Node(out, expr.loc)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
}


def _binary(expr: BinaryOp, scope: Scope) -> Node:
    left = evaluate(expr.left, scope)
    if expr.op in ("&&", "||") and isinstance(left.value, bool):
        # Short-circuit: `false && x` and `true || x` are known whatever x is.
        if left.value == (expr.op == "||"):
            return Node(left.value, expr.loc, left.refs)
        right = evaluate(expr.right, scope)
        if isinstance(right.value, bool):
            return Node(right.value, expr.loc, (*left.refs, *right.refs))
        return unknown("operand is unknown", expr.loc, left, right)
    right = evaluate(expr.right, scope)
    if not (is_fully_known(left) and is_fully_known(right)):
        return unknown("operand is unknown", expr.loc, left, right)
    try:
        value = _BINARY[expr.op](left.plain(), right.plain())
    except (KeyError, TypeError, ZeroDivisionError):
        return unknown(f"cannot evaluate {expr.op!r}", expr.loc, left, right)
    return Node(value, expr.loc, (*left.refs, *right.refs))


def _unary(expr: UnaryOp, scope: Scope) -> Node:
    operand = evaluate(expr.operand, scope)
    value = operand.value
    if expr.op == "!" and isinstance(value, bool):
        return Node(not value, expr.loc, operand.refs)
    if expr.op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Node(-value, expr.loc, operand.refs)
    return unknown(f"cannot evaluate {expr.op!r}", expr.loc, operand)


def _opaque(expr: Opaque, scope: Scope) -> Node:
    refs = collect_refs(expr, scope)
    return Node(Unknown(f"{expr.what} is not evaluated"), expr.loc, refs)


def collect_refs(expr: Expr, scope: Scope) -> tuple[Ref, ...]:
    """References anywhere inside `expr`, without evaluating it (loop bodies and the like)."""
    found: list[Ref] = []
    stack: list[Expr] = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, Traversal) and _names_resource(item.root) and item.root not in scope.bound:
            found.extend(_resource_reference(item, scope, traversal_text(item)).refs)
        stack.extend(sub_expressions(item))
    return tuple(dict.fromkeys(found))


_HANDLERS: dict[type, Callable[[Any, Scope], Node]] = {
    Lit: _lit,
    Template: _template,
    Traversal: _traversal,
    Postfix: _postfix,
    Call: _call,
    Conditional: _conditional,
    TupleExpr: _tuple,
    ObjectExpr: _object,
    BinaryOp: _binary,
    UnaryOp: _unary,
    Opaque: _opaque,
}
