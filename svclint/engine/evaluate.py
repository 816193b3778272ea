"""The only loop over rules and resources. It stamps rule id and configured severity on findings.

Resources are looked up by type, so each rule only sees the resources it targets. Per rule and
resource the first check whose condition holds wins: checks are ordered most severe first.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from svclint.engine.conditions import Compiled, Context, Outcome, compile_condition
from svclint.engine.graph import Graph
from svclint.engine.loader import Check, Rule
from svclint.engine.paths import select
from svclint.engine.tables import Table
from svclint.masking import masked_value
from svclint.model import PLACEHOLDER, SEVERITY_RANK, Dialect, Finding, Location, Resource, Severity, Unknown


@dataclass(frozen=True)
class Settings:
    """Run-wide evaluation settings (what the CLI and config decide, never the rule)."""

    now: datetime
    strict: bool = False
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def run_rules(
    rules: Iterable[Rule], graph: Graph, tables: Mapping[str, Table], settings: Settings
) -> Iterator[Finding]:
    """The rules' findings on one graph, rule by rule. Only the rules that target a type the
    graph has resources of are looked at; they are compiled once for all the graphs of a run."""
    ctx = Context(graph, tables, {}, settings.now)  # one for the graph: what it works out holds for every rule
    for plan, work in _rule_set(list(rules), settings).targeting(graph.type_keys()):
        ctx.params = plan.params
        yield from _rule_findings(plan, work, ctx, settings)


@dataclass(frozen=True, slots=True)
class _Ready:
    """A check made ready for many resources: its types casefolded, its condition compiled."""

    check: Check
    types: frozenset[str]
    test: Compiled | None

    @classmethod
    def of(cls, check: Check, params: Mapping[str, Any]) -> _Ready:
        test = compile_condition(check.when, params) if check.when else None
        return cls(check, frozenset(t.casefold() for t in check.resources), test)


class _Plan:
    """A rule's checks for one dialect, made ready for all the graphs of a run: the types they
    target, casefolded, and, once a resource of one of them turns up, the compiled checks
    that apply to each type."""

    def __init__(self, rule: Rule, dialect: Dialect, params: dict[str, Any]) -> None:
        self.rule = rule
        self.dialect = dialect
        self.params = params
        self.param_fields = {f"param_{k}": v for k, v in params.items()}
        # The order the checks first name the types in is the order resources are taken in.
        keys = dict.fromkeys(t.casefold() for check in rule.checks[dialect] for t in check.resources)
        self._order = {key: i for i, key in enumerate(keys)}
        self.types = self._order.keys()
        self._ready: list[_Ready] = []
        self._by_type: dict[str, list[_Ready]] = {}

    def keys_in(self, present: Set[str]) -> list[str]:
        """The types the checks target that the graph has resources of, in the checks' order."""
        return sorted(present & self.types, key=self._order.__getitem__)

    def checks_for(self, key: str) -> list[_Ready]:
        """The checks that target resources of type `key`, in the rule's order."""
        found = self._by_type.get(key)
        if found is None:
            self._ready = self._ready or [_Ready.of(c, self.params) for c in self.rule.checks[self.dialect]]
            found = self._by_type[key] = [item for item in self._ready if key in item.types]
        return found


_Work = list[tuple[str, list[_Ready]]]
"""The types of a graph a plan targets, in the plan's order, each with the checks for it."""


class _RuleSet:
    """A run's rules made ready, their plans indexed by the types they target: svclint
    evaluates graph after graph (unit by unit), each of a few types, and most rules target
    none of them."""

    def __init__(self, rules: list[Rule], settings: Settings) -> None:
        self.rules = rules
        self.settings = settings
        self._plans: list[_Plan] = []
        self._by_type: dict[str, list[int]] = defaultdict(list)
        self._targeting: dict[frozenset[str], list[tuple[_Plan, _Work]]] = {}
        for rule in rules:
            params = {**rule.params, **settings.params.get(rule.id, {})}
            for dialect in rule.checks:
                plan = _Plan(rule, dialect, params)
                for key in plan.types:
                    self._by_type[key].append(len(self._plans))
                self._plans.append(plan)

    def serves(self, rules: list[Rule], settings: Settings) -> bool:
        """Whether this is made of these very rules and settings."""
        return self.settings is settings and len(self.rules) == len(rules) and all(map(operator.is_, self.rules, rules))

    def targeting(self, present: Iterable[str]) -> list[tuple[_Plan, _Work]]:
        """For a graph with resources of these types: the plans that target any, in the order
        of the rules and dialects, with their work. Kept for each set of types, as the graphs
        of a run have few different ones."""
        types = frozenset(present)
        found = self._targeting.get(types)
        if found is None:
            plans = [self._plans[i] for i in sorted({i for key in types for i in self._by_type.get(key, ())})]
            found = [(plan, [(key, plan.checks_for(key)) for key in plan.keys_in(types)]) for plan in plans]
            self._targeting[types] = found
        return found


_last_rule_set: _RuleSet | None = None


def _rule_set(rules: list[Rule], settings: Settings) -> _RuleSet:
    """The rule set made of these rules and settings: a run passes the same ones for every
    graph, so the last one made is kept (with its compiled checks)."""
    global _last_rule_set
    if _last_rule_set is None or not _last_rule_set.serves(rules, settings):
        _last_rule_set = _RuleSet(rules, settings)
    return _last_rule_set


class _Verdict(NamedTuple):
    """What a check says of a resource, with the facts its evaluation gathered."""

    check: Check
    outcome: Outcome
    facts: dict[str, str]


def _rule_findings(plan: _Plan, work: _Work, ctx: Context, settings: Settings) -> Iterator[Finding]:
    """The findings of one rule's checks for a dialect, resource by resource, a type at a time
    (that is the order of the checks' resources, without looking a resource up twice)."""
    for key, checks in work:
        for resource in ctx.graph.of_type(key):
            if resource.dialect == plan.dialect:
                finding = _first_finding(plan, checks, resource, ctx, settings)
                if finding is not None:
                    yield finding


def _first_finding(
    plan: _Plan, checks: list[_Ready], resource: Resource, ctx: Context, settings: Settings
) -> Finding | None:
    """The first check that holds. Under --strict, when none holds but some are unknown, the
    most severe unknown check counts: a downgrading check (a note listed first) that merely
    cannot be decided must not hide the error a later check stands for.

    One context serves every check of the rule; its facts start empty for each evaluation and
    a verdict keeps its own, as they feed the message."""
    rule = plan.rule
    unsure: _Verdict | None = None
    for item in checks:
        ctx.facts = {}
        outcome = item.test(resource, ctx) if item.test else Outcome(True)
        if outcome.truth:
            return _finding(rule, _Verdict(item.check, outcome, ctx.facts), resource, plan.param_fields, settings)
        if (
            outcome.truth is None
            and settings.strict
            and (unsure is None or _rank(rule, item.check) > _rank(rule, unsure.check))
        ):
            unsure = _Verdict(item.check, outcome, ctx.facts)
    return None if unsure is None else _finding(rule, unsure, resource, plan.param_fields, settings)


def _rank(rule: Rule, check: Check) -> int:
    return SEVERITY_RANK[check.severity or rule.severity]


def _finding(
    rule: Rule, verdict: _Verdict, resource: Resource, param_fields: Mapping[str, Any], settings: Settings
) -> Finding:
    check, outcome = verdict.check, verdict.outcome
    severity = settings.severity_overrides.get(rule.id) or check.severity or rule.severity
    loc: Location = resource.loc
    attribute = ""
    value: Any = ""
    witness = outcome.witness
    if check.at == ".":
        witness = None  # the rule is about the resource as a whole: point at its header
    elif check.at is not None:
        found = select(resource.body, check.at)
        witness = found[0] if found else witness
    if witness is not None:
        loc, attribute = witness.node.loc, witness.path
        value = witness.node.value
    fields = _Fields(attribute, value)
    fields.update(address=resource.address, type=resource.type, name=resource.address.rsplit(".", 1)[-1])
    fields.update(attribute=attribute)
    fields.update(param_fields)
    fields.update(verdict.facts)
    message = check.message.format_map(fields)
    if outcome.truth is None:
        message += " (unknown value counted by --strict)"
    return Finding(rule.id, severity, message, loc, resource.address, attribute)


def _shown(value: Any) -> Any:
    """A value for a message; the known text of a template, with `…` for its unknown parts."""
    if not isinstance(value, Unknown):
        return value
    return "(unknown)" if value.partial is None else value.partial.replace(PLACEHOLDER, "…")


class _Fields(dict[str, Any]):
    """A message's fields. `value` is worked out only if the message shows it, as masking it
    scans the text; a field no finding has is `?`."""

    def __init__(self, attribute: str, value: Any) -> None:
        super().__init__()
        self._attribute = attribute
        self._value = value

    def __missing__(self, key: str) -> Any:
        if key == "value":
            return masked_value(self._attribute, _shown(self._value))  # secrets never reach a report
        return "?"
