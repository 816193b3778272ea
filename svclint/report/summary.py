"""Counts shared by the human-facing formats."""

from __future__ import annotations

from collections import Counter

from svclint.pipeline import LintResult


def summary_line(result: LintResult) -> str:
    counts = Counter(f.severity for f in result.findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
        for s in ("error", "warning", "note")
        if counts[s]
    ]
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    problems = ""
    if result.diagnostics:
        n = len(result.diagnostics)
        problems = f"; {n} file problem{'s' if n != 1 else ''} (see above)"
    if not result.findings:
        return f"No findings in {files}{problems}."
    total = len(result.findings)
    plural = "s" if total != 1 else ""
    return f"Found {total} finding{plural} ({', '.join(parts)}) in {files}{problems}."
