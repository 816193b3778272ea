"""`svclint check`: lint paths, apply suppressions and the baseline, write the reports."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from svclint import __version__, baseline, suppress
from svclint.config import Config, load, parse_size
from svclint.durations import lint_clock
from svclint.engine import regex_guard
from svclint.engine.evaluate import Settings
from svclint.engine.loader import Rule, load_rules
from svclint.errors import ConfigError
from svclint.model import SEVERITY_RANK
from svclint.pipeline import LintResult, Options, lint
from svclint.report import FORMATS, ReportContext, reporter
from svclint.selection import select_rules, split_ids


def check(
    paths: Sequence[Path],
    formats: Sequence[str],
    output: Path | None,
    config_file: Path | None,
    overrides: Mapping[str, Any],
    now: str | None,
    color: bool | None,
    baseline_file: Path | None,
    write_baseline: Path | None,
    update_baseline: bool,
    no_cache: bool = False,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
    absolute_paths: bool = False,
) -> int:
    targets = _targets(formats, output)
    clock = lint_clock(now)
    paths = list(paths) or [Path()]
    config = load(config_file, paths, {k: v for k, v in overrides.items() if k != "baseline"})
    all_rules, tables = load_rules(config["rules-dirs"])
    rules = select_rules(all_rules, split_ids(config["select"]), split_ids(config["ignore"]))
    settings = Settings(clock, config["strict"], _severities(config, all_rules), _options(config, all_rules))
    options = Options(paths, config["exclude"], config["var-files"], config["strict"], clock)
    options.cache_dir, options.jobs = parse_settings(no_cache, cache_dir, jobs)
    options.progress = progress
    options.keep_resources = False  # suppressions need only the headers
    options.max_bytes = parse_size(config["max-file-size"], config.sources["max-file-size"])
    options.parse_timeout = config["parse-timeout"] or None
    result = lint(options, rules, tables, settings)
    _suppress(result, config, clock.date(), all_rules)
    if write_baseline is not None:
        count = baseline.write(write_baseline, result.findings)
        print(f"svclint: wrote {count} findings to the baseline {write_baseline}", file=sys.stderr)
    else:
        _apply_baseline(result, baseline_file or config["baseline"], update_baseline)
    _render(result, targets, color, absolute_paths)
    return 0 if write_baseline is not None else exit_code(result, config["fail-on"], config["fail-on-parse-error"])


def exit_code(result: LintResult, fail_on: str, fail_on_parse_error: bool = False) -> int:
    """1 when a finding reaches the threshold, or (if asked) when an input could not be parsed;
    2 when no input could be read at all."""
    unreadable = {d.path for d in result.diagnostics if d.level == "error"}
    if result.files and len(unreadable) >= result.files:
        return 2  # nothing could be linted: never a silent 0
    if unreadable and fail_on_parse_error:
        return 1
    if fail_on != "never":
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings):
            return 1
    return 0


def _targets(formats: Sequence[str], output: Path | None) -> list[tuple[str, Path | None]]:
    """`--format NAME[:PATH]`, repeatable; `-o` is the path of the first format without one."""
    targets: list[tuple[str, Path | None]] = []
    for spec in formats or ("text",):
        name, _, destination = spec.partition(":")
        if name not in FORMATS:
            raise ConfigError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})")
        targets.append((name, Path(destination) if destination else None))
    for i, (name, path) in enumerate(targets):
        if path is None and output is not None:
            targets[i] = (name, output)
            break
    if sum(1 for _, p in targets if p is None) > 1:
        raise ConfigError("only one --format may write to standard output; give the others a path (FORMAT:PATH)")
    return targets


def _known(config: Config, key: str, rules: Sequence[Rule]) -> None:
    ids = {r.id for r in rules}
    for rule_id in config[key]:
        if rule_id not in ids:
            raise ConfigError(f"{config.sources[key]}: {key}: unknown rule {rule_id!r}")


def _severities(config: Config, rules: Sequence[Rule]) -> dict[str, Any]:
    _known(config, "severity", rules)
    _known(config, "unsuppressible", rules)
    return dict(config["severity"])


def _options(config: Config, rules: Sequence[Rule]) -> dict[str, dict[str, Any]]:
    """Rule options from config, checked against the params each rule declares."""
    _known(config, "options", rules)
    by_id = {r.id: r for r in rules}
    for rule_id, values in config["options"].items():
        unknown = sorted(set(values) - set(by_id[rule_id].params))
        if unknown:
            known = ", ".join(by_id[rule_id].params) or "none"
            raise ConfigError(
                f"{config.sources['options']}: options.{rule_id}: unknown option {unknown[0]!r} (known: {known})"
            )
        refused = regex_guard.unsafe_in(values)
        if refused:
            raise ConfigError(f"{config.sources['options']}: options.{rule_id}: {refused}")
    return {rule_id: dict(values) for rule_id, values in config["options"].items()}


def _suppress(result: LintResult, config: Config, today: date, rules: Sequence[Rule]) -> None:
    found: list[suppress.Suppression] = []
    for path, comments in result.comments.items():
        items, problems = suppress.parse_suppressions(path, comments)
        found.extend(items)
        result.diagnostics.extend(problems)
    headers = result.headers
    active = [r.id for r in result.rules]
    outcome = suppress.apply(result.findings, found, headers, today, config["unsuppressible"], active)
    kept = [f for f in outcome.kept if not suppress.path_ignored(f, config["per-path-ignores"], config.root)]
    result.counts["suppressed"] = len(result.findings) - len(kept)
    result.findings = kept
    result.diagnostics = sorted(result.diagnostics + outcome.diagnostics, key=lambda d: (d.path, d.line, d.column))


def _apply_baseline(result: LintResult, path: Path | None, update: bool) -> None:
    if path is None:
        if update:
            raise ConfigError("--update-baseline needs a baseline (--baseline FILE or `baseline:` in config)")
        return
    entries = baseline.load(path)
    comparison = baseline.compare(result.findings, entries, path.parent)
    if update:
        baseline.prune(path, entries, comparison)
    result.findings = comparison.new
    result.counts["baselined"] = len(comparison.baselined)
    result.counts["fixed"] = len(comparison.fixed)
    result.fixed = [f"{e.rule} {e.path} {e.address} {e.attribute}".rstrip() for e in comparison.fixed]


def _render(
    result: LintResult, targets: list[tuple[str, Path | None]], color: bool | None, absolute_paths: bool
) -> None:
    with ExitStack() as stack:
        for name, path in targets:
            stream: TextIO = sys.stdout
            if path is not None:
                try:
                    stream = stack.enter_context(path.open("w", encoding="utf-8"))
                except OSError as exc:
                    raise ConfigError(f"{path}: cannot write report: {exc.strerror or exc}") from exc
            use_color = name == "text" and (color if color is not None else stream.isatty())
            reporter(name).render(result, stream, ReportContext(use_color, __version__, absolute_paths))


def parse_settings(no_cache: bool, cache_dir: Path | None, jobs: int | None) -> tuple[Path | None, int]:
    """The parse cache directory (None: no cache) and the number of parser processes."""
    from svclint.parse_cache import cache_dir_default

    directory = None if no_cache else (cache_dir or cache_dir_default())
    return directory, jobs or os.cpu_count() or 1
