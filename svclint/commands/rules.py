"""`svclint rules`: the rule list, as a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from svclint.engine.loader import Rule, load_rules


def rules(output_format: str, rules_dirs: Sequence[Path]) -> int:
    loaded, _ = load_rules(rules_dirs)
    if output_format == "json":
        click.echo(json.dumps([_as_dict(r) for r in loaded], indent=2))
        return 0
    rows = [(r.id, r.severity, ",".join(r.dialects), "on" if r.default_enabled else "opt-in", r.title) for r in loaded]
    header = ("ID", "SEVERITY", "DIALECTS", "DEFAULT", "TITLE")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return 0


def _as_dict(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "severity": rule.severity,
        "dialects": list(rule.dialects),
        "default_enabled": rule.default_enabled,
        "tags": list(rule.tags),
        "params": dict(rule.params),
        "help_uri": rule.help_uri,
        "source": dict(rule.source),
    }
