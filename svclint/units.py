"""One unit of linting: parse -> resolve -> evaluate for inputs that only see each other.

A unit is a Terraform module directory (its files share one scope), a Bicep template (with
the `.bicepparam` file that supplies its values and the local modules it calls) or a JSON
document (an ARM template with its `<name>.parameters.json`, or a Terraform plan with the
`.tf` files beside it). Every lookup a rule makes is scoped to a module directory or a file,
so units are independent: they can run in any process, and `svclint.pipeline` merges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svclint.discover import kind_of
from svclint.documents import BicepDocument, Document, JsonDocument
from svclint.engine.evaluate import Settings, run_rules
from svclint.engine.graph import Graph
from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from svclint.model import Comment, Diagnostic, Finding, Node, Resource
from svclint.parse_cache import ParseCache, Row, content_key, load_documents
from svclint.parsers.hcl_syntax import Body, ConfigFile
from svclint.resolve.terraform import build_module
from svclint.result_cache import LISTING, listing_key
from svclint.source import DEFAULT_MAX_BYTES, display_path, real_path
from svclint.timelimit import DEFAULT_PARSE_TIMEOUT

if TYPE_CHECKING:
    from svclint.parsers.bicep_syntax import BicepFile
    from svclint.resolve.plan import Sources

TERRAFORM_KINDS = ("terraform", "terraform-json")


@dataclass(frozen=True)
class Unit:
    kind: str
    """`terraform` (a module directory), `bicep` (a template) or `json` (a document)."""
    path: Path
    param_file: Path | None = None
    """For a Bicep template: the `.bicepparam` file that supplies its parameter values."""
    selected: tuple[str, ...] = ()
    """For a module directory: the names of its files that were asked about (the others are
    context, their findings not reported)."""

    @property
    def files(self) -> int:
        """How many of the files asked about the unit covers: what progress counts."""
        return len(self.selected) if self.kind == "terraform" else 1


@dataclass(frozen=True)
class Job:
    """What every unit of a run shares; sent once to each worker process."""

    rules: list[Rule]
    tables: dict[str, Table]
    settings: Settings
    var_files: list[Path]
    now: datetime
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float | None = DEFAULT_PARSE_TIMEOUT
    keep_resources: bool = True
    """Return whole resources (the inventory needs them); `check` only needs their headers."""


@dataclass
class UnitResult:
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)
    """The paths whose findings belong to the run: the files asked about, the Bicep modules
    and parameter files the unit read, the `.tf` files a plan's findings point into."""
    linted: bool = False
    """A JSON document counts as a linted file only if it is a template or a plan."""
    resources: list[Resource] = field(default_factory=list)
    headers: dict[tuple[str, str], int] = field(default_factory=dict)
    """(path, address) -> line of each resource's header, for block-level suppressions."""
    cache_rows: list[Row] = field(default_factory=list)
    reads: dict[str, str] = field(default_factory=dict)
    """Every file the unit read (path -> content key) and directory it listed: when none has
    changed, the result can be used again (`svclint.result_cache`)."""


def lint_unit(unit: Unit, job: Job, cache: ParseCache) -> UnitResult:
    inputs = Inputs(cache, job.max_bytes, job.timeout)
    result = UnitResult()
    if unit.kind == "terraform":
        resources = terraform_module(unit.path, job.var_files, job.now, inputs)
        result.reported.update(display_path(unit.path / name) for name in unit.selected)
    elif unit.kind == "bicep":
        resources = bicep_template(unit.path, unit.param_file, job.now, inputs)
    else:
        document = json_document(unit.path, inputs)
        result.linted = document is not None or display_path(unit.path) in inputs.broken
        if result.linted:
            result.reported.add(display_path(unit.path))
        resources = document or []
        result.reported.update(r.loc.path for r in resources)  # a plan points into its .tf files
    result.findings = list(run_rules(job.rules, Graph(resources), job.tables, job.settings))
    result.diagnostics, result.comments = inputs.diagnostics, inputs.comments
    result.reported.update(inputs.bicep_files)
    result.headers = {(r.loc.path, r.address): r.loc.line for r in resources}
    result.resources = resources if job.keep_resources else []
    result.cache_rows = cache.take_pending()
    result.reads = inputs.reads
    return result


@dataclass
class Inputs:
    """A unit's parsed files, with the problems and comments parsing found, by path."""

    cache: ParseCache = field(default_factory=lambda: ParseCache(None))
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float | None = DEFAULT_PARSE_TIMEOUT
    diagnostics: list[Diagnostic] = field(default_factory=list)
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    loaded: dict[Path, Document | Diagnostic] = field(default_factory=dict)
    bicep_files: dict[str, tuple[BicepFile, str] | None] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    """ARM templates that could not be parsed: reported and counted, though they yield nothing."""
    reads: dict[str, str] = field(default_factory=dict)
    """What the unit's result depends on: file -> content key, `ls:<dir>` -> listing key."""

    def prefetch(self, paths: list[Path]) -> None:
        """Load many files in one go (one cache query)."""
        todo = [p for p in dict.fromkeys(paths) if p not in self.loaded]
        self.loaded.update(load_documents(todo, self.cache, self.max_bytes, self.timeout, self.reads))

    def exists(self, path: Path) -> bool:
        """Whether a file is there, remembered as a dependency: creating it changes the unit."""
        if not path.is_file():
            self.reads[str(path)] = content_key(path, self.max_bytes)
            return False
        return True

    def listing(self, directory: Path) -> None:
        """Remember a directory's listing as a dependency: a file added to it changes the unit."""
        self.reads[LISTING + str(directory)] = listing_key(directory)

    def _load(self, path: Path) -> Document | Diagnostic:
        if path not in self.loaded:
            self.prefetch([path])
        return self.loaded[path]

    def parse(self, path: Path) -> ConfigFile:
        result = self._load(path)
        if not isinstance(result, ConfigFile):
            self.diagnostics.append(_unexpected(path, result))
            return ConfigFile(display_path(path), Body())
        self.diagnostics.extend(result.diagnostics)
        self.comments[result.path] = result.comments
        return result

    def bicep(self, path: Path) -> tuple[BicepFile, str] | None:
        """A parsed Bicep (or .bicepparam) file and its shown path; None if it cannot be read."""
        shown = display_path(path)
        if shown in self.bicep_files:  # modules are often called many times
            return self.bicep_files[shown]
        self.bicep_files[shown] = None
        result = self._load(path)
        if not isinstance(result, BicepDocument):
            self.diagnostics.append(_unexpected(path, result))
            return None
        self.comments[shown] = result.comments
        self.bicep_files[shown] = (result.file, shown)
        return result.file, shown

    def bicep_module(self, path: Path) -> tuple[BicepFile, str] | None:
        """A module a template calls; a missing one is Bicep's error, not a diagnostic."""
        return self.bicep(path) if self.exists(path) else None

    def json(self, path: Path) -> Node | None:
        """A JSON document, or None when it cannot be read."""
        result = self._load(path)
        if not isinstance(result, JsonDocument):
            self.diagnostics.append(_unexpected(path, result))
            return None
        if result.error is not None:
            self.broken.add(result.error.path)
            self.diagnostics.append(result.error)
        if result.root is not None:
            self.comments[display_path(path)] = list(result.comments)
        return result.root


def _unexpected(path: Path, result: Document | Diagnostic) -> Diagnostic:
    """A read failure as is; a document of the wrong kind cannot come from a file's own name."""
    if isinstance(result, Diagnostic):
        return result
    return Diagnostic(display_path(path), 1, 1, "internal error: file parsed as the wrong kind")


# --- Terraform --------------------------------------------------------------------------------


def terraform_module(directory: Path, var_files: list[Path], now: datetime, inputs: Inputs) -> list[Resource]:
    """Every configuration file of the directory, selected or not: they share one scope."""
    inputs.listing(directory)
    config = config_files(directory)
    auto = auto_var_files(directory)
    inputs.prefetch([*var_files, *config, *auto])
    files = [inputs.parse(p) for p in config]
    values = [inputs.parse(p) for p in [*auto, *var_files]]
    return build_module(files, values, now, display_path(directory))


def auto_var_files(directory: Path) -> list[Path]:
    auto = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    return [p for p in auto if p.is_file()]


def config_files(directory: Path) -> list[Path]:
    """The directory's Terraform files; broken links, loops and FIFOs too, so they get a
    diagnostic instead of silence, but no directory named like a file (Terraform ignores those)."""
    try:
        return sorted(p for p in directory.iterdir() if not p.is_dir() and kind_of(p) in TERRAFORM_KINDS)
    except OSError:
        return []


# --- JSON: ARM templates and Terraform plans ----------------------------------------------------


def json_document(path: Path, inputs: Inputs) -> list[Resource] | None:
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
    params = inputs.json(params_file) if inputs.exists(params_file) else None
    if params is not None and arm.is_parameters(params):
        values = arm.parameter_values(params)
    else:
        params = None
    resources = arm.build_template(root, values, display_path(path))
    resources += arm.secure_parameters(root, params, display_path(path))
    inputs.comments.setdefault(display_path(path), []).extend(arm.metadata_suppressions(resources))
    return resources


def _plan_sources(directory: Path, inputs: Inputs) -> Sources:
    """Where the root module beside a plan declares its resources and their attributes."""
    from svclint.resolve.plan import Sources

    sources = Sources()
    inputs.listing(directory)
    inputs.prefetch(config_files(directory))
    for config in (inputs.parse(p) for p in config_files(directory)):
        for block in config.body.blocks:
            if block.type in ("resource", "data") and len(block.labels) == 2:
                address = ".".join(("data", *block.labels) if block.type == "data" else block.labels)
                sources.blocks[address] = block.loc
                for name, attribute in block.body.attributes.items():
                    sources.attributes[(address, name)] = attribute.loc
                for nested in block.body.blocks:
                    sources.attributes.setdefault((address, nested.type), nested.loc)
    return sources


# --- Bicep --------------------------------------------------------------------------------------


def bicep_template(path: Path, param_file: Path | None, now: datetime, inputs: Inputs) -> list[Resource]:
    """Resources of a Bicep template (and of the local modules it calls), with the parameter
    values of `param_file` when one is `using` it."""
    from svclint.resolve import bicep

    values: dict[str, Node] = {}
    if param_file is not None:
        found = bicep_params(param_file, now, inputs)
        values = found[1] if found else {}
    loaded = inputs.bicep(path)
    if loaded is None:
        return []
    file, shown = loaded
    return bicep.build(bicep.Module(file, shown, shown, now, values, inputs.bicep_module))


def bicep_using(path: Path, inputs: Inputs) -> Path | None:
    """The template a `.bicepparam` file is `using`, if it names a local one."""
    from svclint.parsers import bicep_syntax as syn

    loaded = inputs.bicep(path)
    if loaded is None:
        return None
    using = next((s for s in loaded[0].statements if isinstance(s, syn.Using) and s.path is not None), None)
    if using is None or using.path is None or using.path.value is None:
        return None
    return real_path(path.parent / using.path.value)


def bicep_params(path: Path, now: datetime, inputs: Inputs) -> tuple[Path, dict[str, Node]] | None:
    """(template, parameter values) from a `.bicepparam` file's `using` and `param` lines."""
    from svclint.parsers import bicep_syntax as syn
    from svclint.resolve import bicep

    target = bicep_using(path, inputs)
    loaded = inputs.bicep(path)
    if target is None or loaded is None:
        return None
    file, shown = loaded
    state = bicep.Module(file, shown, shown, now)
    state.symbols = {s.name: s for s in file.statements if isinstance(s, syn.Var)}
    assigned = {s.name: bicep.evaluate(s.value, state) for s in file.statements if isinstance(s, syn.ParamAssign)}
    return target, assigned
