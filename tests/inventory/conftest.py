"""Inventories of the bundled fixtures, built in-process with the default rule set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from svclint.engine.loader import load_rules
from svclint.inventory.build import build_inventory
from svclint.inventory.model import Account, Inventory
from svclint.selection import select_rules
from tests.conftest import FIXTURES, NOW, ROOT, run


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def inventory_of() -> Callable[[Path], Inventory]:
    rules, tables = load_rules()
    defaults = select_rules(rules, [], [])

    def build(path: Path) -> Inventory:
        result = run([path.relative_to(ROOT)], defaults, tables)
        return build_inventory(result, tables, NOW)

    return build


@pytest.fixture(scope="session")
def demo(inventory_of: Callable[[Path], Inventory]) -> Inventory:
    return inventory_of(FIXTURES / "demo")


@pytest.fixture(scope="session")
def accounts(inventory_of: Callable[[Path], Inventory]) -> dict[str, Account]:
    """The accounts of fixtures/inventory/, by address."""
    return {a.address: a for a in inventory_of(FIXTURES / "inventory").accounts}
