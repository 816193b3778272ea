"""Machine-readable findings: a stable, documented JSON object."""

from __future__ import annotations

import json
from typing import Any, TextIO

from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.fingerprint import fingerprint
from svclint.report.paths import portable


def render(result: LintResult, stream: TextIO, context: ReportContext) -> None:
    result = portable(result, context.absolute_paths)
    document: dict[str, Any] = {
        "tool": {"name": "svclint", "version": context.version},
        "summary": {
            "files": result.files,
            "findings": len(result.findings),
            "by_severity": {
                s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "note")
            },
            "diagnostics": len(result.diagnostics),
        },
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity,
                "message": f.message,
                "path": f.loc.path,
                "line": f.loc.line,
                "column": f.loc.column,
                "end_line": f.loc.end_line,
                "end_column": f.loc.end_column,
                "address": f.address,
                "attribute": f.attribute,
                "fingerprint": fingerprint(f),
            }
            for f in result.findings
        ],
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "level": d.level,
                "message": d.message,
            }
            for d in result.diagnostics
        ],
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
