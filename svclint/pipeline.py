"""discover -> parse -> resolve -> evaluate: everything between the CLI and the reporters.

Discovered files are grouped into independent units (`svclint.units`), which run in this
process or, for large runs, in a pool of worker processes; their results are merged here in a
deterministic order. Suppressions and the baseline are applied afterwards
(`svclint.commands.check`), on the `LintResult` this module returns.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from svclint.discover import SourceFile, discover
from svclint.engine.evaluate import Settings
from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from svclint.model import Comment, Diagnostic, Finding, Resource
from svclint.parse_cache import ParseCache, content_key
from svclint.progress import Progress
from svclint.result_cache import ResultCache, fingerprint, unit_key
from svclint.source import DEFAULT_MAX_BYTES, display_path
from svclint.timelimit import DEFAULT_PARSE_TIMEOUT, TIMED_OUT
from svclint.units import TERRAFORM_KINDS, Inputs, Job, Unit, UnitResult, bicep_using, lint_unit

PARALLEL_THRESHOLD = 160
"""Files (to be linted afresh) below which starting worker processes costs more than it saves:
measured on 2 cores, 100 Bicep templates ran as fast in one process as in two."""


@dataclass
class Options:
    paths: list[Path]
    exclude: list[str] = field(default_factory=list)
    var_files: list[Path] = field(default_factory=list)
    strict: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    cache_dir: Path | None = None
    """Where parsed files and unit results are cached; None disables both caches."""
    jobs: int = 1
    progress: bool | None = False
    """Show a progress counter on stderr: True, False, or None for "when stderr is a terminal"."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """Larger input files are skipped with a diagnostic, unread."""
    parse_timeout: float | None = DEFAULT_PARSE_TIMEOUT
    """Seconds one file may take to parse (None: no limit); see `svclint.timelimit`."""
    keep_resources: bool = True
    """Return the resources in `LintResult.resources` (the inventory needs them)."""


@dataclass
class LintResult:
    findings: list[Finding]
    diagnostics: list[Diagnostic]
    rules: list[Rule]
    files: int
    resources: list[Resource] = field(default_factory=list)
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    """Findings set aside after evaluation: `suppressed`, `baselined`, and `fixed` entries."""
    fixed: list[str] = field(default_factory=list)
    """Baseline entries no longer found, described for people."""
    headers: dict[tuple[str, str], int] = field(default_factory=dict)
    """(path, address) -> line of each resource's header, for block-level suppressions."""


def lint(options: Options, rules: list[Rule], tables: dict[str, Table], settings: Settings) -> LintResult:
    with _rare_collections():
        return _lint(options, rules, tables, settings)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """A run builds many long-lived objects (syntax trees, resources) and hardly any reference
    cycles, so the cyclic collector's default (a pass every 700 allocations) scans the growing
    heap again and again for nothing: 40 % of a run on real ARM templates. Collect rarely, as
    mypy does; worker processes inherit this, and the caller's settings come back after."""
    before = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _lint(options: Options, rules: list[Rule], tables: dict[str, Table], settings: Settings) -> LintResult:
    for path in options.paths:
        if not path.exists() and not path.is_symlink():  # a broken link gets a diagnostic
            raise FileNotFoundError(path)
    selected = list(discover(options.paths, options.exclude))
    cache = ParseCache(options.cache_dir)
    planning = Inputs(cache, options.max_bytes, options.parse_timeout)
    units = _units(selected, planning)
    job = Job(
        rules,
        tables,
        settings,
        options.var_files,
        options.now,
        options.max_bytes,
        options.parse_timeout,
        options.keep_resources,
    )
    merged = UnitResult(diagnostics=planning.diagnostics, comments=planning.comments)
    merged.reported.update(planning.bicep_files)
    linted = sum(1 for item in selected if item.kind not in ("json", "bicepparam"))
    cache.close()
    for result in _results(units, job, options, cache):
        linted += result.linted
        merged.findings.extend(result.findings)
        merged.diagnostics.extend(result.diagnostics)
        merged.comments.update(result.comments)
        merged.reported.update(result.reported)
        merged.resources.extend(result.resources)
        merged.headers.update(result.headers)
    cache.close()
    # Findings and problems are reported for the files asked about, and for the Bicep modules
    # they call (a module's findings depend on the parameters the caller passes); the rest of a
    # Terraform module directory was context.
    reported = merged.reported | {display_path(p) for p in options.var_files}
    findings = {(f.loc.path, f.loc.line, f.loc.column, f.rule_id, f.message): f for f in merged.findings}
    diagnostics = {(d.path, d.line, d.column, d.message): d for d in merged.diagnostics}
    return LintResult(
        findings=[f for key, f in sorted(findings.items()) if f.loc.path in reported],
        diagnostics=[d for key, d in sorted(diagnostics.items()) if d.path in reported],
        rules=rules,
        files=linted,
        resources=merged.resources,
        comments={p: c for p, c in merged.comments.items() if p in reported},
        headers=merged.headers,
    )


def _units(selected: list[SourceFile], planning: Inputs) -> list[Unit]:
    """Terraform module directories, Bicep templates (a `.bicepparam` file's template gets its
    values, even if the template was not named) and JSON documents, each once, in order."""
    directories: dict[Path, list[str]] = {}
    for item in (i for i in selected if i.kind in TERRAFORM_KINDS):
        directories.setdefault(item.path.parent, []).append(item.path.name)
    units = [Unit("terraform", d, selected=tuple(names)) for d, names in directories.items()]
    templates: dict[Path, Path | None] = {i.path: None for i in selected if i.kind == "bicep"}
    for item in (i for i in selected if i.kind == "bicepparam"):
        target = bicep_using(item.path, planning)
        if target is not None:
            templates[target] = item.path
    units += [Unit("bicep", path, param_file) for path, param_file in templates.items()]
    units += [Unit("json", i.path) for i in selected if i.kind == "json"]
    return units


def _results(units: list[Unit], job: Job, options: Options, cache: ParseCache) -> list[UnitResult]:
    """Every unit's result, in unit order: from the result cache when nothing the unit read has
    changed, else computed (and cached, unless a parse ran out of time: that may not recur)."""
    stored = ResultCache(options.cache_dir)
    run = fingerprint(job) if options.cache_dir is not None else ""
    keys = [unit_key(unit, run) for unit in units]
    found = stored.get_many(keys, functools.partial(content_key, max_bytes=options.max_bytes))
    todo = [i for i, key in enumerate(keys) if key not in found]
    meter = Progress(sum(u.files for u in units), enabled=options.progress)
    meter.advance(sum(unit.files for unit, key in zip(units, keys, strict=True) if key in found))
    fresh = dict(zip(todo, _run([units[i] for i in todo], job, options, cache, meter), strict=True))
    meter.close()
    new_entries = []
    for i, result in fresh.items():
        cache.pending.extend(result.cache_rows)
        result.cache_rows = []
        if not any(d.message.startswith(TIMED_OUT) for d in result.diagnostics):
            new_entries.append((keys[i], result))
    stored.put_many(new_entries)
    stored.close()
    return [found[key] if key in found else fresh[i] for i, key in enumerate(keys)]


def _run(units: list[Unit], job: Job, options: Options, cache: ParseCache, meter: Progress) -> Iterator[UnitResult]:
    """Unit results in unit order, from worker processes when there are enough units."""
    if options.jobs > 1 and sum(u.files for u in units) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor  # ~10 ms of imports a small run never needs

        chunk = max(1, min(32, len(units) // (options.jobs * 8)))
        with ProcessPoolExecutor(options.jobs, initializer=_start_worker, initargs=(job, options.cache_dir)) as pool:
            results: Iterator[UnitResult] = pool.map(_worker_lint, units, chunksize=chunk)
            for result, unit in zip(results, units, strict=True):
                meter.advance(unit.files)
                yield result
    else:
        for unit in units:
            meter.advance(unit.files)
            yield lint_unit(unit, job, cache)


_worker: tuple[Job, ParseCache] | None = None


def _start_worker(job: Job, cache_dir: Path | None) -> None:
    global _worker
    _worker = (job, ParseCache(cache_dir))


def _worker_lint(unit: Unit) -> UnitResult:
    assert _worker is not None, "the pool initializer sets up each worker"
    return lint_unit(unit, *_worker)
