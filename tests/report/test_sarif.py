"""SARIF output validates against the OASIS schema and carries what GitHub reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from svclint.engine.loader import Rule
from svclint.engine.tables import Table
from svclint.report import ReportContext
from svclint.report.sarif import sarif_log
from tests.conftest import FIXTURES, ROOT, run

SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-2.1.0.json"


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _log(paths: list[Path], all_rules: tuple[list[Rule], dict[str, Table]]) -> dict[str, object]:
    rules, tables = all_rules
    result = run(paths, rules, tables)
    return sarif_log(result, ReportContext(version="0.1.0"))


def test_sarif_for_all_fixtures_is_schema_valid(
    all_rules: tuple[list[Rule], dict[str, Table]],
) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (it ships in ../shared/schemas/ in CI)")
    from jsonschema import Draft4Validator

    log = _log([Path("fixtures")], all_rules)
    errors = sorted(Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(log), key=str)
    assert [e.message for e in errors] == []
    assert len(log["runs"][0]["results"]) > 20  # type: ignore[index]


def test_results_point_at_attributes_with_relative_uris(
    all_rules: tuple[list[Rule], dict[str, Table]],
) -> None:
    log = _log([Path("fixtures/demo")], all_rules)
    (run_,) = log["runs"]  # type: ignore[misc]
    rules = run_["tool"]["driver"]["rules"]
    by_id = {r["id"]: i for i, r in enumerate(rules)}
    secret = next(r for r in run_["results"] if r["ruleId"] == "SVC002")
    location = secret["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "fixtures/demo/main.tf",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 49, "startColumn": 5, "endLine": 49, "endColumn": 68}
    assert secret["ruleIndex"] == by_id["SVC002"]
    assert secret["level"] == "error"
    assert secret["message"]["text"].endswith(".")
    assert len(secret["partialFingerprints"]["svclint/v1"]) == 32
    rule = rules[by_id["SVC002"]]
    assert rule["properties"]["security-severity"] == "8.0"
    assert "security" in rule["properties"]["tags"]
    assert rule["helpUri"].startswith("https://")
    assert rule["help"]["markdown"]
    assert rule["name"] != rule["id"]


def test_fingerprints_ignore_line_moves(all_rules: tuple[list[Rule], dict[str, Table]], tmp_path: Path) -> None:
    source = (FIXTURES / "demo" / "main.tf").read_text()
    (tmp_path / "main.tf").write_text(source)
    (tmp_path / "variables.tf").write_text((FIXTURES / "demo" / "variables.tf").read_text())
    before = _fingerprints(_log([tmp_path], all_rules))
    (tmp_path / "main.tf").write_text("# moved\n\n\n" + source)
    after = _fingerprints(_log([tmp_path], all_rules))
    assert before == after and len(before) == 13


def _fingerprints(log: dict[str, object]) -> set[str]:
    return {r["partialFingerprints"]["svclint/v1"] for r in log["runs"][0]["results"]}  # type: ignore[index]


def test_parse_errors_are_notifications_not_results(
    all_rules: tuple[list[Rule], dict[str, Table]], tmp_path: Path
) -> None:
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n  x = \n}\n')
    log = _log([tmp_path], all_rules)
    invocation = log["runs"][0]["invocations"][0]  # type: ignore[index]
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert "parse error" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert log["runs"][0]["results"] == []  # type: ignore[index]
