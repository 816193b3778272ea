"""The markdown job summary stays under GitHub's 1 MiB limit, however many findings."""

from __future__ import annotations

import io

from svclint.model import Finding, Location
from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.markdown import render


def _findings(n: int) -> list[Finding]:
    message = "Service principal `azuread_service_principal.x` has a | pipe and a long message " * 3
    return [
        Finding("SVC012", "warning", message, Location(f"infra/m{i}.tf", i + 1, 1, i + 1, 5), "a.b") for i in range(n)
    ]


def test_ten_thousand_findings_fit_in_a_step_summary() -> None:
    stream = io.StringIO()
    render(LintResult(_findings(10_000), [], [], 10_000), stream, ReportContext(version="0.1.0"))
    text = stream.getvalue()
    assert len(text.encode()) < 1024 * 1024
    assert "more findings (see the SARIF report or the job log)." in text
    assert "| SVC012 | 10000 |" in text
    assert "\\| pipe" in text


def test_small_summary_lists_every_finding() -> None:
    stream = io.StringIO()
    render(LintResult(_findings(3), [], [], 3), stream, ReportContext(version="0.1.0"))
    text = stream.getvalue()
    assert text.startswith("## svclint 0.1.0\n\nFound 3 findings (3 warnings) in 3 files.\n")
    assert text.count("| 🟠 warning |") == 3
    assert "more findings" not in text
