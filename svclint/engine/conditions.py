"""The one condition language rules are written in, evaluated with three-valued logic.

A condition is TRUE, FALSE or UNKNOWN (None). `all`/`any`/`not` combine them the Kleene way;
a leaf tests the nodes at a path. A leaf over several nodes is TRUE if any node passes. The
node that made a condition true is its *witness*: findings point at it.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from svclint.durations import describe_days, parse_duration, parse_timestamp
from svclint.engine import regex_guard
from svclint.engine.graph import Graph, ref_type
from svclint.engine.paths import Match, select
from svclint.engine.tables import Table
from svclint.errors import RuleError
from svclint.model import PLACEHOLDER, Node, Ref, Resource, Unknown, UnknownCount

Truth = bool | None

OPERATORS = (
    "exists",
    "equals",
    "in",
    "matches",
    "key_matches",
    "gt",
    "ge",
    "lt",
    "le",
    "lifetime",
    "references",
    "target",
    "principal",
    "scope_class",
    "in_table",
    "has",
    "literal",
    "keys_include",
)


@dataclass(slots=True)
class Outcome:
    truth: Truth
    witness: Match | None = None


@dataclass
class Context:
    """What a condition can see besides the resource: the graph, tables, params, the clock."""

    graph: Graph
    tables: Mapping[str, Table]
    params: Mapping[str, Any]
    now: datetime
    facts: dict[str, str] = field(default_factory=dict)


def evaluate(condition: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    if "all" in condition:
        return _all(condition["all"], resource, ctx)
    if "any" in condition:
        return _any(condition["any"], resource, ctx)
    if "not" in condition:
        inner = evaluate(condition["not"], resource, ctx)
        return Outcome(None if inner.truth is None else not inner.truth)
    if "referenced_by" in condition:
        return _referenced_by(condition["referenced_by"], resource, ctx)
    if "in_module" in condition:
        return _referenced_by(condition["in_module"], resource, ctx)
    return _leaf(condition, resource, ctx)


def _all(items: list[Mapping[str, Any]], resource: Resource, ctx: Context) -> Outcome:
    result = Outcome(True)
    for item in items:
        outcome = evaluate(item, resource, ctx)
        if outcome.truth is False:
            return outcome
        if outcome.truth is None:
            result.truth = None
        elif result.witness is None:
            # Rules list the condition that names the offending attribute first.
            result.witness = outcome.witness
    return result


def _any(items: list[Mapping[str, Any]], resource: Resource, ctx: Context) -> Outcome:
    truth: Truth = False
    for item in items:
        outcome = evaluate(item, resource, ctx)
        if outcome.truth:
            return outcome
        if outcome.truth is None:
            truth = None
    return Outcome(truth)


def _referenced_by(spec: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    """TRUE when other resources of `types` name this one at `path` (and `where` holds).
    Without `path` (`in_module`), every resource of `types` in the same module is a candidate.

    With `count`, the referrers are counted (a resource with a known `count`/`for_each`
    counts once per instance) and the number is compared: `count: {gt: 20}`. The comparison
    is per instance of this resource; it is unknown when the spread over them could change it.
    With `distinct`, the different values the referrers have at a path are counted instead.
    """
    referrers: list[Resource] = []
    unsure = False
    path = spec.get("path")
    for other in _candidates(resource, spec["types"], ctx):
        if path is not None and not any(
            ctx.graph.refers_to(other, r, resource) for m in select(other.body, path) for r in m.node.all_refs()
        ):
            continue
        where = spec.get("where")
        outcome = evaluate(where, other, ctx) if where else Outcome(True)
        if outcome.truth:
            referrers.append(other)
        unsure = unsure or outcome.truth is None or other.meta.get("instances") is None
    if referrers:
        ctx.facts["referrer"] = referrers[0].address
    counting = spec.get("count")
    if counting is None:
        return Outcome(True) if referrers else Outcome(None if unsure else False)
    if "distinct" in spec:
        values, unknown = _distinct(referrers, _param(spec["distinct"], ctx))
        total, unsure = len(values), unsure or unknown
        ctx.facts["values"] = ", ".join(sorted(values))
    else:
        total = sum(r.meta.get("instances") or 1 for r in referrers)
    ctx.facts["count"] = str(total)
    counting = _param(counting, ctx)
    # When this resource has several instances, the referrers are spread over them in a way
    # svclint cannot see: one instance has at least ceil(total / instances), at most all.
    own = resource.meta.get("instances", 1)
    least = -(-total // own) if own else min(total, 1)
    verdict = _compare_count(least, counting)
    if least != total and ("equals" in counting or verdict != _compare_count(total, counting)):
        return Outcome(None)
    # An unknown instance count can only raise the total: a "more than" verdict that already
    # holds stands, anything else is unknown.
    if unsure and not (verdict and any(k in counting for k in ("gt", "ge"))):
        return Outcome(None)
    return Outcome(verdict)


def _distinct(referrers: list[Resource], spec: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The different values the referrers have at `path` (compared case-insensitively), and
    whether one is unknown. With `capture`, a value is the first group of that regex that
    matched; a referrer whose value is missing or does not match is left out."""
    found: dict[str, str] = {}
    unknown = False
    for other in referrers:
        matches = select(other.body, spec["path"])
        value = matches[0].node.value if matches else None
        if isinstance(value, Unknown):
            unknown = True
            continue
        if not isinstance(value, (str, int, float)):
            continue
        text = str(value)
        if "capture" in spec:
            hit = compiled(spec["capture"]).search(text)
            if hit is None:
                continue
            text = next((g for g in hit.groups() if g is not None), hit.group(0))
        found.setdefault(text.casefold(), text)
    return list(found.values()), unknown


def _candidates(resource: Resource, types: list[str], ctx: Context) -> list[Resource]:
    if types == ["*"]:
        return [r for r in ctx.graph.in_module(resource.module_dir) if r is not resource]
    return [r for t in types for r in ctx.graph.in_module(resource.module_dir, t)]


def _compare_count(total: int, spec: Mapping[str, Any]) -> bool:
    tests = {"gt": total.__gt__, "ge": total.__ge__, "lt": total.__lt__, "le": total.__le__, "equals": total.__eq__}
    return all(tests[k](int(v)) for k, v in spec.items())


def _leaf(condition: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    op = next(k for k in condition if k in OPERATORS)
    argument = condition[op] if op == "has" else _param(condition[op], ctx)
    transforms = condition.get("transform", ())
    matches = _select(resource, condition["path"])
    if op == "exists":
        return _exists(matches, bool(argument))
    test = _TESTS[op]
    truth: Truth = False
    for match in matches:
        node = match.node
        guid = _partial_guid(node, transforms)
        key = _index_key(node, transforms)
        if op in _NODE_OPS:
            result = test(node, argument, resource, ctx, match)
        elif guid is not None:
            result = test(guid, argument, resource, ctx, match)
        elif key is not None:
            result = test(key, argument, resource, ctx, match)
        elif isinstance(node.value, Unknown):
            # Whatever the value turns out to be, it is not in an empty list.
            empty = op == "in" and isinstance(argument, list) and not argument
            partial = op == "matches" and not match.beyond  # the known text is this value's own
            result = False if empty else _partial_match(node.value, argument) if partial else None
        else:
            value = _transform(node.value, transforms)
            result = test(value, argument, resource, ctx, match)
        if isinstance(result, Outcome):  # `has`: the element's own witness is more precise
            if result.truth:
                return Outcome(True, result.witness or match)
            result = result.truth
        if result:
            return Outcome(True, match)
        if result is None:
            truth = None
    return Outcome(truth)


def _select(resource: Resource, path: str) -> list[Match]:
    """Paths are relative to the resource, or to the element a `has` condition is looking at:
    there `.` is the element itself and `@key` its map key. `@instances` is how many instances
    the resource's `count`/`for_each` (ARM `copy`) makes."""
    if path == ".":
        return [Match(resource.body, "")]
    if path == "@key":
        key = resource.meta.get("key")
        return [Match(Node(key, resource.body.loc), "")] if isinstance(key, str) else []
    if path == "@instances":
        count = resource.meta.get("instances", 1)
        return [Match(Node(Unknown("the instance count") if count is None else count, resource.loc), "")]
    return select(resource.body, path)


def _has(node: Node, condition: Mapping[str, Any], resource: Resource, ctx: Context, match: Match) -> Outcome:
    """Test a condition on one element, so `name` and `value` are read from the same entry.
    On a list (blocks, arrays) each element is tried in turn."""
    if isinstance(node.value, Unknown):
        return Outcome(None)
    if isinstance(node.value, list):
        truth: Truth = False
        for i, item in enumerate(node.value):
            prefix = f"{match.path}.{i}" if match.path else str(i)
            element = Match(item, prefix, match.key)
            outcome = _has(item, condition, resource, ctx, element)
            if outcome.truth:
                return Outcome(True, outcome.witness or element)
            truth = None if outcome.truth is None else truth
        return Outcome(truth)
    scoped = replace(resource, body=node, meta={**resource.meta, "key": match.key})
    outcome = evaluate(condition, scoped, ctx)
    if outcome.witness is not None:
        # A witness of `.` or `@key` is the element itself: its path is the element's.
        path = ".".join(p for p in (match.path, outcome.witness.path) if p)
        outcome.witness = Match(outcome.witness.node, path, outcome.witness.key)
    return outcome


def _partial_guid(node: Node, transforms: Any) -> str | None:
    """`trailing_guid` of a partly known ID (`concat(subscription().id, '/.../<guid>')`)."""
    if "trailing_guid" not in transforms or not isinstance(node.value, Unknown) or node.value.partial is None:
        return None
    found = _GUID_AT_END.search(node.value.partial)
    return found.group(1).lower() if found else None


def _index_key(node: Node, transforms: Any) -> str | None:
    """`index_key` of a value read from another resource's map by a literal key: the key, as in
    `Files.ReadWrite.All` for `azuread_service_principal.graph.app_role_ids["Files.ReadWrite.All"]`."""
    if "index_key" not in transforms or not isinstance(node.value, Unknown):
        return None
    for ref in node.refs:
        found = _INDEX_KEY_AT_END.search(ref.attribute)
        if found:
            return found.group(1)
    return None


_INDEX_KEY_AT_END = re.compile(r'\["([^"]*)"\]$')


def _partial_match(value: Unknown, pattern: str) -> Truth:
    """A template with unknown parts matches if the pattern matches its known text alone."""
    if value.partial is None:
        return None
    found = compiled(pattern).search(value.partial)
    if found is None:
        return None
    return True if PLACEHOLDER not in found.group(0) else None


def _param(argument: Any, ctx: Context) -> Any:
    if isinstance(argument, Mapping) and set(argument) == {"param"}:
        return ctx.params[argument["param"]]
    if isinstance(argument, Mapping):
        return {k: _param(v, ctx) for k, v in argument.items()}
    return argument


def _present(node: Node) -> Truth:
    """Written and not empty. An attribute set to an unknown value is written; an unknown
    *element* (a dynamic block whose for_each is unknown) may or may not exist."""
    value = node.value
    if isinstance(value, UnknownCount):
        return None
    if isinstance(value, Unknown):
        return True
    if value is None or value == "" or value == {}:
        return False
    if isinstance(value, list):
        states = [_present(item) for item in value]
        if any(states):
            return True
        return None if None in states else False
    return True


def _exists(matches: list[Match], wanted: bool) -> Outcome:
    seen: Truth = False
    for match in matches:
        state = None if match.beyond else _present(match.node)
        if state:
            return Outcome(wanted, match if wanted else None)
        if state is None:
            seen = None
    if seen is None:
        return Outcome(None)
    return Outcome(not wanted)


def _transform(value: Any, transforms: Any) -> Any:
    for name in transforms:
        if name == "length":
            value = _length(value)
            continue
        if not isinstance(value, str):
            return value
        if name == "lower":
            value = value.casefold()
        elif name == "nospace":
            value = re.sub(r"\s+", "", value)
        elif name == "last_segment":
            value = value.rstrip("/").rsplit("/", 1)[-1]
        elif name == "trailing_guid":
            found = _GUID_AT_END.search(value)
            value = found.group(1).lower() if found else value
    return value


def _length(value: Any) -> Any:
    """How many elements a list or map has, or characters a string; unknown when elements of
    unknown presence (a `dynamic` block over an unknown `for_each`) are among them."""
    if isinstance(value, (list, dict)):
        items = value if isinstance(value, list) else list(value.values())
        if any(isinstance(item.value, UnknownCount) for item in items):
            return Unknown("the number of elements is unknown")
        return len(items)
    return len(value) if isinstance(value, str) else value


_GUID_AT_END = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\W*$")


@functools.lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    """The compiled pattern; patterns that can backtrack catastrophically never run."""
    refused = regex_guard.check(pattern)
    if refused:
        raise RuleError(f"unsafe regular expression {pattern!r}: {refused}")
    return re.compile(pattern)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _compare(op: Callable[[float, float], bool]) -> Callable[..., Truth]:
    def test(value: Any, argument: Any, *_: Any) -> Truth:
        left, right = _number(value), _number(argument)
        return None if left is None or right is None else op(left, right)

    return test


def _threshold(argument: Any) -> timedelta | None:
    if isinstance(argument, (int, float)) and not isinstance(argument, bool):
        return timedelta(days=argument)
    return parse_duration(str(argument))


def _lifetime(value: Any, spec: Mapping[str, Any], resource: Resource, ctx: Context, match: Match) -> Truth:
    """How long a credential lives: an end timestamp minus its start (or now), or a duration."""
    if not isinstance(value, str):
        return None
    span = parse_duration(value)
    if span is None:
        end = parse_timestamp(value)
        if end is None:
            return None
        start = ctx.now
        if "from" in spec:
            for found in select(resource.body, spec["from"]):
                parsed = parse_timestamp(found.node.value) if isinstance(found.node.value, str) else None
                start = parsed or start
        span = end - start
    ctx.facts["lifetime"] = describe_days(span)
    for key, op in (("gt", lambda a, b: a > b), ("ge", lambda a, b: a >= b)):
        if key in spec:
            limit = _threshold(spec[key])
            if limit is None:
                return None
            ctx.facts["limit"] = describe_days(limit)
            return bool(op(span, limit))
    return True


def _references(node: Node, spec: Mapping[str, Any], resource: Resource, ctx: Context, match: Match) -> Truth:
    refs = node.all_refs()
    wanted = [t.casefold() for t in spec["types"]]
    pattern = spec.get("attribute")
    for ref in refs:
        attribute_ok = pattern is None or fnmatch.fnmatch(ref.attribute.casefold(), pattern.casefold())
        if ctx.graph.type_of(resource, ref) in wanted and attribute_ok:
            ctx.facts["target"] = ref.address
            return True
    if not refs and isinstance(node.value, Unknown):
        return None
    return False


def _target(node: Node, spec: Mapping[str, Any], resource: Resource, ctx: Context, match: Match) -> Truth:
    """Follow the references at this node and test `where` on the resources they point at.
    In ARM a resource ID written out (`resourceId(...)`, `Microsoft.Web/sites/app`) names one too."""
    truth: Truth = None if isinstance(node.value, Unknown) else False
    types = [t.casefold() for t in spec.get("types", ())]
    refs = node.all_refs()
    if not refs and resource.dialect == "arm" and isinstance(node.value, str):
        refs = (Ref(node.value),)
    for ref in refs:
        if types and ctx.graph.type_of(resource, ref) not in types:
            continue
        other = ctx.graph.target(resource, ref)
        if other is None:
            continue
        outcome = evaluate(spec["where"], other, ctx)
        if outcome.truth:
            ctx.facts["target"] = other.address
            return True
        if outcome.truth is None:
            truth = None
        elif truth is None:
            truth = False
    return truth


def _ref_matches(row: Mapping[str, Any], ref_type_name: str, attribute: str) -> bool:
    """A table row's `type` and `attribute` globs against a reference (case-insensitively)."""
    return _globs_match(str(row["type"]), str(row["attribute"]), ref_type_name, attribute)


@functools.lru_cache(maxsize=65536)
def _globs_match(type_glob: str, attribute_glob: str, type_name: str, attribute: str) -> bool:
    """Memoised: every principal and scope test asks the same few questions many times."""
    return fnmatch.fnmatchcase(type_name.casefold(), type_glob.casefold()) and fnmatch.fnmatchcase(
        attribute.casefold(), attribute_glob.casefold()
    )


def _classify(node: Node, table: Table, resource: Resource, ctx: Context) -> str:
    for ref in node.all_refs():
        type_name = ctx.graph.type_of(resource, ref)
        for row in table.rows:
            if _ref_matches(row, type_name, ref.attribute):
                declared = ctx.graph.target(resource, ref)
                ctx.facts.setdefault("principal_ref", declared.address if declared else ref.address)
                return str(row["kind"])
    return "unknown"


def _principal(node: Node, kinds: list[str], resource: Resource, ctx: Context, match: Match) -> Truth:
    kind = _classify(node, ctx.tables["principal_kinds"], resource, ctx)
    ctx.facts["principal"] = kind.replace("_", " ")
    named = ctx.facts.get("principal_ref") or node.text or str(node.value)
    label = "principal" if kind == "unknown" else ctx.facts["principal"]
    ctx.facts["principal_desc"] = f"{label} `{named}`"
    if kind in kinds:
        return True
    return None if kind == "unknown" else False


def _scope_class(node: Node, classes: list[str], resource: Resource, ctx: Context, match: Match) -> Truth:
    found = scope_of(node, ctx.tables["scope_classes"], [ctx.graph.type_of(resource, r) for r in node.all_refs()])
    if found is None:
        return None
    ctx.facts["scope"] = found.replace("_", " ")
    return found in classes


def scope_of(node: Node, table: Table, ref_types: list[str] | None = None) -> str | None:
    """The scope class of a scope value: from its literal text, else from what it references.

    In a template such as `/subscriptions/${var.id}` each unknown part is taken to be one path
    segment (an id), which is what such templates interpolate in practice.
    """
    text = node.value
    if isinstance(text, Unknown) and text.partial is not None:
        text = text.partial.replace(PLACEHOLDER, "x")
    if isinstance(text, str):
        for row in table.select({"match": "pattern"}):
            if compiled(str(row["pattern"])).search(text):
                return str(row["class"])
        return None
    refs = node.all_refs()
    types = ref_types if ref_types is not None else [ref_type(r).casefold() for r in refs]
    for ref, type_name in zip(refs, types, strict=True):
        for row in table.select({"match": "reference"}):
            if _ref_matches(row, type_name, ref.attribute):
                return str(row["class"])
    return None


def _literal(node: Node, wanted: bool, *_: Any) -> Truth:
    """Whether the value is written out in the resource itself rather than read from a
    variable, parameter, local or another resource (those carry their expression text)."""
    written = node.known and not node.text and not node.all_refs()
    return written == bool(wanted)


def _in_table(value: Any, spec: Mapping[str, Any], resource: Resource, ctx: Context, match: Match) -> Truth:
    table = ctx.tables[spec["table"]]
    row = table.find(spec["column"], value)
    if row is None:
        return False
    where = spec.get("where") or {}
    if all(
        any(_equal(row.get(k), x) for x in v) if isinstance(v, list) else _equal(row.get(k), v)
        for k, v in where.items()
    ):
        ctx.facts[spec["table"]] = str(row.get("name", value))
        return True
    return False


def _keys_include(value: Any, keys: list[str], resource: Resource, ctx: Context, match: Match) -> Truth:
    """A map has every one of `keys` (case-insensitively); the missing ones become `missing`."""
    if not isinstance(value, dict):
        return None
    present = {k.casefold() for k in value}
    missing = [k for k in keys if k.casefold() not in present]
    ctx.facts["missing"] = ", ".join(missing)
    return not missing


# Operators that look at the node itself (its key or references), so an unknown value is fine.
_NODE_OPS = {"references", "target", "principal", "scope_class", "key_matches", "has", "literal"}

_TESTS: dict[str, Callable[..., Truth | Outcome]] = {
    "equals": lambda value, arg, *_: _equal(value, arg),
    "in": lambda value, arg, *_: any(_equal(value, a) for a in arg),
    "matches": lambda value, arg, *_: isinstance(value, str) and bool(compiled(arg).search(value)),
    "key_matches": lambda node, arg, r, c, match: bool(compiled(arg).search(match.key)),
    "gt": _compare(lambda a, b: a > b),
    "ge": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "le": _compare(lambda a, b: a <= b),
    "lifetime": _lifetime,
    "references": _references,
    "target": _target,
    "principal": _principal,
    "scope_class": _scope_class,
    "in_table": _in_table,
    "has": _has,
    "literal": _literal,
    "keys_include": _keys_include,
}
