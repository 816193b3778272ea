"""The only loop over rules and resources. It stamps rule id and configured severity on findings.

Resources are looked up by type, so each rule only sees the resources it targets. Per rule and
resource the first check whose condition holds wins: checks are ordered most severe first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from svclint.engine.conditions import Context, Outcome, evaluate
from svclint.engine.graph import Graph, type_key
from svclint.engine.loader import Check, Rule
from svclint.engine.paths import select
from svclint.engine.tables import Table
from svclint.masking import masked_value
from svclint.model import PLACEHOLDER, SEVERITY_RANK, Finding, Location, Resource, Severity, Unknown


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
    for rule in rules:
        params = {**rule.params, **settings.params.get(rule.id, {})}
        for dialect, checks in rule.checks.items():
            yield from _rule_findings(rule, dialect, checks, graph, tables, params, settings)


def _rule_findings(
    rule: Rule,
    dialect: str,
    checks: tuple[Check, ...],
    graph: Graph,
    tables: Mapping[str, Table],
    params: Mapping[str, Any],
    settings: Settings,
) -> Iterator[Finding]:
    """Per resource, the first check that holds. Under --strict, when none holds but some are
    unknown, the most severe unknown check counts: a downgrading check (a note listed first)
    that merely cannot be decided must not hide the error a later check stands for."""
    for resource in _targets(checks, graph, dialect):
        unsure: tuple[Check, Outcome, Context] | None = None
        for check in checks:
            if _targeted(resource, check):
                ctx = Context(graph, tables, params, settings.now)
                outcome = evaluate(check.when, resource, ctx) if check.when else Outcome(True)
                if outcome.truth:
                    yield _finding(rule, check, resource, outcome, ctx, settings)
                    break
                if (
                    outcome.truth is None
                    and settings.strict
                    and (unsure is None or _rank(rule, check) > _rank(rule, unsure[0]))
                ):
                    unsure = (check, outcome, ctx)
        else:
            if unsure is not None:
                yield _finding(rule, unsure[0], resource, unsure[1], unsure[2], settings)


def _targets(checks: tuple[Check, ...], graph: Graph, dialect: str) -> list[Resource]:
    """The resources any check targets, each once, in a stable order."""
    found: dict[int, Resource] = {}
    for check in checks:
        for type_name in check.resources:
            for resource in graph.of_type(type_name):
                if resource.dialect == dialect:
                    found.setdefault(id(resource), resource)
    return list(found.values())


def _targeted(resource: Resource, check: Check) -> bool:
    key = type_key(resource)
    return any(key == t.casefold() for t in check.resources)


def _rank(rule: Rule, check: Check) -> int:
    return SEVERITY_RANK[check.severity or rule.severity]


def _finding(
    rule: Rule, check: Check, resource: Resource, outcome: Outcome, ctx: Context, settings: Settings
) -> Finding:
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
    fields = {
        "address": resource.address,
        "type": resource.type,
        "name": resource.address.rsplit(".", 1)[-1],
        "attribute": attribute,
        "value": masked_value(attribute, _shown(value)),  # secrets never reach a report
        **{f"param_{k}": v for k, v in ctx.params.items()},
        **ctx.facts,
    }
    message = check.message.format_map(_Fields(fields))
    if outcome.truth is None:
        message += " (unknown value counted by --strict)"
    return Finding(rule.id, severity, message, loc, resource.address, attribute)


def _shown(value: Any) -> Any:
    """A value for a message; the known text of a template, with `…` for its unknown parts."""
    if not isinstance(value, Unknown):
        return value
    return "(unknown)" if value.partial is None else value.partial.replace(PLACEHOLDER, "…")


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"
