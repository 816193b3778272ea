"""ARM template expressions: parse `[...]` strings and evaluate them to plain values.

A JSON string is an expression when it starts with `[` and ends with `]`; a leading `[[`
escapes a literal `[`. Names of functions, parameters, variables and object properties are
case-insensitive, as in ARM.

Evaluation yields plain Python data or an `Unknown`. Values only known at deploy time keep
where they come from as a `RefUnknown` (an `Unknown` carrying a `Ref`), and every `Ref` that
an expression uses is also collected:

* `reference(x)` and `reference(x, api)` read a resource's *properties*, so their attribute
  path starts with `properties` (`reference(x).principalId` → `properties.principalId`);
  `reference(x, api, 'full').identity.principalId` gives `identity.principalId`.
* `listKeys(x, api).keys[0].value` gives attribute `listKeys().keys[0].value`.
* The address is `x` evaluated: a resource ID string (see `svclint.arm_functions` for the
  placeholders of unknown scopes), a symbolic or resource name (`reference('site')`), or, when
  `x` is itself unknown, the expression text of `x`.
* Scope functions give the addresses `@subscription`, `@resourceGroup`, `@managementGroup`,
  `@tenant`, `@deployment`, `@environment` and `@deployer`: `subscription().id` evaluates to a
  `RefUnknown` with `Ref("@subscription", "id")`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cmp_to_key
from typing import Any

from svclint import arm_functions
from svclint.arm_functions import (
    FunctionError,
    RefUnknown,
    ci_get,
    format_datetime,
)
from svclint.model import Location, Node, Ref, Unknown

__all__ = [
    "Access",
    "ArmExpressionError",
    "Call",
    "Constant",
    "EvalContext",
    "Expr",
    "UserFunction",
    "evaluate",
    "evaluate_node",
    "evaluate_refs",
    "evaluate_value",
    "is_expression",
    "parse_expression",
]


class ArmExpressionError(Exception):
    """Bad expression syntax at a character offset of the expression string."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return f"{self.message} at offset {self.offset}"


# --- syntax tree ----------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*\Z")


@dataclass(frozen=True, slots=True)
class Constant:
    """A string, number or boolean/null literal."""

    value: str | int | float | bool | None

    def __str__(self) -> str:
        if isinstance(self.value, str):
            return "'" + self.value.replace("'", "''") + "'"
        return json.dumps(self.value)


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; `name` as written (it may be `namespace.function`)."""

    name: str
    args: tuple[Expr, ...]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.args))})"


@dataclass(frozen=True, slots=True)
class Access:
    """Property access `.name` (a string Constant key) or indexing `[key]`."""

    target: Expr
    key: Expr

    def __str__(self) -> str:
        key = self.key
        if isinstance(key, Constant) and isinstance(key.value, str) and _IDENTIFIER.match(key.value):
            return f"{self.target}.{key.value}"
        return f"{self.target}[{key}]"


Expr = Constant | Call | Access


def is_expression(text: str) -> bool:
    """Whether an ARM JSON string is an expression (`[...]` but not the `[[` escape)."""
    return len(text) >= 2 and text[0] == "[" and text[-1] == "]" and text[1] != "["


def _literal_text(text: str) -> str:
    """A non-expression string's value: `[[...]` loses the escaping bracket."""
    return text[1:] if text.startswith("[[") and text.endswith("]") else text


# --- parser ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
      '((?:[^']|'')*)'            # 1 string
    | (-?\d+(?:\.\d+)?)(?![\w.])  # 2 number
    | ([A-Za-z_$][\w$]*)          # 3 identifier
    | ([().\[\],])                # 4 punctuation
    | (\S)                        # 5 anything else
    )""",
    re.VERBOSE,
)
_STRING, _NUMBER, _NAME, _PUNCT, _OTHER = range(1, 6)
_END = 0
_MAX_DEPTH = 100
_BARE_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


@functools.lru_cache(maxsize=65536)
def parse_expression(text: str) -> Expr:
    """Parse an expression, with or without its surrounding `[` `]`."""
    if is_expression(text):
        return _Parser(text[1:-1], 1).parse()
    return _Parser(text, 0).parse()


class _Parser:
    def __init__(self, text: str, base: int) -> None:
        self.tokens: list[tuple[int, str, int]] = []  # (kind, text, offset in the full string)
        for match in _TOKEN.finditer(text):
            kind = match.lastindex or _OTHER
            if kind == _OTHER:
                bad = match.group(kind)
                what = "unterminated string" if bad == "'" else f"unexpected character {bad!r}"
                raise ArmExpressionError(what, base + match.start(kind))
            self.tokens.append((kind, match.group(kind), base + match.start(kind)))
        self.tokens.append((_END, "", base + len(text)))
        self.last = len(self.tokens) - 1
        self.index = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> tuple[int, str, int]:
        index = self.index + offset
        return self.tokens[index if index < self.last else self.last]

    def next(self) -> tuple[int, str, int]:
        index = self.index
        self.index = index + 1
        return self.tokens[index if index < self.last else self.last]

    def at(self, punct: str) -> bool:
        index = self.index
        kind, text, _ = self.tokens[index if index < self.last else self.last]
        return kind == _PUNCT and text == punct

    def expect(self, punct: str, context: str) -> None:
        kind, text, offset = self.next()
        if kind != _PUNCT or text != punct:
            found = repr(text) if text else "end of expression"
            raise ArmExpressionError(f"expected '{punct}' {context}, found {found}", offset)

    def parse(self) -> Expr:
        if self.peek()[0] == _END:
            raise ArmExpressionError("empty expression", self.peek()[2])
        expr = self.expression()
        kind, text, offset = self.peek()
        if kind != _END:
            raise ArmExpressionError(f"unexpected {text!r} after the expression", offset)
        return expr

    def expression(self) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ArmExpressionError("expression nested too deep", self.peek()[2])
        expr = self.primary()
        while True:
            if self.at("."):
                self.index += 1
                kind, name, offset = self.next()
                if kind != _NAME:
                    raise ArmExpressionError("expected a property name after '.'", offset)
                expr = Access(expr, Constant(name))
            elif self.at("["):
                self.index += 1
                expr = Access(expr, self.expression())
                self.expect("]", "to close the index")
            else:
                break
        self.depth -= 1
        return expr

    def primary(self) -> Expr:
        kind, text, offset = self.next()
        if kind == _STRING:
            return Constant(text.replace("''", "'"))
        if kind == _NUMBER:
            return Constant(float(text) if "." in text else int(text))
        if kind != _NAME:
            found = repr(text) if text else "end of expression"
            raise ArmExpressionError(f"expected a value, found {found}", offset)
        name = text
        # User-defined functions are called as `namespace.name(...)`.
        while self.at(".") and self.peek(1)[0] == _NAME and self.peek(2)[1] == "(":
            name += "." + self.peek(1)[1]
            self.index += 2
        if not self.at("("):
            if name.lower() in _BARE_LITERALS:
                return Constant(_BARE_LITERALS[name.lower()])
            raise ArmExpressionError(f"expected '(' after function name {name!r}", offset)
        self.index += 1
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.expression())
            while self.at(","):
                self.index += 1
                args.append(self.expression())
        self.expect(")", f"to close the arguments of {name}()")
        return Call(name, tuple(args))


# --- evaluation context ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserFunction:
    """A template-defined function: its parameter names and its raw output value."""

    parameters: tuple[str, ...]
    output: Any


@dataclass
class EvalContext:
    """What expressions can see. Names are matched case-insensitively.

    `parameters` hold final values, used as given. `parameter_defaults` and `variables` hold
    raw template JSON, evaluated on first use (and cached): a cycle gives an Unknown.
    `copy_index` maps a copy loop's name (None for the innermost loop) to its index. `refs`
    and `errors` collect, in order, the references met (once per evaluation) and the
    expressions that failed to parse.

    A context's dictionaries must not change once evaluation has begun: lookups and whole
    expression strings are memoised in it (nested templates repeat the same expressions many
    times, and one evaluated in the same context always gives the same value and refs).
    """

    parameters: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    parameter_defaults: dict[str, Any] = field(default_factory=dict)
    copy_index: dict[str | None, int] = field(default_factory=dict)
    functions: dict[str, UserFunction] = field(default_factory=dict)
    now: datetime | None = None
    refs: list[Ref] = field(default_factory=list)
    errors: list[ArmExpressionError] = field(default_factory=list)
    _cache: dict[tuple[str, str], tuple[Any, list[Ref]]] = field(default_factory=dict, init=False, repr=False)
    _resolving: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)
    _settled: dict[tuple[str, str], tuple[Any, list[Ref]]] = field(default_factory=dict, init=False, repr=False)
    """Lookups that need no evaluation, by name as written: given parameters, undefined names."""
    _texts: dict[str, tuple[Any, tuple[Ref, ...]]] = field(default_factory=dict, init=False, repr=False)
    """Expression strings evaluated outside any copy loop: their value and refs."""

    @classmethod
    def from_template(cls, template: dict[str, Any], values: dict[str, Any] | None = None) -> EvalContext:
        """A context for an ARM template: its defaults, variables and functions, plus `values`."""
        given = {k.lower(): v for k, v in (values or {}).items()}
        parameters: dict[str, Any] = {}
        defaults: dict[str, Any] = {}
        for name, spec in _object(template.get("parameters")).items():
            if name.lower() in given:
                parameters[name] = given[name.lower()]
            elif isinstance(spec, dict) and "defaultValue" in spec:
                defaults[name] = spec["defaultValue"]
            else:
                parameters[name] = Unknown(f"parameter '{name}' has no value")
        functions: dict[str, UserFunction] = {}
        for group in template.get("functions") or []:
            if not isinstance(group, dict):
                continue
            for name, spec in _object(group.get("members")).items():
                declared = _object(spec).get("parameters") or []
                names = tuple(str(p.get("name", "")) for p in declared if isinstance(p, dict))
                key = f"{group.get('namespace', '')}.{name}".lower()
                output = _object(_object(spec).get("output")).get("value")
                functions[key] = UserFunction(names, output)
        return cls(
            parameters=parameters,
            variables=_object(template.get("variables")),
            parameter_defaults=defaults,
            functions=functions,
        )

    def lookup(self, kind: str, name: str) -> tuple[Any, list[Ref]]:
        """A parameter's or variable's value and the refs it uses (`kind` names the function)."""
        settled = self._settled.get((kind, name))
        if settled is not None:
            return settled
        if kind == "parameters":
            found, value = ci_get(self.parameters, name)
            if found:
                self._settled[kind, name] = value, []
                return value, []
            raws = self.parameter_defaults
        else:
            raws = self.variables
        key = (kind, name.lower())
        if key in self._cache:
            return self._cache[key]
        if key in self._resolving:
            return Unknown(f"cyclic {kind[:-1]} '{name}'"), []
        found, raw = ci_get(raws, name)
        if not found and kind == "variables":
            found, raw = _copy_variable(raws, name)
        if not found:
            # Case-insensitive misses scan every name: a nested template's expressions are also
            # evaluated in the outer template, where most of their names are not defined.
            missing: tuple[Any, list[Ref]] = Unknown(f"{kind[:-1]} '{name}' is not defined"), []
            self._settled[kind, name] = missing
            return missing
        self._resolving.append(key)
        try:
            evaluation = _Evaluation(self, {})  # no copy loop is visible to variables
            result = evaluation.raw(raw, note=False), evaluation.refs
        finally:
            self._resolving.pop()
        self._cache[key] = result
        return result


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _copy_variable(variables: dict[str, Any], name: str) -> tuple[bool, Any]:
    """A variable declared by a `copy` loop in `variables`, as a raw `_VariableCopy`."""
    for spec in variables.get("copy") or []:
        if isinstance(spec, dict) and str(spec.get("name", "")).lower() == name.lower():
            return True, _VariableCopy(str(spec["name"]), spec.get("count"), spec.get("input"))
    return False, None


@dataclass(frozen=True, slots=True)
class _VariableCopy:
    name: str
    count: Any
    input: Any


# --- evaluation -----------------------------------------------------------------------------


def evaluate(expr: Expr, ctx: EvalContext) -> Any:
    """Evaluate a parsed expression; the refs it uses are appended to `ctx.refs`."""
    return evaluate_refs(expr, ctx)[0]


def evaluate_refs(expr: Expr, ctx: EvalContext) -> tuple[Any, tuple[Ref, ...]]:
    """Evaluate a parsed expression and return its value with the refs it uses."""
    evaluation = _Evaluation(ctx, ctx.copy_index)
    value = _guarded(lambda: evaluation.value(expr))
    evaluation.note(value)
    return value, evaluation.finish()


def evaluate_value(value: Any, ctx: EvalContext) -> Any:
    """Evaluate every expression string inside plain JSON data (a resource body, say)."""
    evaluation = _Evaluation(ctx, ctx.copy_index)
    result = _guarded(lambda: evaluation.raw(value, note=True))
    evaluation.finish()
    return result


def evaluate_node(node: Node, ctx: EvalContext) -> Node:
    """A copy of a parsed JSON tree with expression strings evaluated.

    An evaluated string keeps its Location, gets `refs` (the refs its expression uses) and
    `text` (the expression as written); a container result becomes Nodes at that Location.
    """
    value = node.value
    if isinstance(value, str):
        if value[:1] != "[":  # most strings: neither an expression nor escaped
            return Node(value, node.loc)
        if not is_expression(value):
            return Node(_literal_text(value), node.loc)
        result, refs = _evaluate_text(value, ctx)
        return Node(_to_node_value(result, node.loc), node.loc, refs, value)
    if isinstance(value, dict):
        entries: dict[str, Node] = {}
        for key, child in value.items():
            evaluated = evaluate_node(child, ctx)
            entries[key] = _keyed(key, evaluated, ctx) if key[:1] == "[" and is_expression(key) else evaluated
        return Node(entries, node.loc)
    if isinstance(value, list):
        return Node([evaluate_node(v, ctx) for v in value], node.loc)
    return Node(value, node.loc)


def _evaluate_text(text: str, ctx: EvalContext) -> tuple[Any, tuple[Ref, ...]]:
    """An expression string's value and refs (also appended to `ctx.refs`).

    Outside a copy loop the result is memoised in the context: evaluating the same string
    again would read the same cached parameters and variables and give the same value. An
    evaluation that met a syntax error or nested too deep is not remembered, so that it runs,
    and records its error, each time as before.
    """
    memo = None if ctx.copy_index else ctx._texts
    if memo is not None:
        known = memo.get(text)
        if known is not None:
            ctx.refs.extend(known[1])
            return known
    errors = len(ctx.errors)
    evaluation = _Evaluation(ctx, ctx.copy_index)
    try:
        result = evaluation.expression(text)
    except RecursionError:
        result = _TOO_DEEP
    evaluated = result, evaluation.finish()
    if memo is not None and result is not _TOO_DEEP and len(ctx.errors) == errors:
        memo[text] = evaluated
    return evaluated


def _keyed(key: str, child: Node, ctx: EvalContext) -> Node:
    """An entry whose key is an expression (`userAssignedIdentities` is keyed by resource ID)
    keeps the key as written; the value refers to what the key refers to, or to the resource
    the key's ID names."""
    if not is_expression(key):
        return child
    result, refs = _evaluate_text(key, ctx)
    if not refs and isinstance(result, str) and "/providers/" in result:
        refs = (Ref(result, "id"),)
    child.refs = tuple(dict.fromkeys((*child.refs, *refs)))
    return child


_TOO_DEEP = Unknown("expression nested too deep to evaluate")


def _guarded(run: Callable[[], Any]) -> Any:
    """Run an evaluation, turning pathological nesting (deep variable chains) into an Unknown."""
    try:
        return run()
    except RecursionError:
        return _TOO_DEEP


def _to_node_value(value: Any, loc: Location) -> Any:
    if isinstance(value, dict):
        return {k: Node(_to_node_value(v, loc), loc) for k, v in value.items()}
    if isinstance(value, list):
        return [Node(_to_node_value(v, loc), loc) for v in value]
    return value


_SCOPES = {
    name.lower(): f"@{name}"
    for name in (
        "subscription",
        "resourceGroup",
        "managementGroup",
        "tenant",
        "deployment",
        "environment",
        "deployer",
    )
}
_MAX_CALL_DEPTH = 32
Special = Callable[["_Evaluation", tuple[Expr, ...]], Any]
_SPECIAL: dict[str, Special] = {}


def _special(*names: str) -> Callable[[Special], Special]:
    """Register an evaluator-level function: it gets unevaluated argument expressions."""

    def register(function: Special) -> Special:
        for name in names:
            _SPECIAL[name.lower()] = function
        return function

    return register


class _Evaluation:
    """One evaluation: the refs it meets and its loop, lambda and function-argument scopes."""

    def __init__(
        self,
        ctx: EvalContext,
        copy_index: dict[str | None, int],
        arguments: dict[str, Any] | None = None,
    ) -> None:
        self.ctx = ctx
        self.copy_index = copy_index
        self.arguments = arguments  # inside a user function, parameters() reads these
        self.lambdas: list[dict[str, Any]] = []
        self.refs: list[Ref] = []

    def finish(self) -> tuple[Ref, ...]:
        """This evaluation's refs, each once, also appended to the context's."""
        refs = tuple(dict.fromkeys(self.refs))
        self.ctx.refs.extend(refs)
        return refs

    def note(self, value: Any) -> None:
        """Record the refs of deploy-time values found anywhere in `value`."""
        if isinstance(value, RefUnknown):
            self.refs.append(value.ref)
            return
        if not isinstance(value, (dict, list)):
            return  # most values are plain strings: nothing to walk
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, RefUnknown):
                self.refs.append(item.ref)
            elif isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)

    def consume(self, expr: Expr) -> Any:
        """Evaluate an argument: its refs are used here, whatever the function does with it."""
        value = self.value(expr)
        self.note(value)
        return value

    def raw(self, value: Any, note: bool) -> Any:
        """Evaluate raw template JSON; `note` records refs of deploy-time values left in it."""
        if isinstance(value, dict):
            return {k: self.raw(v, note) for k, v in value.items()}
        if isinstance(value, list):
            return [self.raw(v, note) for v in value]
        if isinstance(value, _VariableCopy):
            return self.variable_copy(value)
        if not isinstance(value, str):
            return value
        if not is_expression(value):
            return _literal_text(value)
        if note:
            return self.expression(value)
        try:
            expr = parse_expression(value)
        except ArmExpressionError as exc:
            self.ctx.errors.append(exc)
            return Unknown(f"invalid expression: {exc}")
        return self.value(expr)

    def expression(self, text: str) -> Any:
        """Evaluate an expression string, recording the refs of deploy-time values in its result."""
        try:
            expr = parse_expression(text)
        except ArmExpressionError as exc:
            self.ctx.errors.append(exc)
            return Unknown(f"invalid expression: {exc}")
        result = self.value(expr)
        self.note(result)
        return result

    def value(self, expr: Expr) -> Any:
        if isinstance(expr, Constant):
            return expr.value
        if isinstance(expr, Access):
            return _access(self.value(expr.target), self.consume(expr.key))
        return _route_of(expr.name)(self, expr)

    def scope_call(self, expr: Call) -> Any:
        for arg in expr.args:
            self.consume(arg)
        return RefUnknown(f"{expr.name}() is known only at deploy time", ref=Ref(_SCOPES[expr.name.lower()]))

    def list_call(self, expr: Call) -> Any:
        return self.resource_ref(expr.name, expr.args, f"{expr.name}()")

    def library_call(self, expr: Call) -> Any:
        return arm_functions.call(expr.name, [self.consume(a) for a in expr.args])

    def resource_ref(self, name: str, args: tuple[Expr, ...], attribute: str) -> Any:
        """A deploy-time read of the resource `args[0]` names (`reference`, `list*`)."""
        if not args:
            return Unknown(f"{name}() needs a resource")
        target = self.consume(args[0])
        for arg in args[1:]:
            self.consume(arg)
        address = target if isinstance(target, str) else str(args[0])
        return RefUnknown(f"{name}() is known only at deploy time", ref=Ref(address, attribute))

    def variable_copy(self, copy: _VariableCopy) -> Any:
        count = self.raw(copy.count, note=False)
        if isinstance(count, Unknown):
            return Unknown(count.reason)
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 800:
            return Unknown(f"invalid copy count for variable '{copy.name}'")
        items = []
        for index in range(count):
            inner = _Evaluation(self.ctx, {**self.copy_index, copy.name: index})
            items.append(inner.raw(copy.input, note=False))
            self.refs.extend(inner.refs)
        return items

    def user_function(self, expr: Call) -> Any:
        function = self.ctx.functions.get(expr.name.lower())
        if function is None:
            return Unknown(f"unsupported function '{expr.name}'")
        if len(self.ctx._resolving) > _MAX_CALL_DEPTH:
            return Unknown("user functions nested too deep")
        args = [self.consume(a) for a in expr.args]
        inner = _Evaluation(self.ctx, {}, dict(zip(function.parameters, args, strict=False)))
        self.ctx._resolving.append(("function", expr.name.lower()))
        try:
            result = inner.raw(function.output, note=False)
        finally:
            self.ctx._resolving.pop()
        self.refs.extend(inner.refs)
        return result

    def call_lambda(self, expr: Expr, values: list[Any]) -> Any:
        """Apply a `lambda('a', 'b', body)` argument to values."""
        if not isinstance(expr, Call) or expr.name.lower() != "lambda" or not expr.args:
            return Unknown("expected a lambda")
        names = [self.consume(a) for a in expr.args[:-1]]
        self.lambdas.append({str(n).lower(): v for n, v in zip(names, values, strict=False)})
        try:
            return self.consume(expr.args[-1])
        finally:
            self.lambdas.pop()


Route = Callable[[_Evaluation, Call], Any]
_ROUTES: dict[str, Route] = {}
"""How a call is evaluated, by function name as written: decided once per spelling."""


def _route_of(name: str) -> Route:
    route = _ROUTES.get(name)
    if route is None:
        route = _ROUTES[name] = _route(name)
    return route


def _route(name: str) -> Route:
    """Evaluator-level functions first, then scope functions, `list*`, user functions
    (`namespace.name`) and the function library."""
    lowered = name.lower()
    special = _SPECIAL.get(lowered)
    if special is not None:
        return lambda ev, expr: special(ev, expr.args)
    if lowered in _SCOPES:
        return _Evaluation.scope_call
    if lowered.startswith("list"):
        return _Evaluation.list_call
    if "." in lowered:
        return _Evaluation.user_function
    return _Evaluation.library_call


def _access(target: Any, key: Any) -> Any:
    """`target.key` / `target[key]`; on a deploy-time value it extends the ref's path."""
    if isinstance(key, Unknown):
        return Unknown(key.reason)
    if isinstance(target, RefUnknown) and isinstance(key, (str, int)):
        ref = target.ref
        step = f"[{key}]" if isinstance(key, int) else f".{key}" if ref.attribute else key
        return RefUnknown(target.reason, ref=Ref(ref.address, ref.attribute + step))
    if isinstance(target, Unknown):
        return Unknown(target.reason)
    if isinstance(target, dict) and isinstance(key, str):
        found, value = ci_get(target, key)
        return value if found else Unknown(f"property '{key}' not found")
    if isinstance(target, list) and isinstance(key, int) and not isinstance(key, bool):
        return target[key] if -len(target) <= key < len(target) else Unknown("index out of range")
    return Unknown(f"cannot index {type(target).__name__} with {key!r}")


# --- evaluator-level functions --------------------------------------------------------------


def _name_argument(ev: _Evaluation, args: tuple[Expr, ...], function: str) -> str | Unknown:
    if len(args) != 1:
        return Unknown(f"{function}() takes one name")
    name = ev.consume(args[0])
    if isinstance(name, Unknown):
        return Unknown(name.reason)
    return name if isinstance(name, str) else Unknown(f"{function}() needs a string name")


def _named_value(kind: str) -> Special:
    def lookup(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
        name = _name_argument(ev, args, kind)
        if isinstance(name, Unknown):
            return name
        return _read(ev, kind, name)

    return lookup


def _read(ev: _Evaluation, kind: str, name: str) -> Any:
    """`parameters(name)` (a user function's own argument inside one) or `variables(name)`."""
    if kind == "parameters" and ev.arguments is not None:
        found, value = ci_get(ev.arguments, name)
        return value if found else Unknown(f"parameter '{name}' is not defined")
    value, refs = ev.ctx.lookup(kind, name)
    ev.refs.extend(refs)
    return value


_SPECIAL["parameters"] = _named_value("parameters")
_SPECIAL["variables"] = _named_value("variables")


@_special("lambdaVariables")
def _lambda_variables(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    name = _name_argument(ev, args, "lambdaVariables")
    if isinstance(name, Unknown):
        return name
    for scope in reversed(ev.lambdas):
        if name.lower() in scope:
            return scope[name.lower()]
    return Unknown(f"lambda variable '{name}' is not defined")


@_special("copyIndex")
def _copy_index(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    values = [ev.consume(a) for a in args]
    loop = values.pop(0) if values and isinstance(values[0], str) else None
    offset = values[0] if values else 0
    if isinstance(offset, Unknown):
        return Unknown(offset.reason)
    if loop is None:
        index = ev.copy_index.get(None)
    else:
        named = {k: v for k, v in ev.copy_index.items() if k is not None}
        index = ci_get(named, loop)[1]
    if not isinstance(index, int) or not isinstance(offset, int):
        return Unknown("copyIndex() outside its copy loop")
    return index + offset


@_special("reference")
def _reference(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    full = len(args) >= 3 and str(ev.value(args[2])).lower() == "full"
    return ev.resource_ref("reference", args, "" if full else "properties")


@_special("if")
def _if(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    if len(args) != 3:
        return Unknown("if() takes three arguments")
    condition = ev.consume(args[0])
    if isinstance(condition, bool):
        return ev.consume(args[1] if condition else args[2])
    for branch in args[1:]:
        ev.consume(branch)  # either branch may run: keep the refs of both
    if isinstance(condition, Unknown):
        return Unknown(condition.reason)
    return Unknown("if() needs a boolean condition")


@_special("utcNow")
def _utc_now(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    pattern = ev.consume(args[0]) if args else "yyyyMMdd'T'HHmmss'Z'"
    if ev.ctx.now is None:
        return Unknown("utcNow() is known only at deploy time")
    try:
        return format_datetime(ev.ctx.now.astimezone(timezone.utc), str(pattern))
    except FunctionError as exc:
        return Unknown(f"invalid call to utcNow(): {exc}")


@_special("newGuid")
def _new_guid(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    return Unknown("newGuid() is random")


@_special("fail")
def _fail(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    message = [ev.consume(a) for a in args]
    return Unknown(f"fail(): {message[0] if message else ''}")


@_special("lambda")
def _bare_lambda(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    return Unknown("lambda() outside a function that takes one")


def _lambda_input(ev: _Evaluation, args: tuple[Expr, ...], count: int, kind: type) -> Any:
    """The evaluated collection a lambda function iterates over, or an Unknown."""
    if len(args) != count:
        return Unknown(f"expected {count} arguments")
    items = ev.consume(args[0])
    if isinstance(items, Unknown):
        return Unknown(items.reason)
    return items if isinstance(items, kind) else Unknown(f"expected a {kind.__name__}")


def _all_known(values: list[Any]) -> Any:
    """`values`, or the first Unknown among them (a lambda result the caller must inspect)."""
    return next((Unknown(v.reason) for v in values if isinstance(v, Unknown)), values)


@_special("map")
def _map(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    items = _lambda_input(ev, args, 2, list)
    if isinstance(items, Unknown):
        return items
    return [ev.call_lambda(args[1], [item, i]) for i, item in enumerate(items)]


@_special("filter")
def _filter(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    items = _lambda_input(ev, args, 2, list)
    if isinstance(items, Unknown):
        return items
    keep = _all_known([ev.call_lambda(args[1], [item, i]) for i, item in enumerate(items)])
    if isinstance(keep, Unknown):
        return keep
    return [item for item, wanted in zip(items, keep, strict=True) if wanted is True]


@_special("reduce")
def _reduce(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    items = _lambda_input(ev, (args[0], args[2]) if len(args) == 3 else args, 2, list)
    if isinstance(items, Unknown):
        return items
    total = ev.consume(args[1])
    for i, item in enumerate(items):
        total = ev.call_lambda(args[2], [total, item, i])
    return total


@_special("sort")
def _sort(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    items = _lambda_input(ev, args, 2, list)
    if isinstance(items, Unknown):
        return items
    unknown: list[Unknown] = []

    def before(a: Any, b: Any) -> bool:
        result = ev.call_lambda(args[1], [a, b])
        if not isinstance(result, bool):
            unknown.append(Unknown("sort() comparison is not a known boolean"))
        return result is True

    ordered = sorted(items, key=cmp_to_key(lambda a, b: -1 if before(a, b) else int(before(b, a))))
    return unknown[0] if unknown else ordered


@_special("toObject")
def _to_object(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    items = _lambda_input(ev, args[:2], 2, list)
    if isinstance(items, Unknown):
        return items
    keys = _all_known([ev.call_lambda(args[1], [item]) for item in items])
    if isinstance(keys, Unknown):
        return keys
    values = [ev.call_lambda(args[2], [item]) for item in items] if len(args) > 2 else items
    return {str(k): v for k, v in zip(keys, values, strict=True)}


@_special("mapValues")
def _map_values(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    mapping = _lambda_input(ev, args, 2, dict)
    if isinstance(mapping, Unknown):
        return mapping
    return {k: ev.call_lambda(args[1], [v]) for k, v in mapping.items()}


@_special("groupBy")
def _group_by(ev: _Evaluation, args: tuple[Expr, ...]) -> Any:
    items = _lambda_input(ev, args, 2, list)
    if isinstance(items, Unknown):
        return items
    keys = _all_known([ev.call_lambda(args[1], [item]) for item in items])
    if isinstance(keys, Unknown):
        return keys
    groups: dict[str, list[Any]] = {}
    for key, item in zip(keys, items, strict=True):
        groups.setdefault(str(key), []).append(item)
    return groups
