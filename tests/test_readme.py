"""README promises that tests keep true: the demo output and the rule table."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from svclint.cli import main
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
