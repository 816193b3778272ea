"""Configuration: `.svclint.yaml`, `[tool.svclint]` in pyproject.toml, or `--config FILE`.

The file nearest to the scanned paths (then to the working directory, walking upwards)
wins; command-line options override it key by key. Every value remembers where it came
from, which `svclint config` prints. Paths in a file are relative to that file.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from svclint import yamlsafe
from svclint.errors import ConfigError
from svclint.source import real_path

CONFIG_NAMES = (".svclint.yaml", ".svclint.yml")
DEFAULTS: dict[str, Any] = {
    "select": [],
    "ignore": [],
    "severity": {},
    "per-path-ignores": {},
    "exclude": [],
    "fail-on": "warning",
    "rules-dirs": [],
    "var-files": [],
    "options": {},
    "unsuppressible": [],
    "strict": False,
    "baseline": None,
    "max-file-size": "10MB",
    "parse-timeout": 10,
    "fail-on-parse-error": False,
}
_PATH_LISTS = ("rules-dirs", "var-files")
MAX_CONFIG_BYTES = 1_000_000


@dataclass
class Config:
    values: dict[str, Any]
    sources: dict[str, str]
    root: Path
    file: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def find_config(paths: Iterable[Path]) -> Path | None:
    """The nearest config file above the scanned paths, else above the working directory."""
    starts = [real_path(p) if p.is_dir() else real_path(p).parent for p in paths]
    for start in [*starts, Path.cwd().resolve()]:
        for directory in (start, *start.parents):
            for name in CONFIG_NAMES:
                if (directory / name).is_file():
                    return directory / name
            pyproject = directory / "pyproject.toml"
            if pyproject.is_file() and _has_tool_section(pyproject):
                return pyproject
    return None


def _has_tool_section(pyproject: Path) -> bool:
    try:
        return "svclint" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    return data


def load(explicit: Path | None, paths: Iterable[Path], overrides: Mapping[str, Any]) -> Config:
    """Defaults, then the config file, then command-line `overrides` (only options given)."""
    file = explicit or find_config(paths)
    values = dict(DEFAULTS)
    sources = dict.fromkeys(DEFAULTS, "default")
    root = Path.cwd()
    if file is not None:
        if not file.is_file():
            raise ConfigError(f"{file}: config file not found")
        root = file.resolve().parent
        data = _read(file)
        validate(data, file)
        for key, value in data.items():
            values[key] = _absolute(key, value, root)
            sources[key] = _shown(file)
    for key, value in overrides.items():
        values[key] = value
        sources[key] = "command line"
    return Config(values, sources, root, file)


_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def parse_size(value: int | str, source: str) -> int:
    """Bytes from `10MB`, `512KB`, `1.5GB` or a plain number of bytes (units are binary)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", str(value), re.IGNORECASE)
    if match is None or match.group(2).upper() not in _UNITS:
        raise ConfigError(f"{source}: max-file-size: {value!r} is not a size such as 10MB, 512KB or 1000000")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def _shown(file: Path) -> str:
    try:
        return file.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def _absolute(key: str, value: Any, root: Path) -> Any:
    if key in _PATH_LISTS:
        return [root / v for v in value]
    if key == "baseline" and value is not None:
        return root / value
    return value


def _read(file: Path) -> dict[str, Any]:
    if file.name == "pyproject.toml":
        section = _read_toml(file).get("tool", {}).get("svclint", {})
        if not isinstance(section, dict):
            raise ConfigError(f"{file}: [tool.svclint] must be a table")
        return section
    try:
        if file.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{file}: config file is larger than 1 MB")
        text = file.read_text(encoding="utf-8")
        data = yamlsafe.load(text) if text.strip() else {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{file}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: the configuration must be a mapping of keys to values")
    return data


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from importlib.resources import files

    from jsonschema import Draft202012Validator

    schema = json.loads(files("svclint").joinpath("config.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def validate(data: Mapping[str, Any], file: Path) -> None:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    key = ".".join(str(p) for p in error.absolute_path)
    line = _line_of(file, list(error.absolute_path))
    where = f"{file}:{line}" if line else str(file)
    message = error.message
    if error.validator == "additionalProperties" and not error.absolute_path:
        message = f"{message}; known keys: {', '.join(DEFAULTS)}"
    raise ConfigError(f"{where}: {key + ': ' if key else ''}{message}")


def _line_of(file: Path, path: list[Any]) -> int | None:
    """The line of a key in a YAML file, so errors point at it."""
    if file.suffix not in (".yaml", ".yml"):
        return None
    try:
        node = yaml.compose(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
    return line


def render(config: Config) -> str:
    """The effective configuration as YAML, each key annotated with where it came from."""
    lines = [f"# svclint configuration ({config.file or 'no config file found'})"]
    for key in DEFAULTS:
        value = config.values[key]
        shown = [str(v) for v in value] if key in _PATH_LISTS else value
        if isinstance(shown, Path):
            shown = str(shown)
        text = json.dumps(shown)
        lines.append(f"{key}: {text}  # {config.sources[key]}")
    return "\n".join(lines)
