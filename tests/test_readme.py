"""README promises that tests keep true: the demo output and the rule table."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from svclint.cli import main
from svclint.config import DEFAULTS, load
from svclint.engine.loader import load_rules
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_demo_output_matches_readme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    block = README.split("$ svclint check fixtures/demo/\n", 1)[1].split("```", 1)[0]
    # The demo's lifetimes are relative to `timestamp()`, so any clock gives the same output.
    result = CliRunner().invoke(main, ["check", "fixtures/demo/", "--no-color"])
    assert result.stdout == block


def test_rule_table_lists_every_rule() -> None:
    rules, _ = load_rules()
    rows = set(re.findall(r"^\| (SVC\d{3}) \| (\w+) \| (.+) \|$", README, re.MULTILINE))
    assert rows == {(r.id, r.severity, r.title) for r in rules}


def test_readme_names_the_ci_test_command() -> None:
    assert "<!-- test-command -->\n```sh\npython -m pip install '.[test]' && python -m pytest\n```" in README


def _block(marker: str) -> str:
    return README.split(f"<!-- {marker} -->\n", 1)[1].split("```", 2)[1].split("\n", 1)[1]


def test_config_example_is_valid_and_every_key_is_documented(tmp_path: Path) -> None:
    file = tmp_path / ".svclint.yaml"
    file.write_text(_block("config-example"))
    config = load(file, [tmp_path], {})
    assert config.sources["options"] == config.sources["fail-on"] != "default"
    table = README.split("| key | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)`(?:, `([a-z-]+)`)? \|", table, re.MULTILINE))
    keys = {k for pair in documented for k in pair if k}
    assert keys == set(DEFAULTS)


def test_suppression_examples_are_valid(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(_block("suppression-examples"))
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--now", "2026-06-01T00:00:00Z"])
    assert result.exit_code == 0, result.stdout
    assert "2 suppressed" in result.stdout


def test_baseline_commands_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "fixtures" / "demo", tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    for line in _block("baseline-commands").splitlines():
        args = shlex.split(line.split("#", 1)[0])[1:]
        assert CliRunner().invoke(main, args).exit_code == 0, line


def test_pre_commit_snippet_uses_a_published_hook() -> None:
    config = yaml.safe_load(_block("pre-commit-config"))
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    (repo,) = config["repos"]
    assert {h["id"] for h in repo["hooks"]} <= hooks


def test_workflow_snippet_matches_the_action() -> None:
    workflow = yaml.safe_load(_block("workflow"))
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert workflow["permissions"]["security-events"] == "write"
    step = next(s for s in workflow["jobs"]["svclint"]["steps"] if s["uses"].startswith("svclint/svclint@"))
    assert set(step["with"]) <= set(action["inputs"])
    documented = re.search(r"The inputs are (.+?)\. The output", README, re.DOTALL)
    assert documented is not None
    assert set(re.findall(r"`([a-z-]+)`", documented.group(1))) == set(action["inputs"])
