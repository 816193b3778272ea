"""Configuration files: discovery, validation with file and key, precedence, `svclint config`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main
from svclint.config import find_config, load
from svclint.errors import ConfigError
from tests.conftest import FIXTURES


def test_nearest_file_wins_and_pyproject_counts(tmp_path: Path) -> None:
    nested = tmp_path / "infra" / "app"
    nested.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[tool.svclint]\nfail-on = "error"\n')
    assert find_config([nested]) == tmp_path / "pyproject.toml"
    (tmp_path / "infra" / ".svclint.yaml").write_text("fail-on: note\n")
    assert find_config([nested]) == tmp_path / "infra" / ".svclint.yaml"


def test_pyproject_without_section_is_not_a_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config([tmp_path]) is None


def test_command_line_overrides_file_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    file = tmp_path / ".svclint.yaml"
    file.write_text("fail-on: note\nvar-files: [env/prod.tfvars]\nselect: [SVC0]\n")
    config = load(file, [tmp_path], {"fail-on": "error"})
    assert config["fail-on"] == "error" and config.sources["fail-on"] == "command line"
    assert config["var-files"] == [tmp_path / "env" / "prod.tfvars"]
    assert config["select"] == ["SVC0"] and config.sources["select"].endswith(".svclint.yaml")
    assert config["exclude"] == [] and config.sources["exclude"] == "default"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail-on: fatal\n", ":1: fail-on: 'fatal' is not one of"),
        (
            "select: [SVC001]\nseverity:\n  SVC001: loud\n",
            ":3: severity.SVC001: 'loud' is not one of",
        ),
        (
            "colour: red\n",
            "Additional properties are not allowed ('colour' was unexpected); known keys:",
        ),
        ("- a\n- b\n", "the configuration must be a mapping"),
        ("a: [\n", ":2:1: invalid YAML"),
    ],
)
def test_invalid_config_names_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / ".svclint.yaml"
    file.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(file, [tmp_path], {})
    assert str(info.value).startswith(str(file))
    assert message in str(info.value)


def test_unknown_rule_and_option_are_errors(tmp_path: Path) -> None:
    (tmp_path / ".svclint.yaml").write_text("options:\n  SVC014: {max_days: 3}\n")
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "demo"), "--config", str(tmp_path / ".svclint.yaml")])
    assert result.exit_code == 2
    assert "options.SVC014: unknown option 'max_days' (known: max_password_days" in result.stderr
    (tmp_path / ".svclint.yaml").write_text("severity:\n  SVC999: error\n")
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "demo"), "--config", str(tmp_path / ".svclint.yaml")])
    assert "severity: unknown rule 'SVC999'" in result.stderr


def test_config_changes_findings(tmp_path: Path) -> None:
    (tmp_path / ".svclint.yaml").write_text(
        "fail-on: error\nignore: [SVC022]\nseverity: {SVC012: error}\noptions:\n  SVC014: {max_password_days: 800}\n"
    )
    args = ["check", str(FIXTURES / "demo"), "--config", str(tmp_path / ".svclint.yaml")]
    result = CliRunner().invoke(main, args)
    ids = [line.split()[1] for line in result.stdout.splitlines()[:-1]]
    assert ids == ["SVC040", "SVC040", "SVC012", "SVC001", "SVC002", "SVC020", "SVC032", "SVC039"]
    assert "(4 errors, 2 warnings, 2 notes)" in result.stdout


def test_config_command_shows_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".svclint.yaml").write_text("fail-on: error\n")
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0
    assert 'fail-on: "error"  # .svclint.yaml' in result.stdout
    assert "strict: false  # default" in result.stdout
