"""Load rule files: validate each against `rules/schema.json`, then check what a schema can't.

Rules are data. Nothing in a rule file is executed: YAML is read with a safe, bounded loader
(`svclint.yamlsafe`), regexes are checked for catastrophic backtracking and compiled (never
evaluated as code), and tables are plain rows.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from svclint import yamlsafe
from svclint.engine import regex_guard
from svclint.engine.conditions import OPERATORS
from svclint.engine.tables import Table, load_tables
from svclint.errors import RuleError
from svclint.model import Dialect, Severity

DIALECTS: tuple[Dialect, ...] = ("terraform", "arm")
MESSAGE_FIELDS = frozenset(
    {
        "address",
        "type",
        "name",
        "attribute",
        "value",
        "target",
        "referrer",
        "principal",
        "principal_ref",
        "principal_desc",
        "lifetime",
        "limit",
        "scope",
        "azure_roles",
        "count",
        "missing",
        "values",
    }
)


@dataclass(frozen=True, slots=True)
class Check:
    resources: tuple[str, ...]
    message: str
    when: Mapping[str, Any] | None = None
    severity: Severity | None = None
    at: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    rationale: str
    source: Mapping[str, str]
    help_uri: str
    remediation: str
    path: Path
    checks: Mapping[Dialect, tuple[Check, ...]]
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    param_docs: Mapping[str, str] = field(default_factory=dict)
    examples: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    default_enabled: bool = True
    precision: str = "high"
    security_severity: float | None = None

    @property
    def dialects(self) -> tuple[str, ...]:
        return tuple(d for d in DIALECTS if d in self.checks)


def builtin_rules_dir() -> Path:
    """The rules shipped with svclint: inside the package when installed, `rules/` in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "rules"


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((builtin_rules_dir() / "schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def load_rules(extra_dirs: Iterable[Path] = ()) -> tuple[list[Rule], dict[str, Table]]:
    """All rules (built-in first, then user directories) and the tables they use.

    Loading and validating ~50 rule files costs more than linting a small repository, so a
    loaded pack is kept in the user cache, keyed by svclint's version and the bytes of every
    rule, table and schema file: any edit makes a new key, and a failing pack is never cached.
    """
    directories = [builtin_rules_dir(), *extra_dirs]
    for directory in directories:
        if not directory.is_dir():
            raise RuleError(f"{directory}: rules directory does not exist")
    cache = _pack_cache(directories)
    cached = _read_pack(cache)
    if cached is not None:
        return cached
    loaded = _load_rules(directories)
    _write_pack(cache, loaded)
    return loaded


def _pack_cache(directories: list[Path]) -> Path | None:
    from svclint import __version__
    from svclint.cache import user_cache_dir

    digest = hashlib.sha256(__version__.encode())
    for directory in directories:
        for path in sorted([*directory.glob("*.y*ml"), *directory.glob("*.json"), *directory.glob("tables/*.y*ml")]):
            digest.update(str(path).encode() + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                return None  # unreadable: load normally and let that report it
    try:
        return user_cache_dir() / "rules" / f"{digest.hexdigest()}.pickle"
    except (OSError, RuntimeError):
        return None


def _read_pack(path: Path | None) -> tuple[list[Rule], dict[str, Table]] | None:
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if isinstance(value, tuple) and len(value) == 2 else None


def _write_pack(path: Path | None, loaded: tuple[list[Rule], dict[str, Table]]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(path)
    except OSError:
        pass  # a read-only cache only costs speed


def _load_rules(directories: list[Path]) -> tuple[list[Rule], dict[str, Table]]:
    tables = load_tables(d / "tables" for d in directories if (d / "tables").is_dir())
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
            rule = load_rule(path, tables)
            for key in (rule.id, *rule.aliases):
                if key in seen:
                    raise RuleError(f"{path}: rule id {key} is already defined in {seen[key]}")
                seen[key] = path
            rules.append(rule)
    return rules, tables


def load_rule(path: Path, tables: Mapping[str, Table]) -> Rule:
    data = _read_yaml(path)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = _deepest(errors[0])
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise RuleError(f"{path}: invalid rule at {where}: {error.message}")
    if path.stem.split(".")[0] != data["id"] and not path.stem.startswith(data["id"] + "-"):
        raise RuleError(f"{path}: file name must start with the rule id {data['id']}")
    params = {name: spec["default"] for name, spec in data.get("params", {}).items()}
    refused = regex_guard.unsafe_in(params)
    if refused:
        raise RuleError(f"{path}: params: {refused}")
    checks = {
        dialect: tuple(_check(path, c, tables, params) for c in data[dialect])
        for dialect in DIALECTS
        if dialect in data
    }
    return Rule(
        id=data["id"],
        name=data["name"],
        title=data["title"],
        severity=data["severity"],
        rationale=data["rationale"].strip(),
        source=data["source"],
        help_uri=data["help_uri"],
        remediation=data["remediation"].strip(),
        path=path,
        checks=checks,
        tags=tuple(data.get("tags", ())),
        aliases=tuple(data.get("aliases", ())),
        params=params,
        param_docs={name: spec["description"] for name, spec in data.get("params", {}).items()},
        examples=data.get("examples", {}),
        default_enabled=data.get("default_enabled", True),
        precision=data.get("precision", "high"),
        security_severity=data.get("security_severity"),
    )


def _deepest(error: Any) -> Any:
    """For oneOf/anyOf failures, the sub-error that got furthest says what is really wrong."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read rule: {exc}") from exc
    if len(text) > 1_000_000:
        raise RuleError(f"{path}: rule file is larger than 1 MB")
    try:
        return yamlsafe.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise RuleError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc


def _check(path: Path, raw: Mapping[str, Any], tables: Mapping[str, Table], params: Mapping[str, Any]) -> Check:
    resources: list[str] = []
    for item in raw["resources"]:
        if isinstance(item, str):
            resources.append(item)
        else:
            table = _table(path, tables, item["table"])
            resources.extend(str(v) for v in table.column(item["column"], item.get("where")))
    if raw.get("when") is not None:
        _validate_condition(path, raw["when"], tables, params)
    _validate_message(path, raw["message"], tables)
    return Check(tuple(resources), raw["message"], raw.get("when"), raw.get("severity"), raw.get("at"))


def _table(path: Path, tables: Mapping[str, Table], name: str) -> Table:
    if name not in tables:
        raise RuleError(f"{path}: unknown table {name!r} (tables: {', '.join(sorted(tables))})")
    return tables[name]


def _validate_condition(
    path: Path, cond: Mapping[str, Any], tables: Mapping[str, Table], params: Mapping[str, Any]
) -> None:
    """Checks the schema cannot express: one operator per leaf, known params, valid regexes."""
    stack: list[Mapping[str, Any]] = [cond]
    while stack:
        item = stack.pop()
        for key in ("all", "any"):
            stack.extend(item.get(key, ()))
        if "not" in item:
            stack.append(item["not"])
        if isinstance(item.get("has"), Mapping):
            stack.append(item["has"])
        for key in ("referenced_by", "in_module", "target"):
            inner = item.get(key)
            if isinstance(inner, Mapping) and "where" in inner:
                stack.append(inner["where"])
        if "path" not in item:
            continue
        ops = [k for k in item if k in OPERATORS]
        if len(ops) != 1:
            raise RuleError(f"{path}: condition on {item['path']!r} needs exactly one operator, has {ops}")
        _validate_argument(path, item, ops[0], tables, params)


def _validate_argument(
    path: Path,
    item: Mapping[str, Any],
    op: str,
    tables: Mapping[str, Table],
    params: Mapping[str, Any],
) -> None:
    argument = item[op]
    for value in _param_names(argument):
        if value not in params:
            raise RuleError(f"{path}: condition uses undeclared param {value!r}")
    if op in ("matches", "key_matches") and isinstance(argument, str):
        try:
            re.compile(argument)
        except re.error as exc:
            raise RuleError(f"{path}: bad regular expression {argument!r}: {exc}") from exc
        refused = regex_guard.check(argument)
        if refused:
            raise RuleError(f"{path}: unsafe regular expression {argument!r}: {refused}")
    if op == "in_table":
        _table(path, tables, argument["table"])


def _param_names(argument: Any) -> list[str]:
    if isinstance(argument, Mapping):
        if set(argument) == {"param"}:
            return [argument["param"]]
        return [n for v in argument.values() for n in _param_names(v)]
    return []


def _validate_message(path: Path, message: str, tables: Mapping[str, Table]) -> None:
    """Fields are the fixed ones, rule params, or a table's name (the row an `in_table` found)."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(message) if f}
    except ValueError as exc:
        raise RuleError(f"{path}: bad message template: {exc}") from exc
    unknown = sorted(f for f in fields if f not in MESSAGE_FIELDS and f not in tables and not f.startswith("param_"))
    if unknown:
        raise RuleError(f"{path}: message uses unknown field(s) {unknown}; known: {sorted(MESSAGE_FIELDS)}")
