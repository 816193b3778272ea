"""`path:line:col: SVC012 message`, one line per finding, like ruff and flake8."""

from __future__ import annotations

from typing import TextIO

from svclint.model import Diagnostic, Finding
from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.summary import summary_line

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(result: LintResult, stream: TextIO, context: ReportContext) -> None:
    items: list[Finding | Diagnostic] = [*result.diagnostics, *result.findings]
    items.sort(key=lambda i: (_path(i), *_position(i), 0 if isinstance(i, Diagnostic) else 1))
    for item in items:
        stream.write(_line_for(item, context.color) + "\n")
    for entry in result.fixed:
        stream.write(f"fixed since the baseline: {entry}\n")
    stream.write(summary_line(result) + "\n")


def _path(item: Finding | Diagnostic) -> str:
    return item.loc.path if isinstance(item, Finding) else item.path


def _position(item: Finding | Diagnostic) -> tuple[int, int]:
    return (item.loc.line, item.loc.column) if isinstance(item, Finding) else (item.line, item.column)


def _line_for(item: Finding | Diagnostic, color: bool) -> str:
    if isinstance(item, Diagnostic):
        where = f"{item.path}:{item.line}:{item.column}:"
        return f"{_BOLD}{where}{_RESET} {item.message}" if color else f"{where} {item.message}"
    where = f"{item.loc.path}:{item.loc.line}:{item.loc.column}:"
    if not color:
        return f"{where} {item.rule_id} {item.message}"
    code = f"{_COLORS[item.severity]}{item.rule_id}{_RESET}"
    return f"{_BOLD}{where}{_RESET} {code} {item.message}"
