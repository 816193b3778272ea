"""Machine-read reports get publishable paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint.model import Diagnostic, Finding, Location
from svclint.pipeline import LintResult
from svclint.report.paths import is_outside, portable


def _result(*paths: str) -> LintResult:
    findings = [Finding("SVC001", "warning", "m", Location(p, 1, 1, 1, 2), "a.b") for p in paths]
    return LintResult(findings, [Diagnostic(paths[0], 2, 3, "parse error: x")], [], len(paths))


@pytest.mark.parametrize(("path", "outside"), [("a/b.tf", False), ("/x/b.tf", True), ("../b.tf", True)])
def test_is_outside(path: str, outside: bool) -> None:
    assert is_outside(path) is outside


def test_outside_paths_become_relative_to_their_common_parent() -> None:
    result = portable(_result("/src/infra/main.tf", "/src/infra/mod/x.tf", "inside.tf"))
    assert [f.loc.path for f in result.findings] == ["infra/main.tf", "infra/mod/x.tf", "inside.tf"]
    assert result.diagnostics[0].path == "infra/main.tf"


def test_inside_paths_are_untouched_and_absolute_on_request(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    original = _result("a.tf")
    assert portable(original) is original
    assert portable(original, absolute=True).findings[0].loc.path == (tmp_path / "a.tf").as_posix()
