"""GitHub Actions workflow commands: one `::error file=...::message` annotation per finding.

GitHub requires `%`, CR and LF escaped in the message, and additionally `:` and `,` in
property values; see "Workflow commands for GitHub Actions".
"""

from __future__ import annotations

from typing import TextIO

from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.paths import portable
from svclint.report.summary import summary_line

LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str,
    path: str,
    line: int,
    col: int,
    title: str,
    message: str,
    end: tuple[int, int] | None = None,
) -> str:
    props = [f"file={escape_property(path)}", f"line={line}", f"col={col}"]
    if end is not None:
        props += [f"endLine={end[0]}", f"endColumn={end[1]}"]
    props.append(f"title={escape_property(title)}")
    return f"::{LEVELS[level]} {','.join(props)}::{escape_data(message)}"


def render(result: LintResult, stream: TextIO, context: ReportContext) -> None:
    result = portable(result, context.absolute_paths)
    for diag in result.diagnostics:
        stream.write(annotation(diag.level, diag.path, diag.line, diag.column, "svclint", diag.message) + "\n")
    for f in result.findings:
        loc = f.loc
        end = (loc.end_line, loc.end_column) if loc.end_line == loc.line else None
        stream.write(annotation(f.severity, loc.path, loc.line, loc.column, f.rule_id, f.message, end) + "\n")
    stream.write(summary_line(result) + "\n")
