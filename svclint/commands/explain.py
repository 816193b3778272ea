"""`svclint explain ID`: why a rule exists, what Microsoft says, what to write instead."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import click

from svclint.engine.loader import Rule, load_rules
from svclint.errors import ConfigError


def explain(rule_id: str, rules_dirs: Sequence[Path]) -> int:
    loaded, _ = load_rules(rules_dirs)
    wanted = rule_id.upper()
    rule = next((r for r in loaded if r.id == wanted or wanted in r.aliases), None)
    if rule is None:
        raise ConfigError(f"unknown rule {rule_id!r}; `svclint rules` lists them")
    click.echo(render(rule))
    return 0


def _wrap(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=96, initial_indent="  ", subsequent_indent="  ")


def render(rule: Rule) -> str:
    lines = [
        f"{rule.id} {rule.name}: {rule.title}",
        f"  severity: {rule.severity}   dialects: {', '.join(rule.dialects)}   "
        f"default: {'on' if rule.default_enabled else 'opt-in'}",
        "",
        "Why",
        _wrap(rule.rationale),
        "",
        f"Microsoft: {rule.source['document']}",
        _wrap(f'"{rule.source["quote"]}"'),
        f"  {rule.source['url']}",
        "",
        "Fix",
        _wrap(rule.remediation),
    ]
    if rule.params:
        lines += ["", "Options"]
        lines += [f"  {name} (default {value!r}): {rule.param_docs[name]}" for name, value in rule.params.items()]
    for dialect, example in rule.examples.items():
        lines += ["", f"Violating ({dialect})", textwrap.indent(example["bad"].rstrip(), "    ")]
        lines += ["", f"Compliant ({dialect})", textwrap.indent(example["good"].rstrip(), "    ")]
    lines += ["", f"More: {rule.help_uri}"]
    return "\n".join(lines)
