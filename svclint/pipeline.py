"""discover -> parse -> resolve -> evaluate: everything between the CLI and the reporters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from svclint.discover import SourceFile, discover, kind_of
from svclint.engine.evaluate import Settings, run_rules
from svclint.engine.graph import Graph
from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from svclint.model import Diagnostic, Finding, Resource
from svclint.parsers.hcl_syntax import Body, ConfigFile
from svclint.resolve.terraform import build_module
from svclint.source import display_path, read_text

TERRAFORM_KINDS = ("terraform", "terraform-json")


@dataclass
class Options:
    paths: list[Path]
    exclude: list[str] = field(default_factory=list)
    var_files: list[Path] = field(default_factory=list)
    strict: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


@dataclass
class LintResult:
    findings: list[Finding]
    diagnostics: list[Diagnostic]
    rules: list[Rule]
    files: int
    resources: list[Resource] = field(default_factory=list)


def lint(
    options: Options, rules: list[Rule], tables: dict[str, Table], settings: Settings
) -> LintResult:
    selected = list(discover(options.paths, options.exclude))
    for path in options.paths:
        if not path.exists():
            raise FileNotFoundError(path)
    diagnostics: list[Diagnostic] = []
    resources: list[Resource] = []
    var_files = [_parse_file(p, diagnostics) for p in options.var_files]
    by_dir: dict[Path, list[SourceFile]] = defaultdict(list)
    for item in selected:
        if item.kind in TERRAFORM_KINDS:
            by_dir[item.path.parent].append(item)
    reported = {display_path(item.path) for item in selected}
    for directory, _items in by_dir.items():
        resources.extend(_terraform_module(directory, var_files, options.now, diagnostics))
    graph = Graph(resources)
    findings = [f for f in run_rules(rules, graph, tables, settings) if f.loc.path in reported]
    findings.sort(key=lambda f: (f.loc.path, f.loc.line, f.loc.column, f.rule_id))
    shown = [
        d
        for d in diagnostics
        if d.path in reported or d.path in {str(v) for v in options.var_files}
    ]
    shown.sort(key=lambda d: (d.path, d.line, d.column))
    return LintResult(findings, shown, rules, len(selected), resources)


def _terraform_module(
    directory: Path, extra_vars: list[ConfigFile], now: datetime, diagnostics: list[Diagnostic]
) -> list[Resource]:
    """Parse every configuration file of the directory, selected or not: they share one scope."""
    names = sorted(p for p in directory.iterdir() if p.is_file() and kind_of(p) in TERRAFORM_KINDS)
    files = [_parse_file(p, diagnostics) for p in names]
    auto = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    var_files = [_parse_file(p, diagnostics) for p in auto if p.is_file()] + extra_vars
    return build_module(files, var_files, now, display_path(directory))


def _parse_file(path: Path, diagnostics: list[Diagnostic]) -> ConfigFile:
    from svclint.parsers import parse_terraform

    shown = display_path(path)
    text = read_text(path, shown)
    if isinstance(text, Diagnostic):
        diagnostics.append(text)
        return ConfigFile(shown, Body())
    parsed = parse_terraform(shown, text)
    diagnostics.extend(parsed.diagnostics)
    return parsed
