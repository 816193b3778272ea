"""Hostile configuration and rule files: refused quickly, on one line, and never executed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main
from svclint.engine.loader import builtin_rules_dir

BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
    + ["select: *i"]
)
"""Nine levels of ten aliases each: 10^9 values from under a kilobyte ("billion laughs")."""


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and output, with the working directory left out of the (absolute) config path."""
    result = CliRunner().invoke(main, ["check", "--no-cache", "--jobs", "1", *args])
    return result.exit_code, (result.stdout + result.stderr).replace(f"{Path.cwd()}/", "")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(
        'locals {\n  x = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"\n}\n'
    )
    return tmp_path


def _user_rule(directory: Path, rule_id: str, pattern: str = ".") -> Path:
    """A copy of SVC022 under another id, with its first pattern replaced."""
    directory.mkdir(exist_ok=True)
    text = (builtin_rules_dir() / "SVC022.yaml").read_text(encoding="utf-8")
    text = text.replace("id: SVC022", f"id: {rule_id}").replace("matches: '.'", f"matches: '{pattern}'", 1)
    (directory / f"{rule_id}.yaml").write_text(text, encoding="utf-8")
    return directory


def test_alias_bomb_in_config_is_refused_without_expanding(workdir: Path) -> None:
    (workdir / ".svclint.yaml").write_text(BOMB)
    started = time.perf_counter()
    code, out = invoke(".")
    assert time.perf_counter() - started < 5
    assert (code, out) == (
        2,
        "svclint: error: .svclint.yaml:1:1: invalid YAML: document expands to more than 200000 values "
        "through aliases (a YAML alias bomb?)\n",
    )


def test_alias_bomb_in_rule_file_is_refused(workdir: Path) -> None:
    rules = workdir / "rules"
    rules.mkdir()
    (rules / "USR001.yaml").write_text(BOMB)
    code, out = invoke(".", "--rules-dir", "rules")
    assert code == 2
    assert out.endswith("USR001.yaml:1:1: invalid YAML: document expands to more than 200000 values "
                        "through aliases (a YAML alias bomb?)\n")  # fmt: skip


def test_huge_config_is_refused_unread(workdir: Path) -> None:
    (workdir / ".svclint.yaml").write_text("# padding\n" * 200_000)
    assert invoke(".") == (2, "svclint: error: .svclint.yaml: config file is larger than 1 MB\n")


def test_deep_config_is_a_yaml_error_not_a_crash(workdir: Path) -> None:
    (workdir / ".svclint.yaml").write_text("select: " + "[" * 5000 + "]" * 5000 + "\n")
    code, message = invoke(".")
    # libyaml says where ("...:1:1008: ... exceeded maximum nesting depth"); pure PyYAML cannot.
    assert code == 2 and message.startswith("svclint: error: .svclint.yaml") and "nesting" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail-on: 3\n", ".svclint.yaml:1: fail-on: 3 is not one of ['error', 'warning', 'note', 'never']"),
        ("select: SVC001\n", ".svclint.yaml:1: select: 'SVC001' is not of type 'array'"),
        ("parse-timeout: slow\n", ".svclint.yaml:1: parse-timeout: 'slow' is not of type 'number'"),
        ("max-file-size: -5\n", ".svclint.yaml:1: max-file-size: -5 is less than the minimum of 1"),
        (
            "colour: red\n",
            ".svclint.yaml: Additional properties are not allowed ('colour' was unexpected); known keys:",
        ),
        ("- just\n- a list\n", ".svclint.yaml: the configuration must be a mapping of keys to values"),
    ],
)
def test_wrong_types_and_unknown_keys(workdir: Path, text: str, message: str) -> None:
    (workdir / ".svclint.yaml").write_text(text)
    code, out = invoke(".")
    assert code == 2
    assert out.startswith(f"svclint: error: {message}")


def test_python_tags_are_never_constructed(workdir: Path) -> None:
    (workdir / ".svclint.yaml").write_text('select: !!python/object/apply:os.system ["touch pwned"]\n')
    code, out = invoke(".")
    assert code == 2
    assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'" in out
    assert not (workdir / "pwned").exists()


def test_duplicate_rule_id_is_refused(workdir: Path) -> None:
    _user_rule(workdir / "rules", "SVC022")
    code, out = invoke(".", "--rules-dir", "rules")
    assert code == 2
    assert re.fullmatch(
        r"svclint: error: rules/SVC022\.yaml: rule id SVC022 is already defined in \S+SVC022\.yaml\n", out
    )


@pytest.mark.parametrize("pattern", ["(a+)+$", "(x|x)+$", "(\\w+\\s?)*$"])
def test_catastrophic_regex_in_a_rule_is_refused_at_load(workdir: Path, pattern: str) -> None:
    _user_rule(workdir / "rules", "USR022", pattern)
    started = time.perf_counter()
    code, out = invoke(".", "--rules-dir", "rules")
    assert time.perf_counter() - started < 5
    assert code == 2
    assert out.startswith(f"svclint: error: rules/USR022.yaml: unsafe regular expression {pattern!r}: ")


def test_catastrophic_regex_in_rule_options_is_refused(workdir: Path) -> None:
    (workdir / ".svclint.yaml").write_text("options:\n  SVC022: {placeholder: '(a*)*$'}\n")
    code, out = invoke(".")
    assert (code, out) == (
        2,
        "svclint: error: .svclint.yaml: options.SVC022: unsafe regular expression '(a*)*$': nested unbounded "
        "quantifiers such as (a+)+ can take exponential time; quantify only once\n",
    )
