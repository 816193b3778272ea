"""Which rules run: `--select`/`--ignore` by id prefix, the longest prefix wins (as flake8)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from svclint.engine.loader import Rule
from svclint.errors import ConfigError


def _longest(rule: Rule, prefixes: Sequence[str]) -> int:
    names = (rule.id, *rule.aliases)
    lengths = [len(p) for p in prefixes for name in names if p == "ALL" or name.startswith(p)]
    return max(lengths, default=-1)


def select_rules(rules: Iterable[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """Rules to run. Opt-in rules (default_enabled: false) run only when selected explicitly."""
    rules = list(rules)
    for prefix in (*select, *ignore):
        if prefix != "ALL" and not any(r.id.startswith(prefix) or prefix in r.aliases for r in rules):
            raise ConfigError(f"unknown rule or prefix {prefix!r} in --select/--ignore")
    chosen = []
    for rule in rules:
        selected, ignored = _longest(rule, select), _longest(rule, ignore)
        # Neither list names the rule: it runs if it is on by default and nothing was selected.
        unnamed = selected < 0 and ignored < 0
        if (rule.default_enabled and not select) if unnamed else selected > ignored:
            chosen.append(rule)
    return chosen


def split_ids(values: Iterable[str]) -> list[str]:
    """`--select SVC001,SVC002 --select SVC01` -> ['SVC001', 'SVC002', 'SVC01']."""
    return [part.strip().upper() for value in values for part in value.split(",") if part.strip()]
