"""`svclint check`: lint paths and report findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from svclint import __version__
from svclint.durations import parse_timestamp
from svclint.engine.evaluate import Settings
from svclint.engine.loader import load_rules
from svclint.errors import ConfigError
from svclint.model import SEVERITY_RANK
from svclint.pipeline import LintResult, Options, lint
from svclint.report import ReportContext, reporter
from svclint.selection import select_rules, split_ids


def check(
    paths: Sequence[Path],
    output_format: str,
    output: Path | None,
    fail_on: str,
    select: Sequence[str],
    ignore: Sequence[str],
    rules_dirs: Sequence[Path],
    var_files: Sequence[Path],
    exclude: Sequence[str],
    strict: bool,
    now: str | None,
    color: bool | None,
) -> int:
    clock = _clock(now)
    all_rules, tables = load_rules(rules_dirs)
    rules = select_rules(all_rules, split_ids(select), split_ids(ignore))
    options = Options(list(paths) or [Path()], list(exclude), list(var_files), strict, clock)
    result = lint(options, rules, tables, Settings(now=clock, strict=strict))
    with ExitStack() as stack:
        stream: TextIO = sys.stdout
        if output is not None:
            stream = stack.enter_context(output.open("w", encoding="utf-8"))
        use_color = (color if color is not None else stream.isatty()) and output_format == "text"
        reporter(output_format).render(result, stream, ReportContext(use_color, __version__))
    return exit_code(result, fail_on)


def exit_code(result: LintResult, fail_on: str) -> int:
    """1 when a finding reaches the threshold, or when input could not be read at all."""
    if fail_on != "never":
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings):
            return 1
    if (
        result.diagnostics
        and result.files
        and len({d.path for d in result.diagnostics}) >= result.files
    ):
        return 2  # nothing could be linted: never a silent 0
    return 0


def _clock(now: str | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    parsed = parse_timestamp(now)
    if parsed is None:
        raise ConfigError(f"--now {now!r} is not an RFC 3339 timestamp")
    return parsed
