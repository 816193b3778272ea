"""Rule files are validated at load; every problem names the file and the place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from svclint.engine.loader import builtin_rules_dir, load_rules
from svclint.errors import RuleError

GOOD = """\
id: ACME001
name: NoContributor
title: No Contributor for apps
severity: error
rationale: Contributor lets an app change everything in its scope.
source: {document: Doc, quote: "Grant least privilege always.", url: "https://example.com/doc"}
help_uri: https://example.com/ACME001
remediation: Use a narrower role.
terraform:
  - resources: [azurerm_role_assignment]
    when: {path: role_definition_name, equals: Contributor}
    message: "`{address}` grants Contributor."
"""


def _write(tmp_path: Path, text: str, name: str = "ACME001.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_user_rules_load_next_to_builtin_ones(tmp_path: Path) -> None:
    rules, _ = load_rules([_write(tmp_path, GOOD)])
    assert "ACME001" in [r.id for r in rules]
    assert rules[0].id == "SVC001"


def test_messages_may_name_a_table_for_the_row_in_table_found(tmp_path: Path) -> None:
    text = GOOD.replace("grants Contributor.", "grants {azure_roles}, not {managed_identity_types}.")
    rules, _ = load_rules([_write(tmp_path, text)])
    assert "ACME001" in [r.id for r in rules]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("severity: error", "severity: fatal"),
            "invalid rule at severity: 'fatal' is not one of",
        ),
        (
            GOOD.replace("equals: Contributor", "equals: Contributor, matches: x"),
            "needs exactly one operator",
        ),
        (GOOD.replace("equals: Contributor", "matches: '(['"), "bad regular expression"),
        (GOOD.replace("equals: Contributor", "gt: {param: nope}"), "undeclared param 'nope'"),
        (GOOD.replace("grants Contributor", "grants {colour}"), "unknown field(s) ['colour']"),
        (GOOD + "bogus: 1\n", "Additional properties are not allowed ('bogus' was unexpected)"),
        ("id: [unclosed\n", "invalid YAML"),
    ],
)
def test_invalid_rules_name_file_and_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RuleError) as info:
        load_rules([_write(tmp_path, text)])
    assert str(info.value).startswith(str(tmp_path / "ACME001.yaml"))
    assert message in str(info.value)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    shutil.copy(builtin_rules_dir() / "SVC012.yaml", tmp_path / "SVC012.yaml")
    with pytest.raises(RuleError, match="rule id SVC012 is already defined in"):
        load_rules([tmp_path])


def test_file_name_must_match_id(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="file name must start with the rule id ACME001"):
        load_rules([_write(tmp_path, GOOD, "other.yaml")])


def test_builtin_rule_ids_match_files() -> None:
    rules, _ = load_rules()
    assert all(r.path.stem == r.id for r in rules)
    assert len({r.name for r in rules}) == len(rules)


def test_loaded_pack_is_cached_and_any_edit_invalidates_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVCLINT_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "pack"
    pack.mkdir()
    _write(pack, GOOD)
    first, _ = load_rules([pack])
    assert len(list((tmp_path / "cache" / "rules").glob("*.pickle"))) == 1
    again, _ = load_rules([pack])
    assert [r.id for r in again] == [r.id for r in first]
    (pack / "ACME001.yaml").write_text(GOOD.replace("No Contributor for apps", "No Owner for apps"))
    edited, _ = load_rules([pack])
    assert next(r.title for r in edited if r.id == "ACME001") == "No Owner for apps"
    (pack / "ACME001.yaml").write_text(GOOD.replace("severity: error", "severity: fatal"))
    with pytest.raises(RuleError, match="'fatal' is not one of"):
        load_rules([pack])
