"""Paths as machine-read reports (JSON, SARIF, GitHub, markdown) show them.

Files under the working directory are already repository-relative. A file outside it is
shown as given on the command line, which is fine in a terminal but would put the runner's
absolute paths (`/home/runner/work/...`) into uploaded reports, and SARIF consumers such as
GitHub reject or misplace `..` URIs. So, unless `--absolute-paths` asks for absolute paths,
outside files are shown relative to the parent of the deepest directory that holds them all:
`svclint check /src/infra` reports `infra/main.tf`, and nothing above `/src`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path, PurePosixPath

from svclint.pipeline import LintResult


def portable(result: LintResult, absolute: bool = False) -> LintResult:
    """A copy of `result` whose finding and diagnostic paths are safe to publish."""
    paths = {f.loc.path for f in result.findings} | {d.path for d in result.diagnostics}
    mapping = {p: _absolute(p) for p in paths} if absolute else _relative(paths)
    if all(mapping.get(p, p) == p for p in paths):
        return result
    return replace(
        result,
        findings=[replace(f, loc=replace(f.loc, path=mapping.get(f.loc.path, f.loc.path))) for f in result.findings],
        diagnostics=[replace(d, path=mapping.get(d.path, d.path)) for d in result.diagnostics],
    )


def is_outside(path: str) -> bool:
    """True for the paths display_path leaves as given: absolute, or climbing out with `..`."""
    return Path(path).is_absolute() or ".." in PurePosixPath(path).parts


def _absolute(path: str) -> str:
    """Absolute, with `..` folded but symbolic links kept, as the user named the file."""
    return Path(os.path.normpath(Path.cwd() / path)).as_posix()


def _relative(paths: set[str]) -> dict[str, str]:
    """Outside paths made relative to the parent of their deepest common directory."""
    outside = {p: Path(_absolute(p)) for p in paths if is_outside(p)}
    if not outside:
        return {}
    common = Path(os.path.commonpath([a.parent for a in outside.values()]))
    return {p: a.relative_to(common.parent).as_posix() for p, a in outside.items()}
