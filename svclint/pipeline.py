"""discover -> parse -> resolve -> evaluate: everything between the CLI and the reporters.

Suppressions and the baseline are applied afterwards (`svclint.commands.check`), on the
`LintResult` this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svclint.discover import SourceFile, discover, kind_of
from svclint.engine.evaluate import Settings, run_rules
from svclint.engine.graph import Graph
from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from svclint.model import Comment, Diagnostic, Finding, Node, Resource, mark_standalone
from svclint.parse_cache import ParseCache, parse_files
from svclint.parsers.hcl_syntax import Body, ConfigFile
from svclint.resolve.terraform import build_module
from svclint.source import DEFAULT_MAX_BYTES, display_path, read_text, real_path
from svclint.timelimit import DEFAULT_PARSE_TIMEOUT, TimeLimitExceeded, time_limit, timed_out

if TYPE_CHECKING:
    from svclint.parsers.bicep_syntax import BicepFile
    from svclint.resolve.plan import Sources

TERRAFORM_KINDS = ("terraform", "terraform-json")


@dataclass
class Options:
    paths: list[Path]
    exclude: list[str] = field(default_factory=list)
    var_files: list[Path] = field(default_factory=list)
    strict: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    cache_dir: Path | None = None
    """Where parsed files are cached; None disables the cache."""
    jobs: int = 1
    progress: bool | None = False
    """Show a progress counter on stderr: True, False, or None for "when stderr is a terminal"."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """Larger input files are skipped with a diagnostic, unread."""
    parse_timeout: float | None = DEFAULT_PARSE_TIMEOUT
    """Seconds one file may take to parse (None: no limit); see `svclint.timelimit`."""


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

    cache: ParseCache = field(default_factory=lambda: ParseCache(None))
    jobs: int = 1
    progress: bool | None = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    parsed: dict[Path, ConfigFile | Diagnostic] = field(default_factory=dict)
    bicep_files: dict[str, tuple[BicepFile, str] | None] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float | None = DEFAULT_PARSE_TIMEOUT
    broken: set[str] = field(default_factory=set)
    """ARM templates that could not be parsed: reported and counted, though they yield nothing."""

    def prefetch(self, paths: list[Path]) -> None:
        """Parse many files in one go: from the cache, else in parallel."""
        todo = [p for p in dict.fromkeys(paths) if p not in self.parsed]
        self.parsed.update(parse_files(todo, self.cache, self.jobs, self.max_bytes, self.progress, self.timeout))

    def parse(self, path: Path) -> ConfigFile:
        if path not in self.parsed:
            self.prefetch([path])
        result = self.parsed[path]
        if isinstance(result, Diagnostic):
            self.diagnostics.append(result)
            return ConfigFile(result.path, Body())
        self.diagnostics.extend(result.diagnostics)
        self.comments[result.path] = result.comments
        return result

    def bicep(self, path: Path) -> tuple[BicepFile, str] | None:
        """A parsed Bicep (or .bicepparam) file and its shown path; None if it cannot be read."""
        from svclint.parsers.bicep_syntax import BicepSyntaxError, parse
        from svclint.resolve.bicep import comments

        shown = display_path(path)
        if shown in self.bicep_files:  # modules are often called many times
            return self.bicep_files[shown]
        self.bicep_files[shown] = None
        text = read_text(path, shown, self.max_bytes)
        if isinstance(text, Diagnostic):
            self.diagnostics.append(text)
            return None
        try:
            with time_limit(self.timeout):
                file = parse(text, shown)
        except BicepSyntaxError as exc:
            self.diagnostics.append(Diagnostic(shown, exc.line, exc.column, f"parse error: {exc.message}"))
            return None
        except TimeLimitExceeded:
            self.diagnostics.append(timed_out(shown, self.timeout or 0))
            return None
        self.comments[shown] = comments(file, shown, text)
        self.bicep_files[shown] = (file, shown)
        return file, shown

    def json(self, path: Path) -> Node | None:
        """A JSON document, or None for unreadable files that are not ARM templates (a broken
        `package.json` is not svclint's business; a broken template is)."""
        from svclint.parsers.jsonc import JsoncError, loads

        shown = display_path(path)
        text = read_text(path, shown, self.max_bytes)
        if isinstance(text, Diagnostic):
            self.diagnostics.append(text)
            return None
        try:
            with time_limit(self.timeout):
                root, comments = loads(text, shown)
        except (JsoncError, TimeLimitExceeded) as exc:
            if "deploymenttemplate.json" in text[:4096].lower():
                self.broken.add(shown)
                self.diagnostics.append(
                    Diagnostic(shown, exc.line, exc.column, f"parse error: {exc.message}")
                    if isinstance(exc, JsoncError)
                    else timed_out(shown, self.timeout or 0)
                )
            return None
        self.comments[shown] = mark_standalone(comments, text)
        return root


def lint(options: Options, rules: list[Rule], tables: dict[str, Table], settings: Settings) -> LintResult:
    for path in options.paths:
        if not path.exists() and not path.is_symlink():  # a broken link gets a diagnostic
            raise FileNotFoundError(path)
    selected = list(discover(options.paths, options.exclude))
    inputs = _Inputs(ParseCache(options.cache_dir), options.jobs, options.progress)
    inputs.max_bytes, inputs.timeout = options.max_bytes, options.parse_timeout
    directories = dict.fromkeys(item.path.parent for item in selected if item.kind in TERRAFORM_KINDS)
    inputs.prefetch([*options.var_files, *(p for d in directories for p in _module_files(d))])
    var_files = [inputs.parse(p) for p in options.var_files]
    resources: list[Resource] = []
    for directory in directories:
        resources.extend(_terraform_module(directory, var_files, options.now, inputs))
    templates = [item.path for item in selected if item.kind == "json"]
    mapped: set[str] = set()
    linted = [item for item in selected if item.kind not in ("json", "bicepparam")]
    bicep = [item.path for item in selected if item.kind in ("bicep", "bicepparam")]
    resources.extend(_bicep_files(bicep, options.now, inputs))
    for path in templates:
        found = _json_document(path, inputs)
        if found is not None:
            resources.extend(found)
            linted.append(SourceFile(path, "arm"))
            # A plan's findings point into the .tf files beside it: report those too.
            mapped.update(r.loc.path for r in found)
    linted.extend(SourceFile(path, "arm") for path in templates if display_path(path) in inputs.broken)
    # Findings and problems are reported for the files asked about, and for the Bicep modules
    # they call (a module's findings depend on the parameters the caller passes); the rest of a
    # Terraform module directory was context.
    reported = {display_path(item.path) for item in linted} | {display_path(p) for p in options.var_files}
    reported |= set(inputs.bicep_files) | mapped
    unique = {
        (f.loc.path, f.loc.line, f.loc.column, f.rule_id, f.message): f
        for f in run_rules(rules, Graph(resources), tables, settings)
        if f.loc.path in reported
    }
    findings = [unique[key] for key in sorted(unique)]
    diagnostics = sorted(
        (d for d in inputs.diagnostics if d.path in reported),
        key=lambda d: (d.path, d.line, d.column),
    )
    comments = {p: c for p, c in inputs.comments.items() if p in reported}
    return LintResult(findings, diagnostics, rules, len(linted), resources, comments)


def _terraform_module(directory: Path, extra_vars: list[ConfigFile], now: datetime, inputs: _Inputs) -> list[Resource]:
    """Every configuration file of the directory, selected or not: they share one scope."""
    files = [inputs.parse(p) for p in _config_files(directory)]
    var_files = [inputs.parse(p) for p in _auto_var_files(directory)] + extra_vars
    return build_module(files, var_files, now, display_path(directory))


def _auto_var_files(directory: Path) -> list[Path]:
    auto = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    return [p for p in auto if p.is_file()]


def _config_files(directory: Path) -> list[Path]:
    """The directory's Terraform files; broken links, loops and FIFOs too, so they get a
    diagnostic instead of silence, but no directory named like a file (Terraform ignores those)."""
    try:
        return sorted(p for p in directory.iterdir() if _file_like(p) and kind_of(p) in TERRAFORM_KINDS)
    except OSError:
        return []


def _file_like(path: Path) -> bool:
    """Files, and entries that only reading can explain (FIFOs, broken or looping links)."""
    return not path.is_dir()


def _module_files(directory: Path) -> list[Path]:
    """What a module directory's resolution will read: its configuration and its tfvars."""
    return [*_config_files(directory), *_auto_var_files(directory)]


def _json_document(path: Path, inputs: _Inputs) -> list[Resource] | None:
    """Resources of an ARM template (with values from `<name>.parameters.json` beside it) or of
    a Terraform plan; None when the file is some other JSON."""
    from svclint.resolve import arm, plan

    root = inputs.json(path)
    if root is None:
        return None
    if plan.is_plan(root):
        return plan.build_plan(root, display_path(path), _plan_sources(path.parent, inputs))
    if not arm.is_template(root):
        return None
    values: dict[str, Any] = {}
    params_file = path.with_name(path.name[: -len(path.suffix)] + ".parameters.json")
    params = inputs.json(params_file) if params_file.is_file() else None
    if params is not None and arm.is_parameters(params):
        values = arm.parameter_values(params)
    else:
        params = None
    resources = arm.build_template(root, values, display_path(path))
    resources += arm.secure_parameters(root, params, display_path(path))
    inputs.comments.setdefault(display_path(path), []).extend(arm.metadata_suppressions(resources))
    return resources


def _plan_sources(directory: Path, inputs: _Inputs) -> Sources:
    """Where the root module beside a plan declares its resources and their attributes."""
    from svclint.resolve.plan import Sources

    sources = Sources()
    inputs.prefetch(_config_files(directory))
    for config in (inputs.parse(p) for p in _config_files(directory)):
        for block in config.body.blocks:
            if block.type in ("resource", "data") and len(block.labels) == 2:
                address = ".".join(("data", *block.labels) if block.type == "data" else block.labels)
                sources.blocks[address] = block.loc
                for name, attribute in block.body.attributes.items():
                    sources.attributes[(address, name)] = attribute.loc
                for nested in block.body.blocks:
                    sources.attributes.setdefault((address, nested.type), nested.loc)
    return sources


def _bicep_files(paths: list[Path], now: datetime, inputs: _Inputs) -> list[Resource]:
    """Resources of the Bicep files asked about; a `.bicepparam` file supplies the values of the
    template it is `using` (the template is linted with them, even if it was not named)."""
    if not paths:
        return []  # the Bicep front end costs ~60 ms of imports: only load it when needed
    from svclint.resolve import bicep

    templates = [p for p in paths if p.suffix == ".bicep"]
    values: dict[Path, dict[str, Node]] = {}
    for param_file in (p for p in paths if p.suffix == ".bicepparam"):
        found = bicep_params(param_file, now, inputs)
        if found is not None:
            target, assigned = found
            values[target] = assigned
            templates.append(target)
    resources: list[Resource] = []
    for path in dict.fromkeys(templates):
        loaded = inputs.bicep(path)
        if loaded is None:
            continue
        file, shown = loaded
        module = bicep.Module(file, shown, shown, now, values.get(real_path(path), {}), inputs.bicep)
        resources.extend(bicep.build(module))
    return resources


def bicep_params(path: Path, now: datetime, inputs: _Inputs) -> tuple[Path, dict[str, Node]] | None:
    """(template, parameter values) from a `.bicepparam` file's `using` and `param` lines."""
    from svclint.parsers import bicep_syntax as syn
    from svclint.resolve import bicep

    loaded = inputs.bicep(path)
    if loaded is None:
        return None
    file, shown = loaded
    using = next((s for s in file.statements if isinstance(s, syn.Using) and s.path is not None), None)
    if using is None or using.path is None or using.path.value is None:
        return None
    state = bicep.Module(file, shown, shown, now)
    state.symbols = {s.name: s for s in file.statements if isinstance(s, syn.Var)}
    assigned = {s.name: bicep.evaluate(s.value, state) for s in file.statements if isinstance(s, syn.ParamAssign)}
    return real_path(path.parent / using.path.value), assigned
