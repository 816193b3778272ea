"""The Mermaid diagram parses: a small checker for the flowchart subset svclint writes.

No Node.js in the tests, so this reads the statements Mermaid would: one header, node
declarations with a shape and a quoted label, `-->` edges between declared ids, `classDef`,
`class` and `linkStyle` lines whose references all resolve.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest

from svclint.inventory import mermaid
from svclint.inventory.model import Account, Inventory, RoleGrant

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"[^"]*"'
SHAPES = [("[", "]"), ("([", "])"), ("{{", "}}"), ("[/", "/]")]
NODE = re.compile(
    rf"^({ID})(" + "|".join(rf"{re.escape(left)}{LABEL}{re.escape(right)}" for left, right in SHAPES) + r")$"
)
EDGE = re.compile(rf"^({ID}) --> ({ID})$")
CLASSDEF = re.compile(rf"^classDef ({ID}) [a-z-]+:[^\s;]+(,[a-z-]+:[^;]+)*$")
CLASS = re.compile(rf"^class ({ID}(?:,{ID})*) ({ID})$")
LINKSTYLE = re.compile(r"^linkStyle (\d+) [a-z-]+:[^\s;]+(,[a-z-]+:[^\s;]+)*$")


@dataclass
class Chart:
    nodes: set[str] = field(default_factory=set)
    edges: list[tuple[str, str]] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    styled: list[int] = field(default_factory=list)


def parse(text: str) -> Chart:
    """Raise AssertionError on the first statement Mermaid would reject or misread."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR", lines[0]
    chart = Chart()
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        assert raw.startswith("    ") and line, f"line {number}: {raw!r}"
        _statement(chart, line, number)
    for start, end in chart.edges:
        assert {start, end} <= chart.nodes, f"edge {start} --> {end} to an undeclared node"
    assert all(index < len(chart.edges) for index in chart.styled), "linkStyle past the edges"
    return chart


def _statement(chart: Chart, line: str, number: int) -> None:
    if match := NODE.match(line):
        assert match.group(1) not in chart.nodes, f"line {number}: {match.group(1)} redeclared"
        chart.nodes.add(match.group(1))
    elif match := EDGE.match(line):
        chart.edges.append((match.group(1), match.group(2)))
    elif match := CLASSDEF.match(line):
        chart.classes.add(match.group(1))
    elif match := CLASS.match(line):
        assert match.group(2) in chart.classes, f"line {number}: class used before classDef"
        assert set(match.group(1).split(",")) <= chart.nodes, f"line {number}: unknown node"
    elif match := LINKSTYLE.match(line):
        chart.styled.append(int(match.group(1)))
    else:
        raise AssertionError(f"line {number}: not a statement svclint writes: {line!r}")


def _render(inventory: Inventory) -> str:
    stream = io.StringIO()
    mermaid.render(inventory, stream)
    return stream.getvalue()


def test_demo_diagram_parses_and_highlights_the_privileged_grant(demo: Inventory) -> None:
    chart = parse(_render(demo))
    assert len(chart.edges) == 5
    (highlighted,) = chart.styled
    assert chart.edges[highlighted] == (
        "a_azuread_application_orders",
        "r_azurerm_role_assignment_orders_contributor",
    )


def test_every_kind_parses(accounts: dict[str, Account]) -> None:
    chart = parse(_render(Inventory(tuple(accounts.values()), 1)))
    assert len(chart.styled) == 2  # the system identity's Owner, the legacy SP's Contributor


def test_ids_are_sanitised_and_unique_and_labels_escaped() -> None:
    grant = RoleGrant('r["x"]', "m.tf", 1, 'Odd "role"', True, "/", "tenant")
    twins = (
        Account("principal", "var.a-b", "m.tf", 1, external=True, roles=(grant,)),
        Account("principal", "var.a_b", "m.tf", 2, external=True),
        Account("user", 'module.x["k"].id', "n/m.tf", 3),
    )
    text = _render(Inventory(twins, 1))
    chart = parse(text)
    assert {"a_var_a_b", "a_var_a_b_2"} <= chart.nodes
    assert "#quot;role#quot;" in text


def test_empty_inventory_is_still_a_diagram() -> None:
    assert parse(_render(Inventory((), 0))).nodes == {"none"}


@pytest.mark.parametrize(
    "bad",
    [
        'graph TD\n    a["x"]\n',
        'flowchart LR\n    a-b["x"]\n',
        'flowchart LR\n    a["x"]\n    a --> b\n',
        'flowchart LR\n    a["x"]\n    linkStyle 0 stroke:#c00\n',
        'flowchart LR\n    a["x "y" "]\n',
    ],
)
def test_checker_rejects_broken_charts(bad: str) -> None:
    with pytest.raises(AssertionError):
        parse(bad)
