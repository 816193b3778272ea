"""The one condition language rules are written in, evaluated with three-valued logic.

A condition is TRUE, FALSE or UNKNOWN (None). `all`/`any`/`not` combine them the Kleene way;
a leaf tests the nodes at a path. A leaf over several nodes is TRUE if any node passes. The
node that made a condition true is its *witness*: findings point at it.

A rule's conditions run on many resources, so they are compiled once (`compile_condition`)
into functions that hold their operators, split paths and resolved arguments.
"""

from __future__ import annotations

import fnmatch
import functools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from svclint.durations import describe_days, parse_duration, parse_timestamp
from svclint.engine import regex_guard
from svclint.engine.graph import Graph, ref_type
from svclint.engine.paths import Match, select, select_split
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
    """A condition's truth, and the node that made it true. Never changed once made, so the
    outcomes without a witness are shared (`_BARE`): conditions make one for every resource."""

    truth: Truth
    witness: Match | None = None


_BARE: dict[Truth, Outcome] = {truth: Outcome(truth) for truth in (True, False, None)}


@dataclass
class Context:
    """What a condition can see besides the resource: the graph, tables, params (the rule's),
    the clock; and the facts its evaluation finds out, which feed the finding's message."""

    graph: Graph
    tables: Mapping[str, Table]
    params: Mapping[str, Any]
    now: datetime
    facts: dict[str, str] = field(default_factory=dict)
    lookups: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    """What tests work out from the graph, kept while the context lives: rules ask the same of
    it for every resource."""


Compiled = Callable[[Resource, Context], Outcome]
"""A condition made ready to run (`compile_condition`): TRUE, FALSE or UNKNOWN for a resource."""

Selector = Callable[[Resource], list[Match]]
"""The nodes at a leaf's path."""


def evaluate(condition: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    """Evaluate a condition once. Rules run theirs on many resources: they compile it ahead."""
    return compile_condition(condition, ctx.params)(resource, ctx)


def compile_condition(condition: Mapping[str, Any], params: Mapping[str, Any]) -> Compiled:
    """The condition as a function, for contexts with these `params` (a rule's, as configured
    for the run). Operators are picked, paths split and arguments resolved here, once, rather
    than for every resource a rule looks at."""
    if "all" in condition:
        return _all([compile_condition(item, params) for item in condition["all"]])
    if "any" in condition:
        return _any([compile_condition(item, params) for item in condition["any"]])
    if "not" in condition:
        return _not(compile_condition(condition["not"], params))
    if "referenced_by" in condition:
        return _referenced_by(condition["referenced_by"], params)
    if "in_module" in condition:
        return _referenced_by(condition["in_module"], params)
    return _leaf(condition, params)


def _all(items: list[Compiled]) -> Compiled:
    def run(resource: Resource, ctx: Context) -> Outcome:
        truth: Truth = True
        witness: Match | None = None
        for item in items:
            outcome = item(resource, ctx)
            if outcome.truth is False:
                return outcome
            if outcome.truth is None:
                truth = None
            elif witness is None:
                # Rules list the condition that names the offending attribute first.
                witness = outcome.witness
        return _BARE[truth] if witness is None else Outcome(truth, witness)

    return run


def _any(items: list[Compiled]) -> Compiled:
    def run(resource: Resource, ctx: Context) -> Outcome:
        truth: Truth = False
        for item in items:
            outcome = item(resource, ctx)
            if outcome.truth:
                return outcome
            if outcome.truth is None:
                truth = None
        return _BARE[truth]

    return run


def _not(inner: Compiled) -> Compiled:
    def run(resource: Resource, ctx: Context) -> Outcome:
        truth = inner(resource, ctx).truth
        return _BARE[None if truth is None else not truth]

    return run


def _referenced_by(spec: Mapping[str, Any], params: Mapping[str, Any]) -> Compiled:
    """TRUE when other resources of `types` name this one at `path` (and `where` holds).
    Without `path` (`in_module`), every resource of `types` in the same module is a candidate.

    With `count`, the referrers are counted (a resource with a known `count`/`for_each`
    counts once per instance) and the number is compared: `count: {gt: 20}`. The comparison
    is per instance of this resource; it is unknown when the spread over them could change it.
    With `distinct`, the different values the referrers have at a path are counted instead.
    """
    types = spec["types"]
    path: str | None = spec.get("path")
    segments = path.split(".") if path is not None else []
    where = compile_condition(spec["where"], params) if spec.get("where") else None
    counting = _param(spec.get("count"), params)
    distinct = _param(spec["distinct"], params) if "distinct" in spec else None

    def run(resource: Resource, ctx: Context) -> Outcome:
        referrers: list[Resource] = []
        unsure = False
        for other in _candidates(resource, types, ctx):
            if path is not None and not _names(other, path, segments, ctx).includes(resource):
                continue
            truth = where(other, ctx).truth if where else True
            if truth:
                referrers.append(other)
            unsure = unsure or truth is None or other.meta.get("instances") is None
        if referrers:
            ctx.facts["referrer"] = referrers[0].address
        if counting is None:
            return _BARE[True] if referrers else _BARE[None if unsure else False]
        if distinct is None:
            total = sum(r.meta.get("instances") or 1 for r in referrers)
        else:
            values, unknown = _distinct(referrers, distinct)
            total, unsure = len(values), unsure or unknown
            ctx.facts["values"] = ", ".join(sorted(values))
        ctx.facts["count"] = str(total)
        return _count(total, counting, resource, unsure)

    return run


def _count(total: int, counting: Mapping[str, Any], resource: Resource, unsure: bool) -> Outcome:
    """Compare how many referrers (or distinct values) there are with the `count` limits."""
    # When this resource has several instances, the referrers are spread over them in a way
    # svclint cannot see: one instance has at least ceil(total / instances), at most all.
    own = resource.meta.get("instances", 1)
    least = -(-total // own) if own else min(total, 1)
    verdict = _compare_count(least, counting)
    if least != total and ("equals" in counting or verdict != _compare_count(total, counting)):
        return _BARE[None]
    # An unknown instance count can only raise the total: a "more than" verdict that already
    # holds stands, anything else is unknown.
    if unsure and not (verdict and any(k in counting for k in ("gt", "ge"))):
        return _BARE[None]
    return _BARE[verdict]


class _Named(NamedTuple):
    """What a resource names at a path: the addresses its references spell out, and the
    resources they point at (by identity: the graph keeps them all alive)."""

    addresses: frozenset[str]
    resources: frozenset[int]

    @classmethod
    def of(cls, refs: list[Ref], source: Resource, graph: Graph) -> _Named:
        targets = (graph.target(source, r) for r in refs)
        return cls(frozenset(r.address for r in refs), frozenset(id(t) for t in targets if t is not None))

    def includes(self, resource: Resource) -> bool:
        """Whether a reference names `resource`: spells out its address, or is resolved to it."""
        return resource.address in self.addresses or id(resource) in self.resources


_NAMES_NOTHING = _Named(frozenset(), frozenset())


def _names(other: Resource, path: str, segments: list[str], ctx: Context) -> _Named:
    """What `other` names at `path`, worked out once per context: a connection condition asks
    it of every candidate for every resource it tests, which is quadratic in a module."""
    key = ("names", path, id(other))
    named: _Named | None = ctx.lookups.get(key)
    if named is None:
        refs = _refs_within([m.node for m in select_split(other.body, path, segments)])
        named = ctx.lookups[key] = _Named.of(refs, other, ctx.graph) if refs else _NAMES_NOTHING
    return named


def _refs_within(nodes: list[Node]) -> list[Ref]:
    """The references made anywhere in these values, as `Node.all_refs` has them but in no
    order and possibly repeated. One flat walk: `all_refs` merges lists at every level."""
    found: list[Ref] = []
    stack = list(nodes)
    while stack:
        current = stack.pop()
        found.extend(current.refs)
        if isinstance(current.value, dict):
            stack.extend(current.value.values())
        elif isinstance(current.value, list):
            stack.extend(current.value)
    return found


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
    return all(_COUNT_TESTS[k](total, int(v)) for k, v in spec.items())


_COUNT_TESTS: dict[str, Callable[[int, int], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "equals": operator.eq,
}


def _leaf(condition: Mapping[str, Any], params: Mapping[str, Any]) -> Compiled:
    op = next(k for k in condition if k in OPERATORS)
    argument = _argument(op, condition[op], params)
    select_at = _selector(condition["path"])
    if op == "exists":
        return lambda resource, ctx: _exists(select_at(resource), bool(argument))
    if op in _NODE_OPS:
        return _node_leaf(_TESTS[op], argument, select_at)
    return _value_leaf(op, argument, select_at, tuple(condition.get("transform", ())))


def _node_leaf(test: Callable[..., Truth | Outcome], argument: Any, select_at: Selector) -> Compiled:
    """A leaf whose operator looks at the node itself (its key or references), so an unknown
    value is fine. TRUE if any node passes."""

    def leaf(resource: Resource, ctx: Context) -> Outcome:
        truth: Truth = False
        for match in select_at(resource):
            result = test(match.node, argument, resource, ctx, match)
            if isinstance(result, Outcome):  # `has`: the element's own witness is more precise
                if result.truth:
                    return Outcome(True, result.witness or match)
                result = result.truth
            if result:
                return Outcome(True, match)
            if result is None:
                truth = None
        return _BARE[truth]

    return leaf


def _value_leaf(op: str, argument: Any, select_at: Selector, transforms: tuple[str, ...]) -> Compiled:
    """A leaf that tests the (transformed) values at its path. TRUE if any value passes."""
    test = _TESTS[op]

    def leaf(resource: Resource, ctx: Context) -> Outcome:
        truth: Truth = False
        for match in select_at(resource):
            value = match.node.value
            if isinstance(value, Unknown):
                result = _unknown_value(op, argument, transforms, resource, ctx, match)
            else:
                result = test(_transform(value, transforms), argument, resource, ctx, match)
            if result:
                return Outcome(True, match)
            if result is None:
                truth = None
        return _BARE[truth]

    return leaf


def _argument(op: str, raw: Any, params: Mapping[str, Any]) -> Any:
    """The operator's argument as its test takes it: params resolved, and the condition in
    `has` and `target` compiled."""
    if op == "has":
        return compile_condition(raw, params)
    if op == "references":
        return _References.of(raw)
    if op == "target":
        return _Target(tuple(t.casefold() for t in raw.get("types", ())), compile_condition(raw["where"], params))
    return _param(raw, params)


def _unknown_value(
    op: str, argument: Any, transforms: tuple[str, ...], resource: Resource, ctx: Context, match: Match
) -> Truth | Outcome:
    """A value test on an unknown value: a partly known ID or a map key read by a literal key
    can still be tested; otherwise the answer is mostly unknown too."""
    node = match.node
    known = _partial_guid(node, transforms)
    if known is None:
        known = _index_key(node, transforms)
    if known is not None:
        return _TESTS[op](known, argument, resource, ctx, match)
    if op == "in" and isinstance(argument, list) and not argument:
        return False  # whatever the value turns out to be, it is not in an empty list
    if op == "matches" and not match.beyond:  # the known text is this value's own
        return _partial_match(node.value, argument)
    return None


def _selector(path: str) -> Selector:
    """Paths are relative to the resource, or to the element a `has` condition is looking at:
    there `.` is the element itself and `@key` its map key. `@instances` is how many instances
    the resource's `count`/`for_each` (ARM `copy`) makes."""
    if path == ".":
        return lambda resource: [Match(resource.body, "")]
    if path == "@key":
        return _element_key
    if path == "@instances":
        return _instances
    segments = path.split(".")
    return lambda resource: select_split(resource.body, path, segments)


def _element_key(resource: Resource) -> list[Match]:
    key = resource.meta.get("key")
    return [Match(Node(key, resource.body.loc), "")] if isinstance(key, str) else []


def _instances(resource: Resource) -> list[Match]:
    count = resource.meta.get("instances", 1)
    return [Match(Node(Unknown("the instance count") if count is None else count, resource.loc), "")]


def _has(node: Node, condition: Compiled, resource: Resource, ctx: Context, match: Match) -> Outcome:
    """Test a condition on one element, so `name` and `value` are read from the same entry.
    On a list (blocks, arrays) each element is tried in turn."""
    if isinstance(node.value, Unknown):
        return _BARE[None]
    if isinstance(node.value, list):
        truth: Truth = False
        for i, item in enumerate(node.value):
            prefix = f"{match.path}.{i}" if match.path else str(i)
            element = Match(item, prefix, match.key)
            outcome = _has(item, condition, resource, ctx, element)
            if outcome.truth:
                return Outcome(True, outcome.witness or element)
            truth = None if outcome.truth is None else truth
        return _BARE[truth]
    scoped = replace(resource, body=node, meta={**resource.meta, "key": match.key})
    outcome = condition(scoped, ctx)
    if outcome.witness is None:
        return outcome
    # A witness of `.` or `@key` is the element itself: its path is the element's.
    path = ".".join(p for p in (match.path, outcome.witness.path) if p)
    return Outcome(outcome.truth, Match(outcome.witness.node, path, outcome.witness.key))


def _partial_guid(node: Node, transforms: Any) -> str | None:
    """`trailing_guid` of a partly known ID (`concat(subscription().id, '/.../<guid>')`)."""
    if "trailing_guid" not in transforms or not isinstance(node.value, Unknown) or node.value.partial is None:
        return None
    return _trailing_guid(node.value.partial)


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


def _param(argument: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(argument, Mapping) and set(argument) == {"param"}:
        return params[argument["param"]]
    if isinstance(argument, Mapping):
        return {k: _param(v, params) for k, v in argument.items()}
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
            return Outcome(True, match) if wanted else _BARE[False]
        if state is None:
            seen = None
    if seen is None:
        return _BARE[None]
    return _BARE[not wanted]


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
            guid = _trailing_guid(value)
            value = value if guid is None else guid
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


@functools.lru_cache(maxsize=4096)
def _trailing_guid(text: str) -> str | None:
    """The GUID an ID ends with, lower-cased. Memoised: every role assignment rule asks it of
    the same role definition IDs, and the search tries every position of a long ID."""
    found = _GUID_AT_END.search(text)
    return found.group(1).lower() if found else None


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


class _References(NamedTuple):
    """A `references` argument made ready: the wanted types casefolded."""

    types: frozenset[str]
    attribute: str | None

    @classmethod
    def of(cls, spec: Mapping[str, Any]) -> _References:
        return cls(frozenset(t.casefold() for t in spec["types"]), spec.get("attribute"))


def _references(node: Node, spec: _References, resource: Resource, ctx: Context, match: Match) -> Truth:
    refs = node.all_refs()
    for ref in refs:
        attribute_ok = spec.attribute is None or _attribute_glob(ref.attribute, spec.attribute)
        if attribute_ok and ctx.graph.type_of(resource, ref) in spec.types:
            ctx.facts["target"] = ref.address
            return True
    if not refs and isinstance(node.value, Unknown):
        return None
    return False


@functools.lru_cache(maxsize=65536)
def _attribute_glob(attribute: str, pattern: str) -> bool:
    """Memoised: output rules ask it of every reference every output makes."""
    return fnmatch.fnmatch(attribute.casefold(), pattern.casefold())


class _Target(NamedTuple):
    """A `target` argument made ready: the wanted types casefolded, `where` compiled."""

    types: tuple[str, ...]
    where: Compiled


def _target(node: Node, spec: _Target, resource: Resource, ctx: Context, match: Match) -> Truth:
    """Follow the references at this node and test `where` on the resources they point at.
    In ARM a resource ID written out (`resourceId(...)`, `Microsoft.Web/sites/app`) names one too."""
    truth: Truth = None if isinstance(node.value, Unknown) else False
    types = spec.types
    refs = node.all_refs()
    if not refs and resource.dialect == "arm" and isinstance(node.value, str):
        refs = (Ref(node.value),)
    for ref in refs:
        if types and ctx.graph.type_of(resource, ref) not in types:
            continue
        other = ctx.graph.target(resource, ref)
        if other is None:
            continue
        outcome = spec.where(other, ctx)
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


def _classify(node: Node, resource: Resource, ctx: Context) -> str:
    for ref in node.all_refs():
        kind = _principal_kind(ctx, ctx.graph.type_of(resource, ref), ref.attribute)
        if kind is not None:
            declared = ctx.graph.target(resource, ref)
            ctx.facts.setdefault("principal_ref", declared.address if declared else ref.address)
            return kind
    return "unknown"


def _principal_kind(ctx: Context, type_name: str, attribute: str) -> str | None:
    """The kind of the first `principal_kinds` row a reference matches, looked up once."""
    table = ctx.tables["principal_kinds"]
    derived = _derived(table)
    key = ("kind", type_name, attribute)
    if key not in derived:
        found = next((row for row in table.rows if _ref_matches(row, type_name, attribute)), None)
        derived[key] = None if found is None else str(found["kind"])
    kind: str | None = derived[key]
    return kind


_DERIVED: dict[int, tuple[Table, dict[tuple[str, ...], Any]]] = {}


def _derived(table: Table) -> dict[tuple[str, ...], Any]:
    """What tests work out from a table (an index, a choice of rows), kept with the table: a
    run evaluates graph after graph with the same tables. By identity, as tables are not
    hashable; the entry holds the table, so its `id` is not reused meanwhile."""
    entry = _DERIVED.get(id(table))
    if entry is None:
        if len(_DERIVED) >= 64:
            _DERIVED.clear()  # tables of rule packs loaded earlier in a long-lived process
        entry = _DERIVED[id(table)] = (table, {})
    return entry[1]


def _principal(node: Node, kinds: list[str], resource: Resource, ctx: Context, match: Match) -> Truth:
    kind = _classify(node, resource, ctx)
    ctx.facts["principal"] = kind.replace("_", " ")
    named = ctx.facts.get("principal_ref") or node.text or str(node.value)
    label = "principal" if kind == "unknown" else ctx.facts["principal"]
    ctx.facts["principal_desc"] = f"{label} `{named}`"
    if kind in kinds:
        return True
    return None if kind == "unknown" else False


def _scope_class(node: Node, classes: list[str], resource: Resource, ctx: Context, match: Match) -> Truth:
    types = [ctx.graph.type_of(resource, r) for r in node.all_refs()]
    found = _scope_class_of(node, _scope_rows(ctx.tables["scope_classes"]), types)
    if found is None:
        return None
    ctx.facts["scope"] = found.replace("_", " ")
    return found in classes


def scope_of(node: Node, table: Table, ref_types: list[str] | None = None) -> str | None:
    """The scope class of a scope value: from its literal text, else from what it references.

    In a template such as `/subscriptions/${var.id}` each unknown part is taken to be one path
    segment (an id), which is what such templates interpolate in practice.
    """
    return _scope_class_of(node, _scope_rows(table), ref_types)


class _ScopeRows(NamedTuple):
    """The `scope_classes` rows that match text and those that match references."""

    patterns: list[Mapping[str, Any]]
    references: list[Mapping[str, Any]]

    @classmethod
    def of(cls, table: Table) -> _ScopeRows:
        return cls(table.select({"match": "pattern"}), table.select({"match": "reference"}))


def _scope_rows(table: Table) -> _ScopeRows:
    """The table's rows for text and for references, sorted out once."""
    derived = _derived(table)
    key = ("scope rows",)
    if key not in derived:
        derived[key] = _ScopeRows.of(table)
    rows: _ScopeRows = derived[key]
    return rows


def _scope_class_of(node: Node, rows: _ScopeRows, ref_types: list[str] | None) -> str | None:
    text = node.value
    if isinstance(text, Unknown) and text.partial is not None:
        text = text.partial.replace(PLACEHOLDER, "x")
    if isinstance(text, str):
        for row in rows.patterns:
            if compiled(str(row["pattern"])).search(text):
                return str(row["class"])
        return None
    refs = node.all_refs()
    types = ref_types if ref_types is not None else [ref_type(r).casefold() for r in refs]
    for ref, type_name in zip(refs, types, strict=True):
        for row in rows.references:
            if _ref_matches(row, type_name, ref.attribute):
                return str(row["class"])
    return None


def _literal(node: Node, wanted: bool, *_: Any) -> Truth:
    """Whether the value is written out in the resource itself rather than read from a
    variable, parameter, local or another resource (those carry their expression text)."""
    written = node.known and not node.text and not node.all_refs()
    return written == bool(wanted)


def _in_table(value: Any, spec: Mapping[str, Any], resource: Resource, ctx: Context, match: Match) -> Truth:
    row = _table_row(ctx, spec["table"], spec["column"], value)
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


def _table_row(ctx: Context, name: str, column: str, value: Any) -> Mapping[str, Any] | None:
    """`Table.find`, through an index for a text value: strings compare case-insensitively,
    and the first row with a value wins, as in a scan. Other values are scanned for."""
    table = ctx.tables[name]
    if not isinstance(value, str):
        return table.find(column, value)
    derived = _derived(table)
    key = ("index", column)
    if key not in derived:
        index: dict[str, Mapping[str, Any]] = {}
        for row in table.rows:
            if isinstance(row.get(column), str):
                index.setdefault(row[column].casefold(), row)
        derived[key] = index
    found: Mapping[str, Any] | None = derived[key].get(value.casefold())
    return found


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
