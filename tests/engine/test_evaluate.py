"""The rule loop: which resources a rule sees, in what order, and what its findings say."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from svclint.engine.evaluate import Settings, run_rules
from svclint.engine.graph import Graph
from svclint.engine.loader import Check, Rule, load_rules
from svclint.model import Location, Node, Resource, Unknown

LOC = Location("m.tf", 1, 1, 1, 2)
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def rule(*checks: Check, params: dict[str, Any] | None = None) -> Rule:
    return Rule(
        id="TST001",
        name="Test",
        title="A test rule",
        severity="warning",
        rationale="",
        source={},
        help_uri="",
        remediation="",
        path=Path("TST001.yaml"),
        checks={"terraform": checks},
        params=params or {},
    )


def resource(address: str, **body: Node) -> Resource:
    return Resource("terraform", address.split(".")[0], address, Node(body, LOC), LOC)


def messages(rules: list[Rule], resources: list[Resource], settings: Settings) -> list[str]:
    _, tables = load_rules()
    return [f.message for f in run_rules(rules, Graph(resources), tables, settings)]


def test_resources_come_type_by_type_in_the_order_the_checks_name_them() -> None:
    checks = (Check(("b_t",), "{address}"), Check(("a_t", "B_T"), "{address}"))
    found = [resource("a_t.one"), resource("b_t.one"), resource("a_t.two")]
    assert messages([rule(*checks)], found, Settings(NOW)) == ["b_t.one", "a_t.one", "a_t.two"]


def test_an_unknown_check_keeps_its_own_facts_under_strict() -> None:
    # Both checks are unknown; the error is reported, with what its own evaluation found out,
    # not what the note evaluated after it wrote.
    error = Check(("x_t",), "{principal_desc}", {"path": "p", "principal": ["user"]}, "error")
    note = Check(("x_t",), "{principal_desc}", {"path": "q", "principal": ["user"]}, "note")
    found = resource("x_t.r", p=Node(Unknown("later"), LOC, text="var.p"), q=Node(Unknown("later"), LOC, text="var.q"))
    assert messages([rule(error, note)], [found], Settings(NOW, strict=True)) == [
        "principal `var.p` (unknown value counted by --strict)"
    ]


def test_configured_params_reach_compiled_conditions() -> None:
    check = Check(("x_t",), "{param_limit}", {"path": "n", "gt": {"param": "limit"}})
    rules = [rule(check, params={"limit": 5})]
    found = [resource("x_t.r", n=Node(7, LOC))]
    assert messages(rules, found, Settings(NOW)) == ["5"]
    assert messages(rules, found, Settings(NOW, params={"TST001": {"limit": 10}})) == []
    assert messages(rules, found, Settings(NOW, params={"TST001": {"limit": 6}})) == ["6"]


def test_one_run_serves_graphs_of_different_types() -> None:
    rules = [rule(Check(("a_t",), "a {address}"), Check(("b_t",), "b {address}"))]
    settings = Settings(NOW)
    assert messages(rules, [resource("a_t.one")], settings) == ["a a_t.one"]
    assert messages(rules, [resource("b_t.one")], settings) == ["b b_t.one"]
    assert messages(rules, [resource("c_t.one")], settings) == []
    assert messages(rules, [resource("b_t.two"), resource("a_t.two")], settings) == ["a a_t.two", "b b_t.two"]
