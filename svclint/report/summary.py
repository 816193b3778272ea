"""Counts shared by the human-facing formats."""

from __future__ import annotations

from collections import Counter

from svclint.pipeline import LintResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary_line(result: LintResult) -> str:
    counts = Counter(f.severity for f in result.findings)
    files = _plural(result.files, "file")
    extras = [f"{result.counts[k]} {k}" for k in ("suppressed", "baselined") if result.counts.get(k)]
    if result.counts.get("fixed"):
        extras.append(f"{result.counts['fixed']} fixed since the baseline")
    if result.diagnostics:
        extras.append(f"{_plural(len(result.diagnostics), 'file problem')} (see above)")
    tail = f"; {', '.join(extras)}" if extras else ""
    if not result.findings:
        return f"No {'new ' if 'baselined' in result.counts else ''}findings in {files}{tail}."
    parts = [_plural(counts[s], s) for s in ("error", "warning", "note") if counts[s]]
    new = "new " if "baselined" in result.counts else ""
    total = len(result.findings)
    return f"Found {total} {new}finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {files}{tail}."
