"""Output formats, one module each, all with `render(result, stream, context)`.

A new format is a new module plus an entry here; nothing else changes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, TextIO

from svclint.pipeline import LintResult

FORMATS: dict[str, str] = {
    "text": "svclint.report.text",
    "json": "svclint.report.json",
    "sarif": "svclint.report.sarif",
    "github": "svclint.report.github",
    "markdown": "svclint.report.markdown",
}


@dataclass(frozen=True)
class ReportContext:
    color: bool = False
    version: str = ""
    absolute_paths: bool = False
    """Machine-read formats show paths outside the working directory as absolute paths."""


class Reporter(Protocol):
    def render(self, result: LintResult, stream: TextIO, context: ReportContext) -> None: ...


def reporter(name: str) -> Reporter:
    module: Reporter = importlib.import_module(FORMATS[name])
    return module
