"""Workflow-command annotations escape what GitHub requires."""

from __future__ import annotations

import io

from svclint.model import Finding, Location
from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.github import annotation, render


def test_message_and_property_escaping() -> None:
    line = annotation("error", "a,b:c%.tf", 3, 4, "SVC012", "50% of\r\nlines: a, b")
    assert line == "::error file=a%2Cb%3Ac%25.tf,line=3,col=4,title=SVC012::50%25 of%0D%0Alines: a, b"


def test_render_maps_levels_and_ends_single_line_regions() -> None:
    finding = Finding("SVC001", "note", "m", Location("x.tf", 2, 3, 2, 9), "a.b")
    result = LintResult([finding], [], [], 1)
    stream = io.StringIO()
    render(result, stream, ReportContext())
    first, summary = stream.getvalue().splitlines()
    assert first == "::notice file=x.tf,line=2,col=3,endLine=2,endColumn=9,title=SVC001::m"
    assert summary == "Found 1 finding (1 note) in 1 file."
