"""Markdown, JSON and CSV renderings: golden files, the shipped schema, the size cap."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from svclint.inventory import FORMATS, renderer
from svclint.inventory import markdown as markdown_format
from svclint.inventory.model import Account, Inventory
from tests.conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = ROOT / "svclint" / "inventory" / "schema.json"


def _render(name: str, inventory: Inventory) -> str:
    stream = io.StringIO()
    renderer(name).render(inventory, stream)
    return stream.getvalue()


def test_markdown_matches_golden(demo: Inventory) -> None:
    """Regenerate with `svclint inventory fixtures/demo/ --now 2026-06-01T00:00:00Z
    -o tests/inventory/golden/demo.md` (from the repository root) after a deliberate change."""
    assert _render("markdown", demo) == (GOLDEN / "demo.md").read_text(encoding="utf-8")


def test_mermaid_matches_golden(demo: Inventory) -> None:
    """Regenerate as above with `--format mermaid -o tests/inventory/golden/demo.mmd`."""
    assert _render("mermaid", demo) == (GOLDEN / "demo.mmd").read_text(encoding="utf-8")


def test_every_format_is_deterministic_and_relative(demo: Inventory) -> None:
    for name in FORMATS:
        first = _render(name, demo)
        assert first == _render(name, demo)
        assert str(ROOT) not in first


def test_json_validates_against_the_shipped_schema(demo: Inventory, accounts: dict[str, Account]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    document = json.loads(_render("json", demo))
    Draft202012Validator(schema).validate(document)
    assert document["summary"]["privileged_at_broad_scope"] == 1
    full = Inventory(tuple(accounts.values()), 1)  # every kind and field filled in
    Draft202012Validator(schema).validate(json.loads(_render("json", full)))


def test_csv_has_one_row_per_account(accounts: dict[str, Account]) -> None:
    inventory = Inventory(tuple(accounts.values()), 1)
    rows = list(csv.DictReader(io.StringIO(_render("csv", inventory))))
    assert [r["address"] for r in rows] == list(accounts)
    app = rows[2]
    assert app["service_principal"] == "azuread_service_principal.sync"
    assert app["credentials"].count("; ") == 1
    assert rows[0]["privileged_at_broad_scope"] == "true"


def test_markdown_stops_at_the_size_limit_with_a_note(accounts: dict[str, Account]) -> None:
    inventory = Inventory(tuple(accounts.values()) * 50, 1)
    stream = io.StringIO()
    markdown_format.render(inventory, stream, limit=4096)
    text = stream.getvalue()
    assert len(text.encode("utf-8")) <= 4096
    assert text.rstrip().endswith("lists everything._")
    assert "_Truncated at 4,096 bytes: about " in text


def test_markdown_for_no_accounts() -> None:
    assert _render("markdown", Inventory((), 3)).endswith("No service accounts found in 3 files.\n")


def test_schema_and_table_ship_in_the_wheel() -> None:
    """The full wheel build is in tests/test_packaging.py; this checks the declarations."""
    tomllib = pytest.importorskip("tomllib")
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "svclint.inventory" in setuptools["packages"]
    globs = setuptools["package-data"]["svclint.inventory"]
    assert any(SCHEMA.match(f"*/{glob}") for glob in globs)
    assert any(Path("inventory_sources.yaml").match(g) for g in setuptools["package-data"]["svclint._rules.tables"])
