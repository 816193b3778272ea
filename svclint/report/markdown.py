"""A markdown summary for `$GITHUB_STEP_SUMMARY` or a PR comment.

GitHub caps a step summary at 1 MiB, so the findings table stops well before that and says
how many rows it left out.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.paths import portable
from svclint.report.summary import summary_line

MAX_BYTES = 900_000
_ICONS = {"error": "🔴 error", "warning": "🟠 warning", "note": "🔵 note"}


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def render(result: LintResult, stream: TextIO, context: ReportContext) -> None:
    result = portable(result, context.absolute_paths)
    parts = [f"## svclint {context.version}".rstrip(), "", summary_line(result), ""]
    counts = Counter(f.rule_id for f in result.findings)
    if counts:
        titles = {r.id: r.title for r in result.rules}
        parts += ["| rule | findings | title |", "|---|---:|---|"]
        parts += [f"| {rid} | {n} | {cell(titles.get(rid, ''))} |" for rid, n in sorted(counts.items())]
        parts += ["", "| severity | location | rule | message |", "|---|---|---|---|"]
    size = sum(len(p.encode()) + 1 for p in parts)
    rows = 0
    for f in result.findings:
        row = f"| {_ICONS[f.severity]} | `{cell(f.loc.path)}:{f.loc.line}` | {f.rule_id} | {cell(f.message)} |"
        size += len(row.encode()) + 1
        if size > MAX_BYTES:
            break
        parts.append(row)
        rows += 1
    if rows < len(result.findings):
        parts += [
            "",
            f"… and {len(result.findings) - rows} more findings (see the SARIF report or the job log).",
        ]
    if result.diagnostics:
        parts += ["", "### Files svclint could not fully read", ""]
        parts += [f"- `{cell(d.path)}:{d.line}:{d.column}` {cell(d.message)}" for d in result.diagnostics[:200]]
    stream.write("\n".join(parts) + "\n")
