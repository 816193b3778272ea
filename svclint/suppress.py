"""The only reader of `svclint:ignore` comments and of config-level path ignores.

    # svclint:ignore SVC012,SVC013 until=2027-03-31 -- vendor tool only accepts secrets

A suppression names its rules and gives a reason. It applies to findings on its own line
(a trailing comment), on the line below (a comment alone on its line), or anywhere in the
resource whose header it trails or precedes. Suppressions that matched nothing, expired,
were malformed or targeted an unsuppressible rule are reported as diagnostics.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from svclint.model import Comment, Diagnostic, Finding

_MARKER = re.compile(r"svclint:\s*ignore\b(?P<body>.*)", re.IGNORECASE | re.DOTALL)
_RULE = re.compile(r"^[A-Z][A-Z0-9]*\d{3}$")
_UNTIL = re.compile(r"\buntil=(\S+)")


@dataclass(frozen=True, slots=True)
class Suppression:
    path: str
    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    until: date | None
    standalone: bool


@dataclass
class Outcome:
    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def parse_suppressions(path: str, comments: Iterable[Comment]) -> tuple[list[Suppression], list[Diagnostic]]:
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for comment in comments:
        match = _MARKER.search(comment.text)
        if match is None:
            continue
        body, _, reason = match.group("body").partition("--")
        until_match = _UNTIL.search(body)
        words = _UNTIL.sub(" ", body).replace(",", " ").split()
        rules = tuple(w.upper() for w in words)
        where = (path, comment.line, comment.column)
        bad = [w for w in rules if not _RULE.match(w)]
        if not rules or bad:
            text = f"not a rule id: {', '.join(bad)}" if bad else "names no rule"
            problems.append(
                Diagnostic(
                    *where,
                    f"suppression {text}; write `svclint:ignore SVC012 -- reason`",
                    "warning",
                )
            )
            continue
        if not reason.strip():
            problems.append(
                Diagnostic(
                    *where,
                    f"suppression of {', '.join(rules)} needs a reason after '--'",
                    "warning",
                )
            )
            continue
        until = _date(until_match.group(1)) if until_match else None
        if until_match and until is None:
            problems.append(
                Diagnostic(
                    *where,
                    f"suppression has a bad date {until_match.group(1)!r} (use YYYY-MM-DD)",
                    "warning",
                )
            )
            continue
        found.append(Suppression(path, comment.line, comment.column, rules, reason.strip(), until, comment.standalone))
    return found, problems


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def apply(
    findings: Sequence[Finding],
    suppressions: Sequence[Suppression],
    headers: Mapping[tuple[str, str], int],
    today: date,
    unsuppressible: Iterable[str] = (),
    active_rules: Iterable[str] = (),
) -> Outcome:
    """Split findings into kept and suppressed; report suppressions that did not work."""
    locked = set(unsuppressible)
    outcome = Outcome()
    used: set[tuple[Suppression, str]] = set()
    refused: set[Suppression] = set()
    by_path: dict[str, list[Suppression]] = {}
    for item in suppressions:
        by_path.setdefault(item.path, []).append(item)
    for finding in findings:
        header = headers.get((finding.loc.path, finding.address), 0)
        match = next(
            (
                s
                for s in by_path.get(finding.loc.path, ())
                if finding.rule_id in s.rules and _covers(s, finding, header)
            ),
            None,
        )
        if match is None:
            outcome.kept.append(finding)
            continue
        used.add((match, finding.rule_id))
        if finding.rule_id in locked:
            refused.add(match)
            outcome.kept.append(finding)
        elif match.until is not None and match.until < today:
            outcome.kept.append(finding)
        else:
            outcome.suppressed.append(finding)
    outcome.diagnostics = _report(suppressions, used, refused, locked, today, set(active_rules))
    return outcome


def _covers(item: Suppression, finding: Finding, header: int) -> bool:
    below = item.line + 1 if item.standalone else item.line
    return finding.loc.line in (item.line, below) or header in (item.line, below)


def _report(
    suppressions: Sequence[Suppression],
    used: set[tuple[Suppression, str]],
    refused: set[Suppression],
    locked: set[str],
    today: date,
    active: set[str],
) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for item in suppressions:
        where = (item.path, item.line, item.column)
        if item in refused:
            names = ", ".join(r for r in item.rules if r in locked)
            problems.append(Diagnostic(*where, f"{names} may not be suppressed (unsuppressible in config)", "warning"))
        if item.until is not None and item.until < today:
            problems.append(Diagnostic(*where, f"suppression expired on {item.until.isoformat()}", "warning"))
            continue
        unused = [r for r in item.rules if r in active and (item, r) not in used]
        if unused:
            problems.append(Diagnostic(*where, f"unused suppression for {', '.join(unused)}", "note"))
    return problems


def path_ignored(finding: Finding, patterns: Mapping[str, Sequence[str]], root: Path) -> bool:
    """Config `per-path-ignores`: glob (relative to the config file) -> rule ids or prefixes."""
    if not patterns:
        return False
    absolute = Path(finding.loc.path).resolve()
    try:
        relative = absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = finding.loc.path
    for pattern, rules in patterns.items():
        if fnmatch.fnmatch(relative, pattern) and any(finding.rule_id.startswith(r) for r in rules):
            return True
    return False
