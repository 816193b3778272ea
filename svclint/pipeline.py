"""discover -> parse -> resolve -> evaluate: everything between the CLI and the reporters.

Suppressions and the baseline are applied afterwards (`svclint.commands.check`), on the
`LintResult` this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from svclint.discover import discover, kind_of
from svclint.engine.evaluate import Settings, run_rules
from svclint.engine.graph import Graph
from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from svclint.model import Comment, Diagnostic, Finding, Resource
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
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    """Findings set aside after evaluation: `suppressed`, `baselined`, and `fixed` entries."""
    fixed: list[str] = field(default_factory=list)
    """Baseline entries no longer found, described for people."""


@dataclass
class _Inputs:
    """What parsing produced besides syntax: file problems and comments, by path."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    comments: dict[str, list[Comment]] = field(default_factory=dict)

    def parse(self, path: Path) -> ConfigFile:
        from svclint.parsers import parse_terraform

        shown = display_path(path)
        text = read_text(path, shown)
        if isinstance(text, Diagnostic):
            self.diagnostics.append(text)
            return ConfigFile(shown, Body())
        parsed = parse_terraform(shown, text)
        self.diagnostics.extend(parsed.diagnostics)
        self.comments[shown] = parsed.comments
        return parsed


def lint(options: Options, rules: list[Rule], tables: dict[str, Table], settings: Settings) -> LintResult:
    for path in options.paths:
        if not path.exists():
            raise FileNotFoundError(path)
    selected = list(discover(options.paths, options.exclude))
    inputs = _Inputs()
    var_files = [inputs.parse(p) for p in options.var_files]
    directories = dict.fromkeys(item.path.parent for item in selected if item.kind in TERRAFORM_KINDS)
    resources: list[Resource] = []
    for directory in directories:
        resources.extend(_terraform_module(directory, var_files, options.now, inputs))
    # Findings and problems are reported for the files asked about; the rest was context.
    reported = {display_path(item.path) for item in selected} | {display_path(p) for p in options.var_files}
    findings = [f for f in run_rules(rules, Graph(resources), tables, settings) if f.loc.path in reported]
    findings.sort(key=lambda f: (f.loc.path, f.loc.line, f.loc.column, f.rule_id))
    diagnostics = sorted(
        (d for d in inputs.diagnostics if d.path in reported),
        key=lambda d: (d.path, d.line, d.column),
    )
    comments = {p: c for p, c in inputs.comments.items() if p in reported}
    return LintResult(findings, diagnostics, rules, len(selected), resources, comments)


def _terraform_module(directory: Path, extra_vars: list[ConfigFile], now: datetime, inputs: _Inputs) -> list[Resource]:
    """Parse every configuration file of the directory, selected or not: they share one scope."""
    names = sorted(p for p in directory.iterdir() if p.is_file() and kind_of(p) in TERRAFORM_KINDS)
    files = [inputs.parse(p) for p in names]
    auto = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    var_files = [inputs.parse(p) for p in auto if p.is_file()] + extra_vars
    return build_module(files, var_files, now, display_path(directory))
